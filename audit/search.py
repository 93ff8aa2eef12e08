"""The audit entries a manager may see, and the search filters over them."""

from datetime import date, datetime, time

from django.db.models import Q, QuerySet

from access.models import User
from audit.models import AuditEntry
from casework.deadlines import LONDON, end_of_day
from children.models import Child


def entries_visible_to(user: User) -> QuerySet[AuditEntry]:
    """Return entries by staff of organisations in the user's authority's area
    (the authority itself, its schools and partner agencies), or about its
    children.

    NOTE: entries store no authority, so an entry with neither a staff actor
    nor a child (a school user's or the sweep's, about no child) is shown to
    no one here.
    """
    return AuditEntry.objects.filter(
        Q(actor__organisation__authority_id=user.authority_id)
        | Q(
            child_ref__in=Child.objects.filter(authority_id=user.authority_id).values(
                "pk"
            )
        )
    )


def search_entries(
    entries: QuerySet[AuditEntry],
    *,
    child_ids: list[int] | None = None,
    username: str = "",
    from_date: date | None = None,
    to_date: date | None = None,
) -> QuerySet[AuditEntry]:
    """Filter entries; the dates are London days and both are included."""
    if child_ids is not None:
        entries = entries.filter(child_ref__in=child_ids)
    if username:
        entries = entries.filter(actor_label=username)
    if from_date is not None:
        entries = entries.filter(
            at__gte=datetime.combine(from_date, time.min, tzinfo=LONDON)
        )
    if to_date is not None:
        entries = entries.filter(at__lt=end_of_day(to_date))
    return entries.order_by("-seq")


def child_ids_for(child: int | str) -> list[int]:
    """Return [id] for a child id, or the ids of every child with a UPN."""
    if isinstance(child, int):
        return [child]
    return list(Child.objects.filter(upn=child).values_list("pk", flat=True))
