"""Days missing education for a child referred, found, then missing again.

The shipped Leicestershire calendar: half term 19 to 23 October 2026, the
autumn term ends Friday 18 December, the spring term starts Monday 4 January.
"""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from cme import actions
from cme.compulsory import csa_ends_on, csa_starts_on
from cme.days import school_days_missing
from cme.models import CmeCase
from schools.calendars import CalendarCache

LONDON = ZoneInfo("Europe/London")

pytestmark = pytest.mark.django_db


def _move(time_machine, day: date) -> None:
    time_machine.move_to(
        datetime(day.year, day.month, day.day, 10, tzinfo=LONDON), tick=False
    )


@pytest.fixture
def found_then_missing(time_machine, open_case, inclusion_officer, school, school_user):
    """Referred Monday 12 October, on roll from Friday 6 November, missing
    again from Monday 30 November."""
    _move(time_machine, date(2026, 10, 12))
    case = open_case(referred_on=date(2026, 10, 12))
    actions.set_reason(
        case,
        actor=inclusion_officer,
        primary_reason=CmeCase.Reason.AWAITING_PLACE,
        waiting_for_place=True,
    )
    _move(time_machine, date(2026, 11, 6))
    actions.record_outcome(
        case,
        actor=inclusion_officer,
        outcome=CmeCase.Outcome.ON_ROLL,
        outcome_school=school,
        outcome_on=date(2026, 11, 6),
    )
    actions.confirm_on_roll(case, actor=school_user)
    _move(time_machine, date(2026, 12, 1))
    actions.reopen(
        case,
        actor=inclusion_officer,
        missing_since=date(2026, 11, 30),
        note="The school reports the child stopped coming after two weeks.",
    )
    return case


def test_periods_stored(found_then_missing):
    periods = [
        (p.started_on, p.ended_on) for p in found_then_missing.missing_periods.all()
    ]

    assert periods == [
        (date(2026, 10, 12), date(2026, 11, 6)),
        (date(2026, 11, 30), None),
    ]


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        # 12 to 16 October (5) and 26 October to 6 November (10).
        (date(2026, 11, 20), 15),
        # Then 30 November to 4 December (5).
        (date(2026, 12, 4), 20),
        # Then 7 to 18 December (10), the holiday, and 4 to 5 January (2).
        (date(2027, 1, 5), 32),
    ],
)
def test_school_days_missing(found_then_missing, on, expected):
    assert school_days_missing(found_then_missing, on, CalendarCache()) == expected


def test_waiting_list_shows_days(
    client, time_machine, found_then_missing, inclusion_officer
):
    _move(time_machine, date(2027, 1, 5))
    client.force_login(inclusion_officer)

    body = client.get("/cme/waiting/").content.decode()

    assert found_then_missing.child.full_name in body
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">32</td>' in body


def test_census_return_figures(time_machine, found_then_missing, open_case, authority):
    _move(time_machine, date(2027, 1, 5))
    open_case(referred_on=date(2027, 1, 5))
    out = StringIO()

    call_command(
        "cme_return", "2027-01-05", "--la", authority.code, "--json", stdout=out
    )

    import json

    figures = json.loads(out.getvalue())
    assert figures["children_missing_education"] == 2
    assert figures["by_time_missing"] == {
        "Up to 4 weeks (20 school days)": 1,
        "4 weeks to a term (21 to 60 school days)": 1,
        "More than a term (over 60 school days)": 0,
    }
    assert figures["by_primary_reason"] == {
        "Applying for or awaiting a school place": 1,
        "Not recorded": 1,
    }


def test_census_leaves_out_found_child(time_machine, found_then_missing, authority):
    out = StringIO()

    call_command(
        "cme_return", "2026-11-20", "--la", authority.code, "--json", stdout=out
    )

    assert '"children_missing_education": 0' in out.getvalue()


@pytest.mark.parametrize(
    ("born", "starts"),
    [
        (date(2019, 2, 10), date(2024, 3, 31)),
        (date(2019, 3, 31), date(2024, 3, 31)),
        (date(2019, 4, 1), date(2024, 8, 31)),
        (date(2019, 9, 1), date(2024, 12, 31)),
        (date(2020, 2, 29), date(2025, 3, 31)),
    ],
)
def test_compulsory_school_age_starts(born, starts):
    assert csa_starts_on(born) == starts


def test_compulsory_school_age_ends():
    # Born 23 September 2007: 16 in September 2023, after 31 August, so
    # leaves on the last Friday in June 2024.
    assert csa_ends_on(date(2007, 9, 23)) == date(2024, 6, 28)
    assert csa_ends_on(date(2008, 8, 31)) == date(2024, 6, 28)
