"""Days a child has been missing education, counted in school days.

The count runs over the case's missing periods on the authority's calendar,
so holidays, weekends, bank holidays and INSET days are left out, and the
time a child was found and in education between two periods is too. Only
days while the child is of compulsory school age count (Education Act 1996
s8 and s436A, see `cme.compulsory`).
"""

from datetime import date

from cme.compulsory import csa_ends_on, csa_starts_on
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
    case: CmeCase,
    on: date,
    calendars: CalendarCache,
    periods=None,
    authority_id: int | None = None,
) -> int:
    """Return the school days the child was missing education up to and including `on`.

    The count starts on the day the child reaches compulsory school age and
    stops at the end of the school leaving date, so it is 0 for a child
    below compulsory school age on `on`. `periods` is the case's missing
    periods when the caller has them (prefetched on a list page). The days
    are counted on the calendar of `authority_id`, by default the case's
    authority now.
    """
    calendar = calendars.for_authority(authority_id or case.authority_id)
    if periods is None:
        periods = case.missing_periods.all()
    born_on = case.child.date_of_birth
    csa_first = csa_starts_on(born_on)
    csa_last = min(csa_ends_on(born_on), on)
    total = 0
    for period in periods:
        first = max(period.started_on, csa_first)
        last = min(period.ended_on, csa_last) if period.ended_on else csa_last
        total += _school_days_from(calendar, first, last)
    return total


def was_missing_on(case: CmeCase, on: date, periods=None) -> bool:
    if periods is None:
        periods = case.missing_periods.all()
    return any(
        p.started_on <= on and (p.ended_on is None or p.ended_on >= on) for p in periods
    )
