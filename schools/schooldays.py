"""School-day arithmetic on a calendar held in memory.

A school day is a weekday inside one of the school's terms that is neither a
bank holiday in England nor a closure (INSET) day. These functions touch no
database: `schools.calendars` builds the `SchoolCalendar` once per request or
sweep batch.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta


class CalendarNotKnown(ValueError):
    """The date lies outside every term the calendar holds, past its last term."""


@dataclass(frozen=True)
class SchoolCalendar:
    name: str
    terms: tuple[tuple[date, date], ...]
    closed_days: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def build(
        cls,
        name: str,
        terms: Iterable[tuple[date, date]],
        closed_days: Iterable[date] = (),
    ) -> "SchoolCalendar":
        return cls(name, tuple(sorted(terms)), frozenset(closed_days))

    @property
    def last_known_day(self) -> date | None:
        return self.terms[-1][1] if self.terms else None

    def is_school_day(self, day: date) -> bool:
        if day.weekday() >= 5 or day in self.closed_days:
            return False
        return any(first <= day <= last for first, last in self.terms)

    def _check_known(self, day: date) -> None:
        if self.last_known_day is None:
            raise CalendarNotKnown(
                f"{self.name} has no term dates, so school days cannot be counted "
                f"to {day}. Add its terms in the administration pages, or run "
                "`manage.py load_calendars`."
            )
        if day > self.last_known_day:
            raise CalendarNotKnown(
                f"{self.name} has no term dates after {self.last_known_day}, so "
                f"school days cannot be counted to {day}. Add the next academic "
                "year's terms in the administration pages."
            )


def add_school_days(calendar: SchoolCalendar, start: date, days: int) -> date:
    """Return the date `days` school days after `start`.

    The start day itself is not counted, whether or not it is a school day: a
    request sent on a Friday with a 1-day limit is due the following Monday.
    """
    if days < 0:
        raise ValueError(f"days must be zero or more, not {days}")
    day = start
    remaining = days
    while remaining:
        day += timedelta(days=1)
        calendar._check_known(day)
        if calendar.is_school_day(day):
            remaining -= 1
    return day


def school_days_between(calendar: SchoolCalendar, start: date, end: date) -> int:
    """Count the school days after `start` up to and including `end`.

    Zero when `end` is on or before `start`, so that
    `school_days_between(c, d, add_school_days(c, d, n)) == n`.
    """
    if end <= start:
        return 0
    calendar._check_known(end)
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        if calendar.is_school_day(day):
            count += 1
        day += timedelta(days=1)
    return count
