"""Database triggers that reject UPDATE and DELETE on the audit log table.

They stop changes that bypass Django's model and queryset checks (raw SQL,
a database shell). Someone who may drop triggers can still change rows, which
`manage.py verify_audit_chain` then detects through the hash chain. The
triggers raise SQLSTATE 23001 (restrict_violation) on PostgreSQL and a
constraint error on SQLite, so Django raises IntegrityError on both.

NOTE: PostgreSQL row triggers do not fire on TRUNCATE, which is how Django's
`flush` empties tables there.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditentry"
MESSAGE = "audit_auditentry is append-only"

_SQLITE_CREATE = [
    f"""
    CREATE TRIGGER audit_auditentry_no_{operation.lower()}
    BEFORE {operation} ON {TABLE}
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}: {operation} is not allowed');
    END
    """
    for operation in ("UPDATE", "DELETE")
]
_SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS audit_auditentry_no_{operation}"
    for operation in ("update", "delete")
]

_POSTGRESQL_CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION audit_reject_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}: % is not allowed', TG_OP
            USING ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    f"""
    CREATE TRIGGER audit_auditentry_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_reject_change()
    """,
]
_POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS audit_auditentry_append_only ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_reject_change()",
]

_STATEMENTS = {
    "sqlite": (_SQLITE_CREATE, _SQLITE_DROP),
    "postgresql": (_POSTGRESQL_CREATE, _POSTGRESQL_DROP),
}


def _statements(connection: BaseDatabaseWrapper, index: int) -> list[str]:
    try:
        return _STATEMENTS[connection.vendor][index]
    except KeyError:
        raise NotImplementedError(
            f"The audit log's append-only triggers exist for SQLite and "
            f"PostgreSQL only, not {connection.vendor}. Use one of those databases."
        ) from None


def create_triggers(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, 0):
            cursor.execute(statement)


def drop_triggers(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, 1):
            cursor.execute(statement)
