"""Figures for the DfE termly children missing education return.

The return counts the children missing education on the census date, with
how long each had been missing and the primary reason. NOTE: the time bands
below are Onroll's own, in school days. They are not checked against the DfE
collection guide, so change them here if the guide differs.

The DfE's "Children missing education" statistics methodology (explore
education statistics) defines CME as in Education Act 1996 s436A: children
of compulsory school age who are neither registered at a school nor
receiving suitable education otherwise. A child below or over compulsory
school age on the census date is therefore left out. NOTE: Onroll judges
age on the census date itself. The collection guide ("Elective home
education and children missing education: submit your data") was not
checked for a different age rule.
"""

from collections import Counter
from datetime import date

from cme.compulsory import is_of_compulsory_school_age
from cme.days import school_days_missing, was_missing_on
from cme.models import CmeCase
from schools.calendars import CalendarCache

# (label, first school day of the band, last or None for no upper limit)
TIME_BANDS = (
    ("Up to 4 weeks (20 school days)", 0, 20),
    ("4 weeks to a term (21 to 60 school days)", 21, 60),
    ("More than a term (over 60 school days)", 61, None),
)


def _band(days: int) -> str:
    for label, first, last in TIME_BANDS:
        if days >= first and (last is None or days <= last):
            return label
    raise AssertionError(days)


def census_figures(authority_id: int, census_date: date) -> dict:
    """Return the return's figures for the authority's cases on the census date.

    A child counts once however many cases they had, through the case with
    the longest time missing. Children not of compulsory school age on the
    census date are left out.
    """
    cases = (
        CmeCase.objects.filter(authority_id=authority_id, referred_on__lte=census_date)
        .select_related("child")
        .prefetch_related("missing_periods")
    )
    calendars = CalendarCache()
    by_child: dict[int, tuple[int, CmeCase]] = {}
    for case in cases:
        if not is_of_compulsory_school_age(case.child.date_of_birth, census_date):
            continue
        periods = case.missing_periods.all()
        if not was_missing_on(case, census_date, periods):
            continue
        days = school_days_missing(case, census_date, calendars, periods=periods)
        if case.child_id not in by_child or days > by_child[case.child_id][0]:
            by_child[case.child_id] = (days, case)
    reasons = Counter(
        case.get_primary_reason_display() or "Not recorded"
        for _, case in by_child.values()
    )
    bands = Counter(_band(days) for days, _ in by_child.values())
    return {
        "census_date": census_date.isoformat(),
        "children_missing_education": len(by_child),
        "by_time_missing": {label: bands.get(label, 0) for label, _, _ in TIME_BANDS},
        "by_primary_reason": dict(sorted(reasons.items())),
    }
