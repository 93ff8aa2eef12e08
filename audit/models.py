"""The audit log: an append-only, hash-chained record of every read and change.

Entries are written only through `audit.log.record`. Each entry stores the
SHA-256 hash of the previous entry and its own hash over that and every other
field, so `manage.py verify_audit_chain` can detect an entry that was edited,
inserted or deleted. The model and its queryset raise AppendOnlyError on any
update or delete, and database triggers (audit/triggers.py) reject UPDATE and
DELETE statements that bypass Django.
"""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import models

# The prev_hash of the first entry in the chain.
GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """An update or delete of an audit entry was attempted."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def bulk_create(self, *args, **kwargs):
        raise AppendOnlyError(
            "Audit entries are written one at a time by audit.log.record, which "
            "links each to the chain."
        )

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be updated.")


class AuditEntry(models.Model):
    """One read or change: who did what, to which object and child, and when."""

    seq = models.PositiveBigIntegerField(
        unique=True, help_text="Position in the chain: 1, 2, 3, ... with no gaps."
    )
    at = models.DateTimeField()
    # PROTECT: a user who appears in the log cannot be deleted, only
    # deactivated, because deleting would have to change these rows.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when Onroll acted on its own (a command or the sweep).",
    )
    actor_label = models.CharField(
        max_length=150, help_text='The username at the time, or "system".'
    )
    organisation_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(
        max_length=100, help_text="Namespaced, for example placement.offer."
    )
    object_type = models.CharField(
        max_length=100, blank=True, help_text="App label and model, e.g. children.child"
    )
    object_id = models.CharField(max_length=64, blank=True)
    # A plain integer, not a foreign key, so that it outlives the child's
    # anonymisation or deletion.
    child_ref = models.PositiveBigIntegerField(null=True, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    changes = models.JSONField(
        default=dict, blank=True, help_text="Each changed field: [old, new]."
    )
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["child_ref", "seq"]),
            models.Index(fields=["actor_label", "seq"]),
            models.Index(fields=["at"]),
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.action} by {self.actor_label}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"Audit entry {self.seq} cannot be changed.")
        if self.at is None or self.hash != self.compute_hash():
            raise AppendOnlyError(
                "An audit entry must be written through audit.log.record, which "
                "sets its seq, prev_hash and hash."
            )
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"Audit entry {self.seq} cannot be deleted.")

    def canonical_payload(self) -> str:
        """Serialise every field but the hashes as JSON with sorted keys."""
        return canonical_json(
            {
                "seq": self.seq,
                "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
                "actor_id": self.actor_id,
                "actor_label": self.actor_label,
                "organisation_label": self.organisation_label,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "child_ref": self.child_ref,
                "request_id": self.request_id,
                "changes": self.changes,
                "data": self.data,
            }
        )

    def compute_hash(self) -> str:
        """Return the SHA-256 hex digest of prev_hash followed by the payload."""
        digest = hashlib.sha256()
        digest.update(self.prev_hash.encode("ascii"))
        digest.update(self.canonical_payload().encode("utf-8"))
        return digest.hexdigest()


class AuditChainHead(models.Model):
    """The single row naming the newest entry's seq and hash.

    Writers lock this row before reading the tail and inserting, so two
    writers never take the same seq or link to the same predecessor. It also
    lets the verify command notice entries deleted from the end of the chain.
    """

    # Always 1: there is one chain.
    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"audit chain head at seq {self.seq}"


def canonical_json(value: object) -> str:
    """Serialise `value` the same way every time: sorted keys, no spaces."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
