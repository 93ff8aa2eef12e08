"""Removal challenges past a time limit, for casework.exceptions."""

from datetime import date
from typing import Any

from django.urls import reverse

from access import policy
from casework.exceptions import ExceptionRow
from removals.models import Challenge


def overdue_challenge_replies(user: Any, today: date) -> list[ExceptionRow]:
    """Return the user's authority's open challenges whose reply deadline has passed."""
    challenges = (
        policy.visible_challenges(user, Challenge.objects.filter(is_open=True))
        .filter(due_on__lt=today)
        .select_related("notice__school")
        .order_by("due_on", "pk")
    )
    return [
        ExceptionRow(
            case_label=f"Removal challenge {challenge.pk}",
            url=reverse("removals:challenge", args=[challenge.pk]),
            child_name=challenge.notice.pupil_name,
            limit=f"School's reply ({challenge.get_state_display().lower()})",
            due_on=challenge.due_on,
            detail=challenge.notice.school.name,
        )
        for challenge in challenges
    ]
