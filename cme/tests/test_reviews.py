"""The review clock: school days on the authority's calendar, flagged by the sweep.

Autumn 1 2026 ends on Friday 16 October and Autumn 2 starts on Monday
26 October (the shipped Leicestershire calendar), and the clocks go back on
Sunday 25 October.
"""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from casework.timeline import events_for
from children.tests.factories import RiskAssessmentFactory
from cme import actions, sweep
from cme.models import CmeCase, Priority

LONDON = ZoneInfo("Europe/London")

pytestmark = pytest.mark.django_db


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def test_review_due_counts_school_days_across_half_term(time_machine, open_case):
    time_machine.move_to(_at(date(2026, 10, 12), 9), tick=False)

    case = open_case(referred_on=date(2026, 10, 12))

    # 13 to 16 October are 4 school days; half term is skipped; the 20th
    # school day is Monday 16 November.
    assert case.priority == Priority.MEDIUM
    assert case.due_on == date(2026, 11, 16)


def test_high_priority_review_comes_sooner(time_machine, authority, inclusion_officer):
    from children.tests.factories import ChildFactory

    time_machine.move_to(_at(date(2026, 10, 12), 9), tick=False)
    child = ChildFactory(authority=authority, upn="")
    RiskAssessmentFactory(child=child, level=3)

    case = actions.refer(
        child=child,
        authority=authority,
        source=CmeCase.Source.PARTNER_AGENCY,
        reason="Police report the family left at night.",
        referred_by=inclusion_officer,
    )

    # 5 school days: 13, 14, 15, 16 October, then Monday 26 October.
    assert case.priority == Priority.HIGH
    assert case.due_on == date(2026, 10, 26)


def test_sweep_flags_review_after_due_day_ends(time_machine, open_case, settings):
    settings.ONROLL_CME_REVIEW_DAYS = 5
    time_machine.move_to(_at(date(2026, 10, 12), 9), tick=False)
    case = open_case(referred_on=date(2026, 10, 12))
    assert case.due_on == date(2026, 10, 26)

    time_machine.move_to(_at(date(2026, 10, 26), 23, 59), tick=False)
    before_midnight = sweep.sweep()
    time_machine.move_to(_at(date(2026, 10, 27), 0, 1), tick=False)
    after_midnight = sweep.sweep()
    again = sweep.sweep()

    case.refresh_from_db()
    assert before_midnight == {}
    assert after_midnight == {"review_overdue": 1}
    assert again == {}
    assert case.due_at is None
    assert case.due_on == date(2026, 10, 26)
    assert "cme.flag_review_overdue" in set(
        events_for(case).values_list("kind", flat=True)
    )


def test_review_sets_next_due_day(time_machine, open_case, inclusion_officer):
    time_machine.move_to(_at(date(2026, 12, 1), 9), tick=False)
    case = open_case(referred_on=date(2026, 10, 12))

    actions.review(
        case,
        actor=inclusion_officer,
        reviewed_on=date(2026, 12, 1),
        note="Housing has no record; asking neighbouring authorities.",
        version=case.version,
    )

    case.refresh_from_db()
    # 20 school days after Tuesday 1 December: 13 until the term ends on
    # 18 December, then 4 to 12 January after the Christmas holiday.
    assert case.due_on == date(2027, 1, 12)
    assert case.last_reviewed_on == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("reviewed_on", "earliest"),
    [
        (date(2026, 10, 9), "12 October 2026"),  # before the referral
        (date(2026, 11, 20), "23 November 2026"),  # before the last review
    ],
)
def test_review_dated_too_early_rejected(
    time_machine, open_case, inclusion_officer, reviewed_on, earliest
):
    time_machine.move_to(_at(date(2026, 12, 1), 9), tick=False)
    case = open_case(referred_on=date(2026, 10, 12))
    if reviewed_on > case.referred_on:
        actions.review(
            case,
            actor=inclusion_officer,
            reviewed_on=date(2026, 11, 23),
            note="Health visitor has no record.",
        )
        case.refresh_from_db()

    with pytest.raises(ValidationError, match=f"is before {earliest}"):
        actions.review(
            case, actor=inclusion_officer, reviewed_on=reviewed_on, note="Checked."
        )


def test_stale_version_refused(time_machine, open_case, inclusion_officer):
    from casework.transitions import StaleCase

    time_machine.move_to(_at(date(2026, 11, 17), 9), tick=False)
    case = open_case(referred_on=date(2026, 10, 12))

    with pytest.raises(StaleCase):
        actions.review(
            case,
            actor=inclusion_officer,
            reviewed_on=date(2026, 11, 17),
            note="Checked.",
            version=case.version - 1 if case.version > 1 else case.version + 1,
        )


def test_sweep_command_includes_cme(time_machine, open_case, settings):
    settings.ONROLL_CME_REVIEW_DAYS = 5
    time_machine.move_to(_at(date(2026, 10, 12), 9), tick=False)
    open_case(referred_on=date(2026, 10, 12))
    time_machine.move_to(_at(date(2026, 10, 28), 9), tick=False)
    dry_run = StringIO()
    out = StringIO()

    call_command("sweep_deadlines", "--dry-run", stdout=dry_run)
    call_command("sweep_deadlines", stdout=out)

    assert "CME case" in dry_run.getvalue()
    assert "Swept 1 CME case: review flagged overdue 1." in out.getvalue()


def test_overdue_review_on_worklist_and_exceptions(
    client, time_machine, open_case, inclusion_officer, settings
):
    settings.ONROLL_CME_REVIEW_DAYS = 5
    time_machine.move_to(_at(date(2026, 10, 12), 9), tick=False)
    case = open_case(referred_on=date(2026, 10, 12))
    time_machine.move_to(_at(date(2026, 10, 28), 9), tick=False)
    client.force_login(inclusion_officer)

    worklist = client.get("/cme/").content.decode()
    report = client.get("/exceptions/").content.decode()

    assert "1 with the review overdue" in worklist
    assert "Overdue" in worklist
    assert f"/cme/{case.pk}/" in report
    assert "CME reviews overdue" in report
