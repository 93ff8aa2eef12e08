"""The authority's removal reports: unknown destinations by month, and counts.

Both read only notices the user may see (access.policy.visible_removals)
and only those of the user's own authority's schools, so a move into the
area from another authority is not counted twice.
"""

import csv
import io
from datetime import date

from django.db.models import Count, QuerySet

from access import policy
from removals.grounds import GROUNDS
from removals.models import Destination, RemovalNotice


def _own_notices(user) -> QuerySet:
    return policy.visible_removals(user, RemovalNotice.objects.all()).filter(
        authority_id=user.organisation.authority_id
    )


def month_bounds(month: date) -> tuple[date, date]:
    """Return the first day of the month and the first day of the next."""
    first = month.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following


def unknown_destinations(user, month: date) -> QuerySet:
    """Notices of the month's deletions to an unknown destination, oldest first."""
    first, following = month_bounds(month)
    return (
        _own_notices(user)
        .filter(
            destination=Destination.UNKNOWN,
            deletion_on__gte=first,
            deletion_on__lt=following,
        )
        .select_related("school", "child")
        .order_by("deletion_on", "pk")
    )


def counts(user, start: date | None, end: date | None) -> list[dict]:
    """Count removals by school, ground and destination, largest first."""
    notices = _own_notices(user)
    if start:
        notices = notices.filter(deletion_on__gte=start)
    if end:
        notices = notices.filter(deletion_on__lte=end)
    rows = (
        notices.values("school__name", "school__urn", "ground", "destination")
        .annotate(removals=Count("pk"))
        .order_by("-removals", "school__name", "ground", "destination")
    )
    labels = dict(Destination.choices)
    return [
        {
            **row,
            "ground_title": GROUNDS[row["ground"]].title,
            "destination_label": labels[row["destination"]],
        }
        for row in rows
    ]


def to_csv(header: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
