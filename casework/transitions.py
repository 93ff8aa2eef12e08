"""Errors and the version claim shared by every journey's actions."""

from django.core.exceptions import PermissionDenied
from django.db.models import F


class TransitionNotAllowed(PermissionDenied):
    """The case's state, or the user's role, does not allow this change."""


class StaleCase(Exception):
    """Someone else changed the case after this copy of it was read."""

    def __init__(self, case) -> None:
        super().__init__(
            f"{case} was changed by someone else while you were working on it. "
            "Reload the page to see the change, then try again."
        )


def claim(case) -> None:
    """Bump the case's version, or raise StaleCase if it has moved on.

    The conditional UPDATE is the lock: of two writers holding the same
    version, the database lets exactly one match the row, so the second gets
    StaleCase instead of overwriting the first's change.
    """
    claimed = (
        type(case)
        .objects.filter(pk=case.pk, version=case.version)
        .update(version=F("version") + 1)
    )
    if claimed != 1:
        raise StaleCase(case)
    case.version += 1
