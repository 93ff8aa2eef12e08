"""Interim provision: education the authority arranges while a child waits.

Education Act 1996 s19 makes the authority arrange suitable education for a
child of compulsory school age who would otherwise not receive it. A
provision is current from its start date to its end date, both included,
and stays current while it has no end date. An officer records the end
date with the provision or later (cme.actions.end_provision), while the
case is open.
"""

from datetime import date

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from cme.models import InterimProvision

CURRENT = "current"
PLANNED = "planned"
ENDED = "ended"

# The order of the list: current provision first, then planned, then ended.
_RANK = {CURRENT: 0, PLANNED: 1, ENDED: 2}


def status(provision: InterimProvision, today: date) -> str:
    """Return CURRENT, PLANNED or ENDED for the provision on `today`."""
    if provision.started_on > today:
        return PLANNED
    if provision.ended_on is not None and provision.ended_on < today:
        return ENDED
    return CURRENT


def for_list(provisions: QuerySet, today: date) -> QuerySet:
    """Order provisions current first, then planned, then ended.

    Within each group the latest end comes first, with open-ended provision
    before any end date, then the latest start.
    """
    return provisions.annotate(
        rank=Case(
            When(started_on__gt=today, then=Value(_RANK[PLANNED])),
            When(
                Q(ended_on__isnull=False) & Q(ended_on__lt=today),
                then=Value(_RANK[ENDED]),
            ),
            default=Value(_RANK[CURRENT]),
            output_field=IntegerField(),
        )
    ).order_by("rank", F("ended_on").desc(nulls_first=True), "-started_on", "pk")
