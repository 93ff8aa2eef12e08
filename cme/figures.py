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
from collections.abc import Sequence
from datetime import date

from django.db.models import Prefetch, Q

from casework.deadlines import end_of_day
from cme.compulsory import is_of_compulsory_school_age
from cme.days import school_days_missing, was_missing_on
from cme.models import CmeCase, Transfer
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


def responsible_authority_id(
    case: CmeCase, day: date, accepted: Sequence[Transfer]
) -> int:
    """Return the id of the authority responsible for the case at the end of `day`.

    `accepted` is the case's accepted transfers in the order they were
    accepted. The case belongs to the sender of the first one until it is
    accepted, and to each receiver from the moment it accepts, London time.
    Requested, rejected and revoked transfers never move a case.
    """
    if not accepted:
        return case.authority_id
    owner_id = accepted[0].from_authority_id
    day_ends_at = end_of_day(day)
    for transfer in accepted:
        if transfer.decided_at >= day_ends_at:
            break
        owner_id = transfer.to_authority_id
    return owner_id


def counted_cases(authority_id: int, census_date: date) -> list[tuple[int, CmeCase]]:
    """Return the cases the return counts, each with its school days missing.

    A case counts under the authority responsible for it on the census date,
    so a later transfer does not change a return already made. A child
    counts once however many cases they had, through the case with the
    longest time missing. Children not of compulsory school age on the
    census date are left out. The list is in case number order.
    """
    accepted = Transfer.objects.filter(status=Transfer.Status.ACCEPTED)
    # Every authority that was ever responsible for a case is either its
    # authority now or the sender of one of its accepted transfers.
    sent = accepted.filter(from_authority_id=authority_id).values("case_id")
    cases = (
        CmeCase.objects.filter(
            Q(authority_id=authority_id) | Q(pk__in=sent),
            referred_on__lte=census_date,
        )
        .select_related("child")
        .prefetch_related(
            "missing_periods",
            Prefetch(
                "transfers",
                queryset=accepted.order_by("decided_at", "pk"),
                to_attr="accepted_transfers",
            ),
        )
    )
    calendars = CalendarCache()
    by_child: dict[int, tuple[int, CmeCase]] = {}
    for case in cases:
        owner_id = responsible_authority_id(case, census_date, case.accepted_transfers)
        if owner_id != authority_id:
            continue
        if not is_of_compulsory_school_age(case.child.date_of_birth, census_date):
            continue
        periods = case.missing_periods.all()
        if not was_missing_on(case, census_date, periods):
            continue
        days = school_days_missing(
            case, census_date, calendars, periods=periods, authority_id=authority_id
        )
        if case.child_id not in by_child or days > by_child[case.child_id][0]:
            by_child[case.child_id] = (days, case)
    return sorted(by_child.values(), key=lambda counted: counted[1].pk)


def _reason(case: CmeCase) -> str:
    return case.get_primary_reason_display() or "Not recorded"


def census_figures(
    authority_id: int, census_date: date, *, with_cases: bool = False
) -> dict:
    """Return the return's figures for the authority's cases on the census date.

    The cases counted are those of `counted_cases`. With `with_cases`, the
    figures also list each case by number with the child's UPN (None when
    the child has none), school days missing, time band and primary reason,
    and no names, so an officer can check the totals.
    """
    counted = counted_cases(authority_id, census_date)
    reasons = Counter(_reason(case) for _, case in counted)
    bands = Counter(_band(days) for days, _ in counted)
    figures = {
        "census_date": census_date.isoformat(),
        "children_missing_education": len(counted),
        "by_time_missing": {label: bands.get(label, 0) for label, _, _ in TIME_BANDS},
        "by_primary_reason": dict(sorted(reasons.items())),
    }
    if with_cases:
        figures["cases"] = [
            {
                "case_id": case.pk,
                "upn": case.child.upn or None,
                "school_days_missing": days,
                "time_missing": _band(days),
                "primary_reason": _reason(case),
            }
            for days, case in counted
        ]
    return figures
