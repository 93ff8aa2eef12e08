"""The termly return counts a case under the authority responsible for it on
the census date, whatever happened to the case afterwards."""

import json
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from cme import actions
from cme.days import school_days_missing
from cme.figures import census_figures
from schools.calendars import CalendarCache
from schools.models import ClosureDay

LONDON = ZoneInfo("Europe/London")

pytestmark = pytest.mark.django_db


def _move(time_machine, day: date, hour: int = 10) -> None:
    time_machine.move_to(
        datetime(day.year, day.month, day.day, hour, tzinfo=LONDON), tick=False
    )


def _counted(census_date: str, la: str) -> int:
    out = StringIO()
    call_command("cme_return", census_date, "--la", la, "--json", stdout=out)
    return json.loads(out.getvalue())["children_missing_education"]


@pytest.fixture
def case(time_machine, open_case):
    """A Leicestershire child missing education since Monday 2 November 2026."""
    _move(time_machine, date(2026, 11, 2))
    return open_case(referred_on=date(2026, 11, 2))


def _request(case, officer, to_authority):
    actions.request_transfer(
        case,
        actor=officer,
        to_authority=to_authority,
        note="Housing says the family moved into the city.",
    )


@pytest.fixture
def accepted(time_machine, case, inclusion_officer, other_inclusion_officer):
    """The case, sent to Leicester and accepted there on Friday 4 December 2026."""
    _move(time_machine, date(2026, 12, 4))
    _request(case, inclusion_officer, other_inclusion_officer.authority)
    actions.accept_transfer(case, actor=other_inclusion_officer)
    return case


@pytest.mark.parametrize(
    ("census_date", "leicestershire", "leicester"),
    [
        ("2026-11-20", 1, 0),
        ("2026-12-03", 1, 0),
        # Accepted at 10:00 on the census date, so Leicester's by its end.
        ("2026-12-04", 0, 1),
        ("2027-01-08", 0, 1),
    ],
)
def test_return_before_and_after_transfer(
    accepted, authority, other_authority, census_date, leicestershire, leicester
):
    assert _counted(census_date, authority.code) == leicestershire
    assert _counted(census_date, other_authority.code) == leicester


@pytest.mark.parametrize("decision", ["reject", "revoke"])
@pytest.mark.parametrize("census_date", ["2026-11-20", "2026-12-04", "2027-01-08"])
def test_undone_transfer_changes_nothing(
    time_machine,
    case,
    authority,
    other_authority,
    inclusion_officer,
    other_inclusion_officer,
    decision,
    census_date,
):
    _move(time_machine, date(2026, 12, 4))
    _request(case, inclusion_officer, other_authority)
    if decision == "reject":
        actions.reject_transfer(
            case, actor=other_inclusion_officer, reason="No trace at that address."
        )
    else:
        actions.revoke_transfer(
            case, actor=inclusion_officer, reason="The family came back."
        )

    assert _counted(census_date, authority.code) == 1
    assert _counted(census_date, other_authority.code) == 0


@pytest.mark.parametrize(
    ("census_date", "responsible"),
    [
        ("2026-11-20", "855"),
        ("2027-01-08", "856"),
        # Rutland accepted on Monday 11 January 2027.
        ("2027-01-11", "857"),
        ("2027-01-15", "857"),
    ],
)
def test_return_follows_each_accepted_transfer(
    time_machine,
    accepted,
    other_inclusion_officer,
    third_authority_officer,
    census_date,
    responsible,
):
    _move(time_machine, date(2027, 1, 11), hour=9)
    accepted.refresh_from_db()
    _request(accepted, other_inclusion_officer, third_authority_officer.authority)
    actions.accept_transfer(accepted, actor=third_authority_officer)

    for code in ("855", "856", "857"):
        expected = 1 if code == responsible else 0
        assert _counted(census_date, code) == expected, code


def test_return_days_on_responsible_calendar(accepted, authority, other_authority):
    # Leicester closes on 3 November, so on its calendar the child has missed
    # 20 school days by 30 November, and 21 on Leicestershire's.
    ClosureDay.objects.create(authority=other_authority, date=date(2026, 11, 3))

    figures = census_figures(authority.pk, date(2026, 11, 30))
    on_leicester_calendar = school_days_missing(
        accepted, date(2026, 11, 30), CalendarCache()
    )

    assert on_leicester_calendar == 20
    assert figures["children_missing_education"] == 1
    assert figures["by_time_missing"]["4 weeks to a term (21 to 60 school days)"] == 1
