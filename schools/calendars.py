"""Build school-day calendars from the database and England's bank holidays."""

import functools
from datetime import date

import holidays
from django.db.models import Q

from schools.models import Authority, ClosureDay, School, Term
from schools.schooldays import SchoolCalendar


@functools.cache
def _england_bank_holidays(first_year: int, last_year: int) -> frozenset[date]:
    years = range(first_year, last_year + 1)
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=years))


def england_bank_holidays(years: range) -> frozenset[date]:
    """Return England's bank holidays in the years, from the holidays package."""
    return _england_bank_holidays(years.start, years.stop - 1)


def calendar_for_school(school: School) -> SchoolCalendar:
    """Return the school's calendar: its own terms for any academic year it has
    them, its authority's otherwise, minus bank holidays and closure days."""
    rows = Term.objects.filter(Q(school=school) | Q(authority_id=school.authority_id))
    own_years = {term.academic_year for term in rows if term.school_id == school.pk}
    terms = [
        (term.first_day, term.last_day)
        for term in rows
        if term.school_id == school.pk or term.academic_year not in own_years
    ]
    closed = set(
        ClosureDay.objects.filter(
            Q(school=school) | Q(authority_id=school.authority_id)
        ).values_list("date", flat=True)
    )
    if terms:
        years = range(min(t[0] for t in terms).year, max(t[1] for t in terms).year + 1)
        closed |= england_bank_holidays(years)
    return SchoolCalendar.build(school.name, terms, closed)


def calendar_for_authority(authority_id: int) -> SchoolCalendar:
    """Return the authority's own calendar, for cases with no school yet."""
    name = Authority.objects.values_list("name", flat=True).get(pk=authority_id)
    terms = [
        (term.first_day, term.last_day)
        for term in Term.objects.filter(authority_id=authority_id)
    ]
    closed = set(
        ClosureDay.objects.filter(authority_id=authority_id).values_list(
            "date", flat=True
        )
    )
    if terms:
        years = range(min(t[0] for t in terms).year, max(t[1] for t in terms).year + 1)
        closed |= england_bank_holidays(years)
    return SchoolCalendar.build(name, terms, closed)


class CalendarCache:
    """Calendars loaded once each for the length of a request or sweep batch."""

    def __init__(self) -> None:
        self._by_school: dict[int, SchoolCalendar] = {}
        self._by_authority: dict[int, SchoolCalendar] = {}

    def for_school(self, school: School) -> SchoolCalendar:
        if school.pk not in self._by_school:
            self._by_school[school.pk] = calendar_for_school(school)
        return self._by_school[school.pk]

    def for_authority(self, authority_id: int) -> SchoolCalendar:
        if authority_id not in self._by_authority:
            self._by_authority[authority_id] = calendar_for_authority(authority_id)
        return self._by_authority[authority_id]
