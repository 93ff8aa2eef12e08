"""The audit log's append-only guards, its hash chain and record()."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from audit.changes import REDACTED, created, diff, snapshot
from audit.log import SYSTEM_LABEL, record
from audit.models import GENESIS_HASH, AppendOnlyError, AuditChainHead, AuditEntry
from audit.verify import verify_chain
from children.tests.factories import ChildFactory
from placements.tests.factories import PlacementFactory

pytestmark = pytest.mark.django_db


# Append-only ----------------------------------------------------------------


def test_save_of_existing_entry_raises():
    entry = record("test.written")
    entry.action = "test.rewritten"

    with pytest.raises(AppendOnlyError, match="cannot be changed"):
        entry.save()

    assert AuditEntry.objects.get().action == "test.written"


def test_delete_of_entry_raises():
    entry = record("test.written")

    with pytest.raises(AppendOnlyError, match="cannot be deleted"):
        entry.delete()

    assert AuditEntry.objects.count() == 1


def test_queryset_update_raises():
    record("test.written")

    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.update(action="test.rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(action="test.written").update(data={})


def test_queryset_delete_raises():
    record("test.written")

    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(action="test.written").delete()

    assert AuditEntry.objects.count() == 1


def test_entry_made_outside_record_is_rejected():
    entry = AuditEntry(seq=1, action="test.forged", actor_label="x", prev_hash="")

    with pytest.raises(AppendOnlyError, match="audit.log.record"):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_create([entry])


def test_raw_update_is_rejected_by_trigger():
    record("test.written")

    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditentry SET action = 'test.rewritten'")

    assert AuditEntry.objects.get().action == "test.written"


def test_raw_delete_is_rejected_by_trigger():
    record("test.written")

    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditentry")

    assert AuditEntry.objects.count() == 1


# Hash chain -----------------------------------------------------------------


def test_entries_form_a_chain():
    entries = [record(f"test.number_{number}") for number in range(3)]

    assert [entry.seq for entry in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS_HASH
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    assert len({entry.hash for entry in entries}) == 3


def test_hash_covers_stored_fields():
    entry = record("test.written", data={"when": "now"}, changes={"a": [1, 2]})
    stored = AuditEntry.objects.get(pk=entry.pk)

    assert stored.compute_hash() == entry.hash
    stored.data = {"when": "later"}
    assert stored.compute_hash() != entry.hash


def test_chain_head_follows_newest_entry():
    record("test.first")
    newest = record("test.second")

    head = AuditChainHead.objects.get()
    assert head.seq == newest.seq
    assert head.hash == newest.hash


def test_missing_head_is_rebuilt_from_tail():
    first = record("test.first")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditchainhead")

    second = record("test.second")

    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert verify_chain().problems == []


def test_entry_rolls_back_with_failed_change():
    record("test.kept")

    def failing_change() -> None:
        with transaction.atomic():
            record("test.rolled_back")
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()

    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["test.kept"]
    assert record("test.next").seq == 2


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    writers = 4
    per_writer = 25
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            start.wait()
            for number in range(per_writer):
                with transaction.atomic():
                    record("test.concurrent", data={"number": number})
        except BaseException as error:  # noqa: BLE001 (reported by the assert below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, writers * per_writer + 1))
    report = verify_chain()
    assert report.problems == []
    assert report.verified == writers * per_writer


# record() -------------------------------------------------------------------


def test_record_outside_request_is_system():
    entry = record("test.sweep")

    assert entry.actor is None
    assert entry.actor_label == SYSTEM_LABEL
    assert entry.organisation_label == ""
    assert entry.request_id == ""


def test_record_names_actor_and_organisation(officer, school_user, school):
    by_officer = record("test.officer", actor=officer)
    by_school = record("test.school", actor=school_user)

    assert by_officer.actor_label == "officer"
    assert by_officer.organisation_label == "Leicestershire"
    assert by_school.actor_label == "school"
    assert by_school.organisation_label == school.name


def test_record_finds_child_from_target(authority):
    child = ChildFactory(authority=authority)
    placement = PlacementFactory(child=child)

    about_child = record("test.child", target=child)
    about_placement = record("test.placement", target=placement)

    assert about_child.object_type == "children.child"
    assert about_child.object_id == str(child.pk)
    assert about_child.child_ref == child.pk
    assert about_placement.object_type == "placements.placement"
    assert about_placement.object_id == str(placement.pk)
    assert about_placement.child_ref == child.pk


def test_record_rejects_bad_changes():
    with pytest.raises(ValueError, match="'state'.*Give \\[old, new\\]"):
        record("test.bad", changes={"state": "offered"})
    with pytest.raises(ValueError, match="Invalid audit action ''"):
        record("")

    assert AuditEntry.objects.count() == 0


def test_record_stores_json_values(authority):
    child = ChildFactory(authority=authority)
    entry = record("test.dates", target=child, data={"on": child.date_of_birth})

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.data == {"on": "2015-03-14"}
    assert stored.compute_hash() == stored.hash


# Changes --------------------------------------------------------------------


def test_changes_keep_personal_data_out(authority):
    child = ChildFactory(authority=authority, legal_first_name="Ruby")
    changes = created(child)

    assert changes["legal_first_name"] == [None, REDACTED]
    assert changes["upn"] == [None, REDACTED]
    assert changes["date_of_birth"] == [None, REDACTED]
    assert changes["sex"] == [None, "F"]
    assert changes["authority_id"] == [None, authority.pk]
    assert "Ruby" not in str(changes)


def test_diff_lists_only_changed_fields(authority, school):
    placement = PlacementFactory(child=ChildFactory(authority=authority))
    before = snapshot(placement)
    placement.state = "assessed"
    placement.school = school

    assert diff(before, placement) == {
        "state": ["received", "assessed"],
        "school_id": [None, school.pk],
    }
