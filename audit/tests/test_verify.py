"""manage.py verify_audit_chain on clean and tampered chains.

The app cannot change or remove entries, and the database triggers reject
raw UPDATE and DELETE, so each tampering test drops the triggers first, as
someone with rights over the schema could. The test's transaction rolls the
tampering and the dropped triggers back afterwards.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit import triggers
from audit.log import record
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain() -> list[AuditEntry]:
    return [record("test.entry", data={"number": number}) for number in range(5)]


@contextmanager
def triggers_dropped() -> Iterator:
    triggers.drop_triggers(connection)
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        triggers.create_triggers(connection)


def _verify() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("verify_audit_chain", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _verify_failing() -> tuple[CommandError, str]:
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit_chain", stdout=StringIO(), stderr=err)
    return raised.value, err.getvalue()


def test_clean_chain_verifies(chain):
    out, err = _verify()

    assert out.strip() == "Verified 5 audit entries: the chain is intact."
    assert err == ""


def test_empty_chain_verifies():
    out, _ = _verify()

    assert "Verified 0 audit entries" in out


def test_batches_cover_every_entry(chain):
    out = StringIO()
    call_command("verify_audit_chain", "--batch-size", "2", stdout=out)

    assert "Verified 5 audit entries" in out.getvalue()


def test_invalid_batch_size_is_rejected():
    with pytest.raises(CommandError, match="Invalid --batch-size 0"):
        call_command("verify_audit_chain", "--batch-size", "0")


def test_edited_entry_is_found(chain):
    with triggers_dropped() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET action = 'test.edited' WHERE seq = 2"
        )

    error, err = _verify_failing()

    assert error.returncode == 1
    assert "broken at seq 2 " in str(error)
    assert "First problem: seq 2: hash does not match" in err


def test_inserted_entry_is_found(chain):
    with triggers_dropped() as cursor:
        # Make room at seq 3, highest first so seq stays unique.
        for seq in (5, 4, 3):
            cursor.execute(
                "UPDATE audit_auditentry SET seq = seq + 1 WHERE seq = %s", [seq]
            )
        # A forged entry that is well formed on its own: linked to seq 2 and
        # hashed correctly.
        forged = AuditEntry(
            seq=3,
            at=chain[2].at,
            actor_label="system",
            action="test.forged",
            prev_hash=chain[1].hash,
        )
        forged.hash = forged.compute_hash()
        forged.save()

    error, err = _verify_failing()

    assert "broken at seq 4, 5, 6 " in str(error)
    assert "First problem: seq 4: prev_hash does not match" in err
    assert "seq 3:" not in err


def test_deleted_entry_is_found(chain):
    with triggers_dropped() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = 3")

    error, err = _verify_failing()

    assert "broken at seq 4 " in str(error)
    assert "First problem: seq 4: seq 3 is missing" in err
    assert "seq 4: prev_hash does not match" in err


def test_deleted_last_entry_is_found(chain):
    with triggers_dropped() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = 5")

    error, err = _verify_failing()

    assert "broken at seq 5 " in str(error)
    assert "names seq 5, but the last entry is seq 4" in err


def test_every_broken_entry_is_listed(chain):
    with triggers_dropped() as cursor:
        cursor.execute("UPDATE audit_auditentry SET data = '{}' WHERE seq IN (1, 4)")

    error, err = _verify_failing()

    assert "broken at seq 1, 4 " in str(error)
    assert "First problem: seq 1:" in err
    assert "seq 4: hash does not match" in err
