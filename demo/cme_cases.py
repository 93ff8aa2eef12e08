"""Demo data for children missing education: cases in several states, a
transfer, children waiting for a place and deferred reception places.

The CME cases come from the placements the demo referred as not taken up.
Each is moved back to the day of its referral, then a few are taken through
the CME actions as the demo officers and managers would.
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from access.models import User
from casework.deadlines import LONDON, london_today
from children.models import Child
from cme import actions
from cme.compulsory import csa_starts_on
from cme.deadlines import set_review_deadline
from cme.enquiries import checklist
from cme.models import CmeCase, DeferredPlace, Enquiry, MissingPeriod
from schools.calendars import CalendarCache, calendar_for_school
from schools.models import Authority, School
from schools.schooldays import CalendarNotKnown, SchoolCalendar, add_school_days


def add_cme_demo(
    now: datetime, authorities: dict[str, Authority], users: Sequence[User]
) -> None:
    """Add the CME demo data to the cases and children load_demo generated."""
    today = london_today(now)
    by_username = {user.username: user for user in users}
    _date_referrals()
    leics = authorities["855"]
    officer = by_username["officer.leics"]
    manager = by_username["manager.leics"]
    cases = list(
        CmeCase.objects.filter(authority=leics, is_open=True)
        .select_related("child", "authority")
        .order_by("pk")
    )
    steps = [
        lambda case: _enquire(case, officer, today, count=3),
        lambda case: _provide(case, officer, today),
        lambda case: _home_educated(case, officer, today),
        lambda case: _abroad_awaiting_sign_off(case, officer, today),
        lambda case: _transfer(case, officer, authorities["856"]),
        lambda case: _not_found(case, officer, manager, today),
    ]
    for case, step in zip(cases, steps, strict=False):
        step(case)
    _deferred_places(today, leics, officer)


def _date_referrals() -> None:
    """Give each referred case its referral day and a matching review clock."""
    calendars = CalendarCache()
    for case in CmeCase.objects.filter(is_open=True):
        referred_on = case.opened_at.astimezone(LONDON).date()
        case.referred_on = referred_on
        set_review_deadline(case, calendars)
        case.save(update_fields=["referred_on", "due_on", "due_at", "reminders_sent"])
        MissingPeriod.objects.filter(case=case).update(started_on=referred_on)


def _enquire(case: CmeCase, officer: User, today: date, count: int) -> None:
    for kind in checklist(case.authority_id)[:count]:
        actions.record_enquiry(
            case,
            actor=officer,
            kind=kind,
            made_on=max(case.referred_on, today - timedelta(days=3)),
            result=Enquiry.Result.NO_TRACE,
            note="No record of the child since the referral.",
        )


def _provide(case: CmeCase, officer: User, today: date) -> None:
    actions.record_provision(
        case,
        actor=officer,
        provider="County tuition service",
        hours_per_week=Decimal("10"),
        started_on=max(case.referred_on, today - timedelta(days=14)),
    )


def _home_educated(case: CmeCase, officer: User, today: date) -> None:
    actions.record_outcome(
        case,
        actor=officer,
        outcome=CmeCase.Outcome.HOME_EDUCATION,
        outcome_on=today,
        outcome_evidence="Elective home education officer visited and found the "
        "education suitable.",
    )


def _abroad_awaiting_sign_off(case: CmeCase, officer: User, today: date) -> None:
    actions.record_outcome(
        case,
        actor=officer,
        outcome=CmeCase.Outcome.ABROAD,
        outcome_on=today,
        outcome_destination="Poland",
        outcome_evidence="Letter from the parent with the new school's address.",
    )


def _transfer(case: CmeCase, officer: User, to_authority: Authority) -> None:
    actions.request_transfer(
        case,
        actor=officer,
        to_authority=to_authority,
        note="Housing says the family moved into the city.",
    )


def _not_found(case: CmeCase, officer: User, manager: User, today: date) -> None:
    _enquire(case, officer, today, count=len(checklist(case.authority_id)))
    actions.record_outcome(
        case,
        actor=officer,
        outcome=CmeCase.Outcome.NOT_FOUND,
        outcome_evidence="Every enquiry on the checklist made; no trace.",
    )
    actions.sign_off(case, actor=manager, note="Keep reviewing each month.")


def _deferred_places(today: date, authority: Authority, officer: User) -> None:
    """Defer the reception place of up to three demo children not yet of compulsory age.

    Children born in the summer often start reception a year late, so the
    demo picks children whose compulsory school age has not started. A child
    with an open CME case is skipped, so that no demo child is both waiting
    on a deferred place and listed as missing education.
    """
    school = (
        School.objects.filter(
            authority=authority,
            phase=School.Phase.PRIMARY,
            status=School.Status.OPEN,
        )
        .order_by("urn")
        .first()
    )
    if school is None:
        return
    calendar = calendar_for_school(school)
    young = [
        child
        for child in Child.objects.filter(authority=authority)
        .exclude(pk__in=CmeCase.objects.filter(is_open=True).values("child_id"))
        .order_by("-date_of_birth", "pk")[:20]
        if csa_starts_on(child.date_of_birth) > today
    ]
    september = date(today.year + (today.month >= 9), 9, 1)
    for child in young[:3]:
        DeferredPlace.objects.create(
            authority=authority,
            child=child,
            school=school,
            deferred_to=_first_school_day(
                calendar, min(september, csa_starts_on(child.date_of_birth))
            ),
            recorded_by=officer,
            recorded_at=timezone.now(),
        )


def _first_school_day(calendar: SchoolCalendar, day: date) -> date:
    """Return the first school day on or after the day, or the day itself if unknown.

    Compulsory school age starts on 31 December, 31 March or 31 August,
    usually in a holiday, and a deferred place starts on a school day.
    """
    try:
        return add_school_days(calendar, day - timedelta(days=1), 1)
    except CalendarNotKnown:
        return day
