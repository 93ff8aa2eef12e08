"""School days missing, the exception report and the termly return count a
child only while of compulsory school age.

The shipped Leicestershire calendar: the autumn term ends Friday 18 December
2026 and the spring term starts Monday 4 January 2027. The 2027/28 autumn
term starts Tuesday 31 August 2027.
"""

import json
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from cme.compulsory import is_of_compulsory_school_age
from cme.days import school_days_missing
from cme.exceptions import long_waits
from cme.models import CmeCase
from schools.calendars import CalendarCache

LONDON = ZoneInfo("Europe/London")

# Compulsory school age from 31 December 2026, a holiday.
REACHES_CSA_AT_CHRISTMAS = date(2021, 12, 1)
# Compulsory school age from 31 August 2027.
BELOW_CSA_ALL_YEAR = date(2022, 4, 1)
OF_CSA = date(2015, 3, 14)
# 16 on 1 June 2026, so compulsory school age ends Friday 26 June 2026.
LEFT_IN_JUNE_2026 = date(2010, 6, 1)

pytestmark = pytest.mark.django_db


def _move(time_machine, day: date) -> None:
    time_machine.move_to(
        datetime(day.year, day.month, day.day, 10, tzinfo=LONDON), tick=False
    )


@pytest.mark.parametrize(
    ("born", "referred", "on", "expected"),
    [
        # Below compulsory school age on the day: nothing counts yet.
        (REACHES_CSA_AT_CHRISTMAS, date(2026, 11, 2), date(2026, 12, 4), 0),
        # Reaches it on 31 December, in the holiday, so only 4 to 8 January.
        (REACHES_CSA_AT_CHRISTMAS, date(2026, 11, 2), date(2027, 1, 8), 5),
        (BELOW_CSA_ALL_YEAR, date(2026, 11, 2), date(2026, 12, 4), 0),
        (BELOW_CSA_ALL_YEAR, date(2026, 11, 2), date(2027, 7, 16), 0),
        # Reaches it on Tuesday 31 August 2027, a school day that counts.
        (BELOW_CSA_ALL_YEAR, date(2027, 6, 7), date(2027, 9, 3), 4),
        # Of compulsory school age throughout: 2 November to 4 December (25),
        # to 18 December (35), then 4 to 8 January (40).
        (OF_CSA, date(2026, 11, 2), date(2026, 12, 4), 25),
        (OF_CSA, date(2026, 11, 2), date(2027, 1, 8), 40),
        # Counts stop at the end of the school leaving date, 26 June 2026.
        (LEFT_IN_JUNE_2026, date(2026, 6, 15), date(2026, 6, 24), 8),
        (LEFT_IN_JUNE_2026, date(2026, 6, 15), date(2026, 12, 4), 10),
    ],
)
def test_days_missing_inside_compulsory_age(
    time_machine, open_case, born, referred, on, expected
):
    _move(time_machine, referred)
    case = open_case(referred_on=referred, date_of_birth=born)

    assert school_days_missing(case, on, CalendarCache()) == expected


@pytest.mark.parametrize(
    ("born", "on", "expected"),
    [
        (REACHES_CSA_AT_CHRISTMAS, date(2026, 12, 30), False),
        (REACHES_CSA_AT_CHRISTMAS, date(2026, 12, 31), True),
        (LEFT_IN_JUNE_2026, date(2026, 6, 26), True),
        (LEFT_IN_JUNE_2026, date(2026, 6, 27), False),
        (OF_CSA, date(2026, 12, 4), True),
    ],
)
def test_compulsory_age_includes_both_ends(born, on, expected):
    assert is_of_compulsory_school_age(born, on) is expected


@pytest.fixture
def three_waiting(time_machine, open_case):
    """Children waiting for a place: since Monday 2 November 2026 one below
    compulsory school age until 31 December and one of it, and since Monday
    2 March 2026 one whose compulsory school age ended on 26 June."""
    _move(time_machine, date(2026, 3, 2))
    left = open_case(referred_on=date(2026, 3, 2), date_of_birth=LEFT_IN_JUNE_2026)
    _move(time_machine, date(2026, 11, 2))
    young = open_case(
        referred_on=date(2026, 11, 2), date_of_birth=REACHES_CSA_AT_CHRISTMAS
    )
    of_age = open_case(referred_on=date(2026, 11, 2), date_of_birth=OF_CSA)
    # No review is due, so the exception report lists only long waits.
    CmeCase.objects.update(
        waiting_for_place=True,
        primary_reason=CmeCase.Reason.AWAITING_PLACE,
        due_on=None,
        due_at=None,
    )
    return {"young": young, "of_age": of_age, "left": left}


def test_long_waits_only_of_compulsory_age(
    time_machine, three_waiting, inclusion_officer
):
    _move(time_machine, date(2026, 12, 4))

    rows = long_waits(inclusion_officer, date(2026, 12, 4))

    assert [row.child_name for row in rows] == [three_waiting["of_age"].child.full_name]
    assert rows[0].detail == "25 school days without education"


def test_exception_page_leaves_out_young_child(
    client, time_machine, three_waiting, inclusion_officer
):
    _move(time_machine, date(2026, 12, 4))
    client.force_login(inclusion_officer)

    body = client.get("/exceptions/").content.decode()

    assert three_waiting["of_age"].child.full_name in body
    assert three_waiting["young"].child.full_name not in body
    assert three_waiting["left"].child.full_name not in body


def _return(day: str, la: str) -> dict:
    out = StringIO()
    call_command("cme_return", day, "--la", la, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    ("census_date", "children", "bands"),
    [
        # Only the child of compulsory school age, missing 25 school days.
        ("2026-12-04", 1, (0, 1, 0)),
        # The younger child now counts too, with 5 school days from 4 January.
        ("2027-01-08", 2, (1, 1, 0)),
    ],
)
def test_return_counts_compulsory_age_only(
    time_machine, three_waiting, authority, census_date, children, bands
):
    _move(time_machine, date.fromisoformat(census_date))

    figures = _return(census_date, authority.code)

    assert figures["children_missing_education"] == children
    assert tuple(figures["by_time_missing"].values()) == bands
    assert figures["by_primary_reason"] == {
        "Applying for or awaiting a school place": children
    }


def test_pages_show_compulsory_age_start(
    client, time_machine, three_waiting, inclusion_officer
):
    _move(time_machine, date(2026, 12, 4))
    client.force_login(inclusion_officer)
    young = three_waiting["young"]
    of_age = three_waiting["of_age"]
    not_yet = "Not yet of compulsory school age (from 31 December 2026)"

    waiting = client.get("/cme/waiting/").content.decode()
    young_page = client.get(f"/cme/{young.pk}/").content.decode()
    of_age_page = client.get(f"/cme/{of_age.pk}/").content.decode()
    left_page = client.get(f"/cme/{three_waiting['left'].pk}/").content.decode()

    assert not_yet in waiting
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">25</td>' in waiting
    assert not_yet in young_page
    assert not_yet not in of_age_page
    assert '<dd class="govuk-summary-list__value">25</dd>' in of_age_page
    assert "when compulsory school age ended" in left_page
    assert "26 June 2026" in left_page
