"""Write entries to the audit log.

Call `record` wherever Onroll reads or changes a child's record:

    from audit.log import record

    record("placement.offer", actor=user, target=placement,
           changes={"state": ["assessed", "offered"]})
    record("child.viewed", target=child)
    record("export.subject_access", target=child, data={"format": "zip"})

An export records `export.<name>` with the exported object as target and
only ids and options in `data`. In a request, the request id and the signed-in
user come from AuditContextMiddleware. Outside one, the entry has no request
id, and its actor is "system" unless the caller passes one. Build `changes`
with audit.changes, which keeps personal data out of the log.
"""

from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from audit.changes import to_json
from audit.context import current_request
from audit.models import GENESIS_HASH, AuditChainHead, AuditEntry

SYSTEM_LABEL = "system"
_HEAD_ID = 1

# Database queries each call to record() makes once the chain head exists:
# lock and advance the head, insert the entry, store its hash on the head.
QUERIES_PER_RECORD = 3
# A request's first record also loads the signed-in user's organisation
# for organisation_label. Tests that count a page's queries add
# this for the page's one entry.
QUERIES_FOR_FIRST_RECORD = QUERIES_PER_RECORD + 1


def record(
    action: str,
    *,
    actor: Any = None,
    target: Model | None = None,
    child: Model | None = None,
    changes: dict | None = None,
    data: dict | None = None,
) -> AuditEntry:
    """Append one entry to the audit log and return it.

    `action` is namespaced, for example "placement.offer". `target` is the
    object read or changed; `child` is the child concerned, found from the
    target when it is a child or has a `child_id`. `changes` maps each field
    name to [old, new]. The entry is written in the caller's transaction, so
    it is rolled back with a change that fails.
    """
    if not action or len(action) > 100:
        raise ValueError(
            f"Invalid audit action {action!r}: give a name of 1 to 100 characters, "
            "such as placement.offer."
        )
    for field, pair in (changes or {}).items():
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValueError(
                f"Invalid audit change for {field!r}: {pair!r}. Give [old, new]."
            )

    context = current_request.get()
    if actor is None and context is not None:
        user = getattr(context.request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user

    entry = AuditEntry(
        at=timezone.now(),
        actor=actor,
        actor_label=actor.get_username() if actor is not None else SYSTEM_LABEL,
        organisation_label=organisation_label(actor),
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        child_ref=_child_ref(target, child),
        request_id=context.request_id if context is not None else "",
        changes=to_json({field: list(pair) for field, pair in (changes or {}).items()}),
        data=to_json(data or {}),
    )
    _append(entry)
    return entry


def organisation_label(actor: Any) -> str:
    """Return the name of the organisation the actor works for."""
    if actor is None or actor.organisation_id is None:
        return ""
    return actor.organisation.name


def _child_ref(target: Model | None, child: Model | None) -> int | None:
    if child is not None:
        return child.pk
    if target is None:
        return None
    if target._meta.label_lower == "children.child":
        return target.pk
    return getattr(target, "child_id", None)


def _append(entry: AuditEntry) -> None:
    """Link the entry to the chain's tail and insert it.

    savepoint=False: inside a caller's transaction this adds no SAVEPOINT
    queries, and a failure here rolls back the caller's change too.
    """
    with transaction.atomic(savepoint=False):
        entry.seq, entry.prev_hash = _advance_head()
        entry.hash = entry.compute_hash()
        entry.save()
        AuditChainHead.objects.filter(pk=_HEAD_ID).update(hash=entry.hash)


def _advance_head() -> tuple[int, str]:
    """Lock the chain head, take the next seq and return it with the tail's hash.

    The UPDATE takes the head row's lock on PostgreSQL and the database's
    write lock on SQLite before anything is read, so a second writer waits
    here until the first commits and then reads the first's entry as the tail.
    """
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    sql = f"UPDATE {table} SET seq = seq + 1 WHERE id = %s RETURNING seq, hash"
    with connection.cursor() as cursor:
        cursor.execute(sql, [_HEAD_ID])
        row = cursor.fetchone()
        if row is None:
            _create_head()
            cursor.execute(sql, [_HEAD_ID])
            row = cursor.fetchone()
    return row[0], row[1]


def _create_head() -> None:
    """Create the head row from the newest entry, as after `manage.py flush`."""
    tail = AuditEntry.objects.order_by("-seq").values("seq", "hash").first()
    AuditChainHead.objects.get_or_create(
        pk=_HEAD_ID,
        defaults={
            "seq": tail["seq"] if tail else 0,
            "hash": tail["hash"] if tail else GENESIS_HASH,
        },
    )
