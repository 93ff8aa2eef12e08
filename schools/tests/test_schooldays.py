"""School-day arithmetic on the Leicestershire calendar of the `authority` fixture.

Most tests use the 2026/27 terms from schools/data/llr_terms.csv:

    Autumn 1  Tue  1 Sep 2026 to Fri 16 Oct 2026
    Autumn 2  Mon 26 Oct 2026 to Fri 18 Dec 2026
    Spring 1  Mon  4 Jan 2027 to Fri 12 Feb 2027
    Spring 2  Mon 22 Feb 2027 to Fri 19 Mar 2027
    Summer 1  Mon  5 Apr 2027 to Fri 28 May 2027
    Summer 2  Mon  7 Jun 2027 to Fri 16 Jul 2027

The file's last year, 2027/28, ends on Friday 14 July 2028.
"""

from datetime import date, timedelta

import pytest

from schools.calendars import calendar_for_school
from schools.models import ClosureDay, Term
from schools.schooldays import (
    CalendarNotKnown,
    SchoolCalendar,
    add_school_days,
    school_days_between,
)
from schools.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar(school) -> SchoolCalendar:
    return calendar_for_school(school)


def _own_terms(school, academic_year: str, *terms: tuple[date, date]) -> None:
    for number, (first_day, last_day) in enumerate(terms, start=1):
        Term.objects.create(
            school=school,
            academic_year=academic_year,
            name=f"Term {number}",
            first_day=first_day,
            last_day=last_day,
        )


# Holidays


def test_end_of_term_into_christmas(calendar):
    # Thursday 17 December 2026: Friday 18th is the last day of term.
    assert add_school_days(calendar, date(2026, 12, 17), 1) == date(2026, 12, 18)
    assert add_school_days(calendar, date(2026, 12, 17), 2) == date(2027, 1, 4)


def test_christmas_holiday_counts_nothing(calendar):
    assert school_days_between(calendar, date(2026, 12, 18), date(2027, 1, 3)) == 0
    assert school_days_between(calendar, date(2026, 12, 17), date(2027, 1, 5)) == 3


def test_october_half_term(calendar):
    # Thursday 15 October 2026, with half term from 19 to 23 October.
    assert add_school_days(calendar, date(2026, 10, 15), 2) == date(2026, 10, 26)
    assert school_days_between(calendar, date(2026, 10, 15), date(2026, 10, 26)) == 2


def test_february_half_term(calendar):
    # Friday 12 February 2027 is the last day before half term.
    assert add_school_days(calendar, date(2027, 2, 12), 1) == date(2027, 2, 22)
    assert not calendar.is_school_day(date(2027, 2, 15))


def test_start_day_in_holiday(calendar):
    # From a Saturday in half term the next school day is the first counted.
    assert add_school_days(calendar, date(2027, 2, 13), 1) == date(2027, 2, 22)


def test_weekend_inside_term(calendar):
    # Friday 6 November 2026 to Monday 9 November.
    assert add_school_days(calendar, date(2026, 11, 6), 1) == date(2026, 11, 9)


# Bank holidays


def test_easter_2027_in_holiday(calendar):
    good_friday, easter_monday = date(2027, 3, 26), date(2027, 3, 29)

    assert good_friday in calendar.closed_days
    assert easter_monday in calendar.closed_days
    assert add_school_days(calendar, date(2027, 3, 19), 1) == date(2027, 4, 5)


def test_may_day_2027_in_term(calendar):
    # Monday 3 May 2027 is a bank holiday inside Summer 1.
    assert not calendar.is_school_day(date(2027, 5, 3))
    assert add_school_days(calendar, date(2027, 4, 30), 1) == date(2027, 5, 4)
    assert school_days_between(calendar, date(2027, 4, 30), date(2027, 5, 7)) == 4


def test_may_day_2026_in_term(calendar):
    # Monday 4 May 2026 is a bank holiday inside Summer 1 of 2025/26.
    assert not calendar.is_school_day(date(2026, 5, 4))
    assert add_school_days(calendar, date(2026, 5, 1), 1) == date(2026, 5, 5)
    assert school_days_between(calendar, date(2026, 5, 1), date(2026, 5, 8)) == 4


def test_summer_holiday_to_autumn_term(calendar):
    # Summer 2 ends on Friday 10 July 2026. The late August bank holiday,
    # Monday 31 August, falls the day before term starts.
    assert date(2026, 8, 31) in calendar.closed_days
    assert add_school_days(calendar, date(2026, 7, 10), 1) == date(2026, 9, 1)


def test_bank_holiday_on_first_day(school):
    # A school whose own term would start on the bank holiday itself.
    _own_terms(school, "2026/27", (date(2026, 8, 31), date(2026, 10, 16)))
    calendar = calendar_for_school(school)

    assert not calendar.is_school_day(date(2026, 8, 31))
    assert add_school_days(calendar, date(2026, 8, 28), 1) == date(2026, 9, 1)


# Closure days


def test_inset_day_skipped(school):
    ClosureDay.objects.create(school=school, date=date(2026, 11, 2))
    calendar = calendar_for_school(school)

    # Friday 30 October 2026, then the INSET day on Monday 2 November.
    assert add_school_days(calendar, date(2026, 10, 30), 1) == date(2026, 11, 3)
    assert school_days_between(calendar, date(2026, 10, 30), date(2026, 11, 6)) == 4


def test_authority_closure_day_applies(school, authority):
    ClosureDay.objects.create(authority=authority, date=date(2026, 11, 2))

    calendar = calendar_for_school(school)

    assert not calendar.is_school_day(date(2026, 11, 2))


def test_other_school_inset_ignored(school, other_school):
    ClosureDay.objects.create(school=other_school, date=date(2026, 11, 2))

    calendar = calendar_for_school(school)

    assert calendar.is_school_day(date(2026, 11, 2))


# A school's own terms


def test_own_terms_replace_authority_year(school):
    # An academy with half term a week later and autumn starting on 3 September.
    _own_terms(
        school,
        "2026/27",
        (date(2026, 9, 3), date(2026, 10, 23)),
        (date(2026, 11, 2), date(2026, 12, 18)),
    )
    calendar = calendar_for_school(school)

    assert calendar.is_school_day(date(2026, 10, 19))
    assert not calendar.is_school_day(date(2026, 10, 26))
    assert not calendar.is_school_day(date(2026, 9, 1))
    assert add_school_days(calendar, date(2026, 10, 16), 1) == date(2026, 10, 19)
    assert add_school_days(calendar, date(2026, 10, 23), 1) == date(2026, 11, 2)


def test_own_terms_keep_other_years(school):
    _own_terms(school, "2026/27", (date(2026, 9, 3), date(2026, 12, 18)))

    calendar = calendar_for_school(school)

    # 2025/26 still comes from the authority: its Summer 2 ends 10 July 2026.
    assert calendar.is_school_day(date(2026, 7, 10))
    assert add_school_days(calendar, date(2026, 7, 10), 1) == date(2026, 9, 3)


def test_own_terms_drop_authority_spring(school):
    _own_terms(school, "2027/28", (date(2027, 9, 2), date(2027, 12, 17)))

    calendar = calendar_for_school(school)

    # None of the authority's 2027/28 terms remain, so the calendar ends at
    # the school's last own term.
    assert calendar.last_known_day == date(2027, 12, 17)
    with pytest.raises(CalendarNotKnown):
        add_school_days(calendar, date(2027, 12, 16), 2)


def test_other_school_keeps_authority_terms(school, other_school):
    _own_terms(school, "2026/27", (date(2026, 9, 3), date(2026, 10, 23)))

    calendar = calendar_for_school(other_school)

    assert add_school_days(calendar, date(2026, 10, 16), 1) == date(2026, 10, 26)


# Limits of the calendar


def test_past_last_term_raises(calendar, school):
    # The last known term ends on Friday 14 July 2028.
    assert add_school_days(calendar, date(2028, 7, 13), 1) == date(2028, 7, 14)

    with pytest.raises(CalendarNotKnown) as error:
        add_school_days(calendar, date(2028, 7, 13), 2)

    message = str(error.value)
    assert school.name in message
    assert "2028-07-14" in message
    assert "2028-07-15" in message
    assert "Add the next academic year's terms" in message


def test_count_past_last_term_raises(calendar):
    with pytest.raises(CalendarNotKnown, match="no term dates after 2028-07-14"):
        school_days_between(calendar, date(2028, 7, 1), date(2028, 9, 10))


def test_school_without_terms_raises(authority):
    authority.terms.all().delete()

    calendar = calendar_for_school(SchoolFactory(authority=authority))

    with pytest.raises(CalendarNotKnown, match="has no term dates, so school days"):
        add_school_days(calendar, date(2026, 11, 2), 1)


def test_zero_days(calendar):
    saturday = date(2026, 11, 7)

    assert add_school_days(calendar, saturday, 0) == saturday
    assert add_school_days(calendar, date(2026, 11, 4), 0) == date(2026, 11, 4)
    assert school_days_between(calendar, saturday, saturday) == 0


def test_end_before_start_counts_zero(calendar):
    assert school_days_between(calendar, date(2026, 11, 6), date(2026, 11, 2)) == 0


def test_negative_days_rejected(calendar):
    with pytest.raises(ValueError, match="not -1"):
        add_school_days(calendar, date(2026, 11, 2), -1)


def test_round_trip(calendar):
    # Every start day from August 2024 to April 2027 and limits up to 20 days,
    # which stay inside the known terms ending 16 July 2027.
    start = date(2024, 8, 20)
    checked = 0
    while start <= date(2027, 4, 30):
        for days in (0, 1, 2, 5, 10, 15, 20):
            due = add_school_days(calendar, start, days)
            assert school_days_between(calendar, start, due) == days, (start, days)
            if days:
                assert calendar.is_school_day(due), (start, days)
            checked += 1
        start += timedelta(days=1)
    assert checked == 7 * ((date(2027, 4, 30) - date(2024, 8, 20)).days + 1)
