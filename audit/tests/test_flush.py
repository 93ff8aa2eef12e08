import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from audit.log import record
from audit.models import AuditEntry


@pytest.mark.django_db(transaction=True)
def test_flush_empties_log_and_keeps_triggers():
    record("test.before_flush")

    call_command("flush", interactive=False, verbosity=0)

    assert not AuditEntry.objects.exists()
    entry = record("test.after_flush")
    assert entry.seq == 1
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditentry")
