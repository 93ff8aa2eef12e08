"""The subject access export built by privacy.subject_access."""

import json

import pytest

from audit.log import record
from children.tests.factories import ChildFactory
from cme import actions as cme_actions
from cme.models import CmeCase
from privacy.subject_access import (
    CORRESPONDENCE_NOTE,
    SECTIONS,
    build_export,
    to_json,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(child_with_history) -> dict:
    """The export of the full-history child, read back from its JSON."""
    export = build_export(child_with_history, generated_by="Morgan Manager (manager)")
    return json.loads(to_json(export))


def test_export_has_every_section(exported, child_with_history):
    assert exported["child_id"] == child_with_history.pk
    assert exported["generated_at"] == "2026-12-04T10:00:00Z"
    assert exported["generated_by"] == "Morgan Manager (manager)"
    for key, _heading in SECTIONS:
        assert key in exported, key


def test_export_identity(exported, authority):
    identity = exported["identity"]

    assert identity["legal_first_name"] == "Ruby"
    assert identity["legal_last_name"] == "Okafor"
    assert identity["preferred_name"] == "Rubes"
    assert identity["former_names"] == "Ruby Adeyemi"
    assert identity["date_of_birth"] == "2015-03-14"
    assert identity["sex_label"] == "Female"
    assert identity["upn"] == "B801200005001"
    assert identity["nhs_number"] == "9434765919"
    assert identity["authority"] == {"id": authority.pk, "name": str(authority)}


def test_export_addresses_and_contacts(exported):
    [address] = exported["addresses"]
    [contact] = exported["parents_and_carers"]

    assert address["line_1"] == "Flat 2, Station Road"
    assert address["postcode"] == "LE67 3AA"
    assert address["moved_in"] == "2026-09-01"
    assert address["is_temporary_accommodation"] is True
    assert contact["name"] == "Ada Okafor"
    assert contact["phone"] == "07700 900123"
    assert contact["email"] == "ada@example.org"


def test_export_vulnerability_and_risk(exported, officer):
    [vulnerability] = exported["vulnerability_profile"]
    [risk] = exported["risk_assessments"]

    assert vulnerability["kind"] == "exclusions"
    assert vulnerability["kind_label"] == "Exclusions"
    assert vulnerability["detail"] == "2 suspensions"
    assert vulnerability["evidence"] == "Letters from the previous school."
    assert vulnerability["source"] == "Previous school"
    assert vulnerability["recorded_by"]["id"] == officer.pk
    assert risk["level"] == 3
    assert risk["level_label"] == "High"
    assert risk["summary"] == "Out of school since September."
    assert risk["answers"]["out_of_education"]["answer"] is True
    assert risk["completed_on"] == "2026-11-02"


def test_export_placement_has_all_fields(exported, school, officer):
    [placement] = exported["placements"]

    assert placement["state"] == "referred_cme"
    assert placement["state_label"] == "Referred as missing education"
    assert placement["is_open"] is False
    assert placement["closed_at"] == "2026-12-04T10:00:00Z"
    assert placement["received_on"] == "2026-11-02"
    assert placement["reason"] == "Moved into the area"
    assert placement["year_group"] == "Year 6"
    assert placement["school"] == {"id": school.pk, "name": str(school)}
    assert placement["offered_on"] == "2026-11-09"
    assert placement["agreed_start_on"] == "2026-11-16"
    assert placement["request_sent_on"] == "2026-12-04"
    assert placement["owner"] == {
        "id": officer.pk,
        "name": f"{officer.get_full_name()} (officer)",
    }
    for field in ("version", "due_on", "due_at", "reminders_sent", "appeal_lodged"):
        assert field in placement, field


def test_export_cme_case(exported, school):
    [case] = exported["cme_cases"]

    assert case["source"] == "place_not_taken_up"
    assert case["source_label"] == "Place not taken up"
    assert case["reason"] == "Family not reachable at the address."
    assert case["last_known_school"]["id"] == school.pk
    assert case["last_known_address"] == "Flat 2, Station Road, Coalville LE67 3AA"
    assert [entry["kind"] for entry in case["history"]][:2] == [
        "placement.received",
        "placement.assess",
    ]


def test_export_timeline_in_order(exported):
    kinds = [event["kind"] for event in exported["timeline"]]

    assert kinds == [
        "placement.received",
        "placement.assess",
        "placement.offer",
        "placement.send_request",
        "placement.chased",
        "placement.refer_cme",
        "cme.referred",
    ]
    assessed = exported["timeline"][1]
    assert assessed["note"] == "High risk; priority case."
    assert assessed["description"] == "Vulnerability assessed"
    assert assessed["case_type"] == "placements.placement"
    assert assessed["at"] == "2026-12-04T10:00:00Z"


def test_export_correspondence_lists_emails(exported, school):
    correspondence = exported["correspondence"]

    assert correspondence["note"] == CORRESPONDENCE_NOTE
    templates = [email["template"] for email in correspondence["emails"]]
    assert templates[0] == "On-roll request"
    request = correspondence["emails"][0]
    assert request["recipient"] == school.email
    assert request["template_version"] == 1
    assert request["subject"].startswith("Please put Ruby")
    assert "Ruby" in request["text"]
    assert request["queued_at"] == "2026-12-04T10:00:00Z"
    # The school's one-time reply link is a credential, not the child's data.
    assert "/school/reply/" not in request["text"]
    assert "[one-time reply link removed]" in request["text"]


def test_export_lists_audit_entries(child_with_history, service_manager):
    record("child.viewed", actor=service_manager, child=child_with_history)

    export = build_export(child_with_history, generated_by="test")

    actions = [entry["action"] for entry in export["audit_log"]["entries"]]
    assert "placement.refer_cme" in actions
    assert actions[-1] == "child.viewed"
    assert export["audit_log"]["entries"][-1]["actor"] == service_manager.username


def test_export_leaves_out_other_children(exported, authority):
    other = ChildFactory(authority=authority, legal_first_name="Other")

    export = json.loads(to_json(build_export(other, generated_by="test")))

    assert export["placements"] == []
    assert export["timeline"] == []
    assert export["addresses"] == []
    assert "Ruby" not in json.dumps(export)


def test_export_referrer_email(child_with_history, authority, officer):
    case = cme_actions.refer(
        child=child_with_history,
        authority=authority,
        source=CmeCase.Source.PUBLIC,
        reason="Seen at home on school days.",
        referred_by=officer,
        referrer_name="Sam Referrer",
        referrer_email="sam.referrer@example.org",
    )

    export = json.loads(to_json(build_export(child_with_history, generated_by="-")))

    cases = {row["id"]: row for row in export["cme_cases"]}
    assert cases[case.pk]["referrer_name"] == "Sam Referrer"
    assert cases[case.pk]["referrer_email"] == "sam.referrer@example.org"
    [acknowledgement] = [
        email
        for email in export["correspondence"]["emails"]
        if email["template"] == "Missing education referral acknowledgement"
    ]
    assert acknowledgement["recipient"] == "sam.referrer@example.org"
    assert acknowledgement["case_id"] == case.pk
