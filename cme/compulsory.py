"""When compulsory school age starts and ends.

Education Act 1996 s8(2): a child reaches compulsory school age on the
prescribed day on or after their fifth birthday. The Education (Start of
Compulsory School Age) Order 1998 (SI 1998/1607) art 2 prescribes 31 August,
31 December and 31 March. s8(3): it ends on the school leaving date, the
last Friday in June of the school year in which the child turns 16.

A child is missing education only while of compulsory school age (Education
Act 1996 s436A), so `cme.days` counts school days missing inside these dates
and the exception report and termly return leave out children outside them.
"""

from datetime import date, timedelta

PRESCRIBED_DAYS = ((3, 31), (8, 31), (12, 31))


def _birthday(born_on: date, years: int) -> date:
    try:
        return born_on.replace(year=born_on.year + years)
    except ValueError:  # born on 29 February
        return date(born_on.year + years, 3, 1)


def csa_starts_on(born_on: date) -> date:
    """Return the prescribed day on or after the child's fifth birthday."""
    fifth = _birthday(born_on, 5)
    for year in (fifth.year, fifth.year + 1):
        for month, day in PRESCRIBED_DAYS:
            prescribed = date(year, month, day)
            if prescribed >= fifth:
                return prescribed
    raise AssertionError("a prescribed day falls within every year")


def _last_friday_in_june(year: int) -> date:
    day = date(year, 6, 30)
    return day - timedelta(days=(day.weekday() - 4) % 7)


def csa_ends_on(born_on: date) -> date:
    """Return the school leaving date after which the child is over compulsory age.

    A child who turns 16 by 31 August leaves on the last Friday in June of
    that year, because the school year in which they turn 16 ends then.
    """
    sixteenth = _birthday(born_on, 16)
    leaving = _last_friday_in_june(sixteenth.year)
    if sixteenth <= date(sixteenth.year, 8, 31):
        return leaving
    return _last_friday_in_june(sixteenth.year + 1)


def is_of_compulsory_school_age(born_on: date, on: date) -> bool:
    """Return whether a child born on `born_on` is of compulsory school age on `on`.

    Both end days count: s8(2) starts compulsory school age at the beginning
    of the prescribed day, and s8(3) ends it at the end of the school leaving
    date.
    """
    return csa_starts_on(born_on) <= on <= csa_ends_on(born_on)
