"""Counts of open placement cases for the dashboard, with no named record."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from placements.models import Placement
from placements.states import OPEN_STATES, State
from schools.models import Authority

# Open states in the order a case passes through them.
OPEN_STATES_IN_ORDER = [state for state in State if state in OPEN_STATES]


@dataclass(frozen=True)
class AuthorityCounts:
    authority: Authority
    total: int
    overdue: int
    by_state: dict[str, int]


def open_cases_by_authority(today: date) -> list[AuthorityCounts]:
    """Count every authority's open cases, overdue ones and those in each state.

    Overdue is the worklist's rule (PlacementQuerySet.for_worklist). Every
    authority gets a row, with zeros where it has no open cases.
    """
    rows = (
        Placement.objects.for_worklist(today)
        .order_by()
        .values("authority_id")
        .annotate(
            total=Count("pk"),
            overdue=Count("pk", filter=Q(is_overdue=True)),
            **{
                f"state_{state.value}": Count("pk", filter=Q(state=state))
                for state in OPEN_STATES_IN_ORDER
            },
        )
    )
    by_authority = {row["authority_id"]: row for row in rows}
    counts = []
    for authority in Authority.objects.order_by("name"):
        row = by_authority.get(authority.pk, {})
        counts.append(
            AuthorityCounts(
                authority=authority,
                total=row.get("total", 0),
                overdue=row.get("overdue", 0),
                by_state={
                    state.value: row.get(f"state_{state.value}", 0)
                    for state in OPEN_STATES_IN_ORDER
                },
            )
        )
    return counts
