"""CME cases past a time limit, for the exception report (casework.exceptions)."""

from datetime import date
from typing import Any

from django.conf import settings
from django.urls import reverse

from access import policy
from casework.exceptions import ExceptionRow
from cme.compulsory import is_of_compulsory_school_age
from cme.days import school_days_missing
from cme.models import CmeCase
from schools.calendars import CalendarCache
from schools.schooldays import CalendarNotKnown


def _own_open_cases(user: Any):
    if not policy.can_see_cme_lists(user):
        return CmeCase.objects.none()
    return policy.visible_cme_cases(user, CmeCase.objects.all()).filter(
        is_open=True, authority_id=user.organisation.authority_id
    )


def overdue_reviews(user: Any, today: date) -> list[ExceptionRow]:
    cases = (
        _own_open_cases(user)
        .filter(due_on__lt=today)
        .select_related("child")
        .order_by("due_on", "pk")
    )
    return [
        ExceptionRow(
            case_label=f"CME case {case.pk}",
            url=reverse("cme:detail", args=[case.pk]),
            child_name=case.child.full_name,
            limit="Review",
            due_on=case.due_on,
            detail=case.get_priority_display() + " priority",
        )
        for case in cases
    ]


def long_waits(user: Any, today: date) -> list[ExceptionRow]:
    """Return children waiting longer than ONROLL_CME_WAITING_LIMIT_DAYS school days.

    A child below or over compulsory school age today is not missing
    education (Education Act 1996 s436A), so is left out.
    """
    limit = settings.ONROLL_CME_WAITING_LIMIT_DAYS
    cases = (
        _own_open_cases(user)
        .filter(waiting_for_place=True)
        .select_related("child")
        .prefetch_related("missing_periods")
        .order_by("referred_on", "pk")
    )
    calendars = CalendarCache()
    rows = []
    for case in cases:
        if not is_of_compulsory_school_age(case.child.date_of_birth, today):
            continue
        try:
            days = school_days_missing(
                case, today, calendars, periods=case.missing_periods.all()
            )
        except CalendarNotKnown:
            continue
        if days > limit:
            rows.append(
                ExceptionRow(
                    case_label=f"CME case {case.pk}",
                    url=reverse("cme:detail", args=[case.pk]),
                    child_name=case.child.full_name,
                    limit=f"Waiting for a place over {limit} school days",
                    due_on=None,
                    detail=f"{days} school days without education",
                )
            )
    return rows
