"""Share a child's record with a partner agency, and revoke a share.

Each action checks access.policy, validates its input and saves in one
transaction. Invalid input raises a ValidationError keyed by argument name,
and nothing is saved.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from access import policy
from access.models import Organisation, Share, User
from audit.log import record
from children.models import Child


def _check_can_share(actor: User, child: Child) -> None:
    if not policy.can_share_child(actor, child):
        raise PermissionDenied(
            "Only staff of the child's local authority can share this record or "
            "revoke a share."
        )


@transaction.atomic
def share_child(
    child: Child, *, actor: User, organisation: Organisation, parts: Iterable[str]
) -> Share:
    """Share the chosen parts of the child's record with a partner agency.

    A share replaces the agency's current share of the child, which is
    revoked, so the agency sees exactly the parts chosen last.
    """
    _check_can_share(actor, child)
    parts = set(parts)
    errors: dict[str, list[str]] = {}
    unknown = sorted(parts - set(Share.PARTS))
    if unknown:
        errors["parts"] = [
            f"Unknown parts of a record: {', '.join(unknown)}. Choose from "
            f"{', '.join(Share.PARTS)}."
        ]
    elif not parts:
        errors["parts"] = ["Select at least one part of the record to share"]
    if not policy.share_partners(child).filter(pk=organisation.pk).exists():
        errors["organisation"] = [
            f"{organisation} is not a partner agency working in "
            f"{child.authority}'s area. Choose one of the agencies listed."
        ]
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    Share.objects.select_for_update().filter(
        child=child, organisation=organisation, revoked_at__isnull=True
    ).update(revoked_at=now, revoked_by=actor)
    share = Share.objects.create(
        child=child,
        organisation=organisation,
        shared_by=actor,
        shared_at=now,
        **{part: part in parts for part in Share.PARTS},
    )
    record(
        "share.create",
        actor=actor,
        target=share,
        child=child,
        data={"organisation": organisation.pk, "parts": sorted(parts)},
    )
    return share


@transaction.atomic
def revoke_share(share: Share, *, actor: User) -> None:
    """Stop the partner agency seeing the child's record from its next request."""
    _check_can_share(actor, share.child)
    revoked = Share.objects.filter(pk=share.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )
    if not revoked:
        raise ValidationError(
            f"The share of {share.child} with {share.organisation} is already revoked."
        )
    share.refresh_from_db()
    record(
        "share.revoke",
        actor=actor,
        target=share,
        child=share.child,
        data={"organisation": share.organisation_id},
    )
