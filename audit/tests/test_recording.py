"""Each action, page view and search writes its audit entry."""

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from audit.changes import REDACTED
from audit.models import AuditEntry
from children import actions as child_actions
from children.models import VulnerabilityCharacteristic
from children.tests.factories import ChildFactory, RiskAssessmentFactory
from placements import actions
from placements import sweep as sweep_module
from placements.deadlines import set_deadline
from placements.states import State
from placements.tests.factories import PlacementFactory
from schools.calendars import CalendarCache

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def child(authority):
    child = ChildFactory(authority=authority, legal_first_name="Ruby")
    RiskAssessmentFactory(child=child)
    return child


@pytest.fixture
def placement(child):
    return PlacementFactory(child=child, state=State.RECEIVED)


def _only(action: str) -> AuditEntry:
    return AuditEntry.objects.get(action=action)


def _date(prefix: str, day: date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


# Actions --------------------------------------------------------------------


def test_new_application_records_child_and_case(officer_client, officer):
    response = officer_client.post(
        "/applications/new/",
        {
            "legal_first_name": "Ruby",
            "legal_last_name": "Okafor",
            "sex": "F",
            "upn": "B801200005001",
            "address_line_1": "1 High Street",
            "address_town": "Hinckley",
            "address_postcode": "LE10 1AA",
            "contact_name": "Ada Okafor",
            "contact_relationship": "Mother",
            "contact_phone": "07700 900123",
            "year_group": "Year 5",
            **_date("date_of_birth", date(2015, 3, 27)),
            **_date("received_on", date(2026, 12, 2)),
        },
    )

    assert response.status_code == 302
    child_entry = _only("child.create")
    case_entry = _only("placement.create")
    assert child_entry.actor == officer
    assert child_entry.changes["legal_first_name"] == [None, REDACTED]
    assert child_entry.changes["address.postcode"] == [None, REDACTED]
    assert child_entry.changes["contact.phone"] == [None, REDACTED]
    assert child_entry.changes["sex"] == [None, "F"]
    assert "Ruby" not in str(child_entry.changes)
    assert "LE10" not in str(child_entry.changes)
    assert case_entry.changes["state"] == [None, "received"]
    assert case_entry.changes["received_on"] == [None, "2026-12-02"]
    assert case_entry.child_ref == child_entry.child_ref
    assert case_entry.request_id == child_entry.request_id
    assert case_entry.request_id == response["X-Request-ID"]


def test_invalid_application_records_nothing(officer_client):
    response = officer_client.post("/applications/new/", {"legal_first_name": "R"})

    assert response.status_code == 200
    assert not AuditEntry.objects.exists()


def test_transition_records_changed_fields(officer, placement, school):
    actions.assess(placement, actor=officer)
    actions.offer(
        placement,
        actor=officer,
        school=school,
        offered_on=date(2026, 12, 3),
        agreed_start_on=date(2026, 12, 7),
    )

    assessed = _only("placement.assess")
    offered = _only("placement.offer")
    assert assessed.actor == officer
    assert assessed.object_id == str(placement.pk)
    assert assessed.child_ref == placement.child_id
    assert assessed.changes["state"] == ["received", "assessed"]
    assert assessed.changes["version"] == [1, 2]
    assert offered.changes["state"] == ["assessed", "offered"]
    assert offered.changes["school_id"] == [None, school.pk]
    assert offered.changes["offered_on"] == [None, "2026-12-03"]
    assert offered.changes["agreed_start_on"] == [None, "2026-12-07"]
    assert offered.data == {"school_urn": school.urn, "agreed_start_on": "2026-12-07"}
    assert "received_on" not in offered.changes


def test_rejected_transition_records_nothing(officer, placement, school):
    actions.assess(placement, actor=officer)
    with pytest.raises(actions.ValidationError):
        actions.offer(
            placement,
            actor=officer,
            school=school,
            offered_on=date(2026, 12, 3),
            agreed_start_on=date(2026, 12, 1),
        )

    assert list(AuditEntry.objects.values_list("action", flat=True)) == [
        "placement.assess"
    ]


def test_vulnerability_records_kind_not_evidence(officer, child):
    child_actions.add_vulnerability(
        child,
        actor=officer,
        kind=VulnerabilityCharacteristic.Kind.YOUNG_CARER,
        evidence="Cares for her mother, Ada.",
        source="School nurse",
        recorded_on=date(2026, 12, 1),
    )

    entry = _only("child.add_vulnerability")
    assert entry.child_ref == child.pk
    assert entry.object_type == "children.vulnerabilitycharacteristic"
    assert entry.changes["kind"] == [None, "young_carer"]
    assert entry.changes["evidence"] == [None, REDACTED]
    assert "Ada" not in str(entry.changes)


def test_risk_assessment_records_level(officer, child):
    child_actions.record_risk_assessment(
        child,
        actor=officer,
        level=3,
        answers={question.key: True for question in child_actions.RISK_QUESTIONS},
        completed_on=date(2026, 12, 4),
        next_review_on=date(2027, 1, 4),
    )

    entry = _only("child.record_risk_assessment")
    assert entry.child_ref == child.pk
    assert entry.changes["level"] == [None, 3]
    assert entry.changes["answers"] == [None, REDACTED]


def test_sweep_records_chase_as_system(placement_in_requested):
    placement = placement_in_requested
    now = datetime(2026, 12, 18, 9, tzinfo=ZoneInfo("Europe/London"))

    sweep_module.sweep(now=now)

    entry = _only("placement.chase")
    assert entry.actor is None
    assert entry.actor_label == "system"
    assert entry.request_id == ""
    assert entry.changes["reminders_sent"] == [0, 1]
    assert entry.changes["due_on"][0] == "2026-12-17"
    assert entry.data == {"number": 1, "school_emailed": True}
    assert entry.object_id == str(placement.pk)


def test_referral_records_transition_and_cme_case(officer, placement_in_requested):
    placement = placement_in_requested

    case = actions.refer_to_cme(placement, actor=None, note="Not arrived")

    moved = _only("placement.refer_cme")
    referred = _only("cme.refer")
    assert moved.actor_label == "system"
    assert moved.changes["state"] == ["requested", "referred_cme"]
    assert referred.object_id == str(case.pk)
    assert referred.child_ref == placement.child_id
    assert referred.changes["reason"] == [None, REDACTED]
    assert referred.changes["source"] == [None, "place_not_taken_up"]


@pytest.fixture
def placement_in_requested(child, school):
    """A request sent on Thursday 3 December 2026, so due Thursday 17 December."""
    placement = PlacementFactory(
        child=child,
        state=State.REQUESTED,
        school=school,
        offered_on=date(2026, 11, 9),
        agreed_start_on=date(2026, 11, 16),
        request_sent_on=date(2026, 12, 3),
    )
    set_deadline(placement, CalendarCache())
    placement.save()
    return placement


# Page views -----------------------------------------------------------------


def test_child_page_records_one_view(officer_client, officer, child):
    response = officer_client.get(f"/children/{child.pk}/")

    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert entry.action == "child.viewed"
    assert entry.actor == officer
    assert entry.child_ref == child.pk
    assert entry.request_id == response["X-Request-ID"]


def test_case_page_records_one_view(officer_client, placement):
    officer_client.get(f"/placements/{placement.pk}/")

    entry = AuditEntry.objects.get()
    assert entry.action == "placement.viewed"
    assert entry.object_type == "placements.placement"
    assert entry.object_id == str(placement.pk)
    assert entry.child_ref == placement.child_id
    assert entry.data == {}


def test_transition_page_records_view_on_get(officer_client, placement):
    officer_client.get(f"/placements/{placement.pk}/assess/")
    officer_client.post(
        f"/placements/{placement.pk}/assess/", {"version": placement.version}
    )

    actions_recorded = list(
        AuditEntry.objects.order_by("seq").values_list("action", "data")
    )
    assert actions_recorded == [
        ("placement.viewed", {"form": "assess"}),
        ("placement.assess", {}),
    ]


def test_other_authority_child_records_nothing(client, other_authority_officer, child):
    client.force_login(other_authority_officer)

    response = client.get(f"/children/{child.pk}/")

    assert response.status_code == 404
    assert not AuditEntry.objects.exists()


def test_worklist_search_records_filters(
    officer_client, school, placement_in_requested
):
    officer_client.get(
        "/", {"state": "requested", "school": school.pk, "only": "alert"}
    )

    entry = _only("search")
    assert entry.data == {
        "list": "worklist",
        "filters": {
            "state": "requested",
            "school": str(school.pk),
            "owner": "",
            "only": ["alert"],
        },
        "valid": True,
    }


def test_unfiltered_worklist_records_nothing(officer_client):
    officer_client.get("/")
    officer_client.get("/", {"page": "2"})

    assert not AuditEntry.objects.exists()


# Request ids ----------------------------------------------------------------


def test_response_carries_new_request_id(officer_client, child):
    first = officer_client.get(f"/children/{child.pk}/")
    second = officer_client.get(f"/children/{child.pk}/")

    assert uuid.UUID(first["X-Request-ID"]).version == 4
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_incoming_request_id_is_kept(officer_client, child):
    incoming = "6F9619FF-8B86-D011-B42D-00C04FC964FF"

    response = officer_client.get(
        f"/children/{child.pk}/", headers={"X-Request-ID": incoming}
    )

    assert response["X-Request-ID"] == incoming.lower()
    assert AuditEntry.objects.get().request_id == incoming.lower()


def test_invalid_request_id_is_replaced(officer_client, child):
    response = officer_client.get(
        f"/children/{child.pk}/", headers={"X-Request-ID": "'; DROP TABLE x"}
    )

    assert uuid.UUID(response["X-Request-ID"]).version == 4
    assert AuditEntry.objects.get().request_id == response["X-Request-ID"]


def test_error_responses_carry_request_id(client):
    response = client.get("/children/1/")

    assert response.status_code == 302
    assert uuid.UUID(response["X-Request-ID"])
