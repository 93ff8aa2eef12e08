"""Days a child has been missing education, counted in school days.

The count runs over the case's missing periods on the authority's calendar,
so holidays, weekends, bank holidays and INSET days are left out, and the
time a child was found and in education between two periods is too.
"""

from datetime import date

from cme.models import CmeCase
from schools.calendars import CalendarCache
from schools.schooldays import SchoolCalendar


def _school_days_from(calendar: SchoolCalendar, first: date, last: date) -> int:
    """Count school days from `first` to `last`, both included.

    NOTE: days after the calendar's last known term count as no school days.
    """
    if last < first:
        return 0
    count = 0
    day = first
    while day <= last:
        if calendar.is_school_day(day):
            count += 1
        day = date.fromordinal(day.toordinal() + 1)
    return count


def school_days_missing(
    case: CmeCase, on: date, calendars: CalendarCache, periods=None
) -> int:
    """Return the school days the child was missing education up to and including `on`.

    `periods` is the case's missing periods when the caller has them
    (prefetched on a list page).
    """
    calendar = calendars.for_authority(case.authority_id)
    if periods is None:
        periods = case.missing_periods.all()
    total = 0
    for period in periods:
        if period.started_on > on:
            continue
        last = min(period.ended_on, on) if period.ended_on else on
        total += _school_days_from(calendar, period.started_on, last)
    return total


def was_missing_on(case: CmeCase, on: date, periods=None) -> bool:
    if periods is None:
        periods = case.missing_periods.all()
    return any(
        p.started_on <= on and (p.ended_on is None or p.ended_on >= on) for p in periods
    )
