"""Placements past a time limit, for casework.exceptions."""

from datetime import date
from typing import Any

from django.urls import reverse

from access import policy
from casework.exceptions import ExceptionRow
from placements.models import Placement


def overdue_placements(user: Any, today: date) -> list[ExceptionRow]:
    """Return open placements of the user's authority past their due day."""
    if not policy.is_la_staff(user):
        return []
    placements = (
        policy.visible_placements(user, Placement.objects.open())
        .filter(due_on__lt=today)
        .select_related("child", "school")
        .order_by("due_on", "pk")
    )
    return [
        ExceptionRow(
            case_label=f"Placement {placement.pk}",
            url=reverse("placements:detail", args=[placement.pk]),
            child_name=placement.child.full_name,
            limit=placement.get_state_display(),
            due_on=placement.due_on,
            detail=placement.school.name if placement.school else "",
        )
        for placement in placements
    ]
