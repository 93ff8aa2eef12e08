"""Transfers between authorities of one deployment, and who may open the case."""

import pytest

from access import policy
from audit.models import AuditEntry
from cme.models import Transfer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]


def _access(client, user, case) -> tuple[bool, int]:
    client.force_login(user)
    return policy.can_view_cme_case(user, case), client.get(
        f"/cme/{case.pk}/"
    ).status_code


@pytest.fixture
def requested(
    client, open_case, inclusion_officer, other_authority, other_inclusion_officer
):
    """A Leicestershire case its officer has asked Leicester to take on."""
    case = open_case()
    client.force_login(inclusion_officer)
    response = client.post(
        f"/cme/{case.pk}/request_transfer/",
        {
            "version": case.version,
            "to_authority": other_authority.pk,
            "note": "The family now rents in Leicester, says the housing team.",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    return case


def test_access_while_transfer_waits(
    client,
    requested,
    inclusion_officer,
    other_inclusion_officer,
    third_authority_officer,
):
    assert _access(client, inclusion_officer, requested) == (True, 200)
    assert _access(client, other_inclusion_officer, requested) == (True, 200)
    assert _access(client, third_authority_officer, requested) == (False, 404)
    # The child's record opens to the receiving authority only once it accepts.
    client.force_login(other_inclusion_officer)
    assert client.get(f"/children/{requested.child_id}/").status_code == 404

    client.force_login(other_inclusion_officer)
    page = client.get(f"/cme/{requested.pk}/").content.decode()
    enquiry = client.get(f"/cme/{requested.pk}/record_enquiry/")

    assert f"/cme/{requested.pk}/accept_transfer/" in page
    assert f"/cme/{requested.pk}/record_enquiry/" not in page
    assert enquiry.status_code == 403
    assert not policy.can_act_on_cme_case(other_inclusion_officer, requested)


def test_accept_moves_ownership_and_access(
    client, requested, inclusion_officer, other_inclusion_officer, other_authority
):
    client.force_login(other_inclusion_officer)
    response = client.post(
        f"/cme/{requested.pk}/accept_transfer/",
        {"version": requested.version, "note": "We will visit the new address."},
    )

    requested.refresh_from_db()
    assert response.status_code == 302
    assert requested.authority == other_authority
    assert requested.transfers.get().status == Transfer.Status.ACCEPTED
    assert _access(client, other_inclusion_officer, requested) == (True, 200)
    # The sender may no longer see the case, but gets the "case moved" page.
    assert _access(client, inclusion_officer, requested) == (False, 200)
    assert policy.can_act_on_cme_case(other_inclusion_officer, requested)
    assert not policy.can_act_on_cme_case(inclusion_officer, requested)
    assert policy.can_view_child(other_inclusion_officer, requested.child)
    client.force_login(other_inclusion_officer)
    assert client.get(f"/children/{requested.child_id}/").status_code == 200


def test_reject_needs_reason_and_keeps_sender(
    client, requested, inclusion_officer, other_inclusion_officer, authority
):
    client.force_login(other_inclusion_officer)
    blank = client.post(
        f"/cme/{requested.pk}/reject_transfer/",
        {"version": requested.version, "reason": ""},
    )
    response = client.post(
        f"/cme/{requested.pk}/reject_transfer/",
        {"version": requested.version, "reason": "No trace at that address."},
    )

    requested.refresh_from_db()
    assert blank.status_code == 200
    assert response.status_code == 302
    assert requested.authority == authority
    assert requested.transfers.get().status == Transfer.Status.REJECTED
    assert _access(client, inclusion_officer, requested) == (True, 200)
    assert _access(client, other_inclusion_officer, requested) == (False, 404)


def test_revoke_by_sender_ends_receiver_access(
    client, requested, inclusion_officer, other_inclusion_officer, authority
):
    client.force_login(other_inclusion_officer)
    revoke_by_receiver = client.get(f"/cme/{requested.pk}/revoke_transfer/")
    client.force_login(inclusion_officer)
    response = client.post(
        f"/cme/{requested.pk}/revoke_transfer/",
        {"version": requested.version, "reason": "The family came back."},
    )

    requested.refresh_from_db()
    assert revoke_by_receiver.status_code == 403
    assert response.status_code == 302
    assert requested.authority == authority
    assert requested.transfers.get().status == Transfer.Status.REVOKED
    assert _access(client, inclusion_officer, requested) == (True, 200)
    assert _access(client, other_inclusion_officer, requested) == (False, 404)
    client.force_login(other_inclusion_officer)
    assert client.get(f"/cme/{requested.pk}/accept_transfer/").status_code == 404


def test_referral_pack_outside_deployment(client, open_case, inclusion_officer):
    case = open_case()
    client.force_login(inclusion_officer)

    pack = client.get(f"/cme/{case.pk}/referral-pack/?format=json").json()
    page = client.get(f"/cme/{case.pk}/referral-pack/")
    sent = client.post(
        f"/cme/{case.pk}/send_referral_pack/",
        {
            "version": case.version,
            "authority_name": "Cardiff Council",
            "sent_on_day": "3",
            "sent_on_month": "12",
            "sent_on_year": "2026",
            "note": "Sent by secure email.",
        },
    )

    assert pack["child"]["legal_last_name"] == case.child.legal_last_name
    assert pack["timeline"][0]["event"] == "Referral received by the Inclusion Service"
    assert page.status_code == 200
    assert sent.status_code == 302
    assert case.referral_packs.get().authority_name == "Cardiff Council"


def _accept(client, case, user):
    client.force_login(user)
    response = client.post(
        f"/cme/{case.pk}/accept_transfer/",
        {"version": case.version, "note": "We will visit the new address."},
    )
    assert response.status_code == 302
    case.refresh_from_db()


def test_sender_sees_case_moved(client, requested, other_inclusion_officer, manager):
    _accept(client, requested, other_inclusion_officer)
    client.force_login(manager)

    response = client.get(f"/cme/{requested.pk}/")
    action = client.get(f"/cme/{requested.pk}/record_enquiry/")
    pack = client.get(f"/cme/{requested.pk}/referral-pack/")

    page = response.content.decode()
    assert response.status_code == 200
    assert f"CME case {requested.pk} moved to Leicester" in page
    assert "accepted the case on 4 December 2026" in page
    # The page shows no case detail, such as the child, the reason or the note.
    assert requested.child.legal_first_name not in page
    assert requested.child.legal_last_name not in page
    assert requested.reason not in page
    assert "The family now rents in Leicester" not in page
    assert action.status_code == 404
    assert pack.status_code == 404
    assert AuditEntry.objects.filter(action="cme.moved_notice_viewed").count() == 1


def test_case_moved_page_only_for_sender(
    client, requested, other_inclusion_officer, third_authority_officer
):
    _accept(client, requested, other_inclusion_officer)

    assert _access(client, third_authority_officer, requested) == (False, 404)


@pytest.mark.parametrize("decision", ["reject_transfer", "revoke_transfer"])
def test_undone_transfer_shows_no_moved_page(
    client, requested, decision, inclusion_officer, other_inclusion_officer
):
    decider = (
        other_inclusion_officer if decision == "reject_transfer" else inclusion_officer
    )
    client.force_login(decider)
    client.post(
        f"/cme/{requested.pk}/{decision}/",
        {"version": requested.version, "reason": "The family came back."},
    )

    client.force_login(inclusion_officer)
    page = client.get(f"/cme/{requested.pk}/").content.decode()

    assert policy.cme_transfer_away(inclusion_officer, requested.pk) is None
    assert requested.child.legal_last_name in page
    assert "moved to" not in page


def test_case_transferred_back_opens_again(
    client, requested, inclusion_officer, other_inclusion_officer, authority
):
    _accept(client, requested, other_inclusion_officer)
    client.force_login(other_inclusion_officer)
    client.post(
        f"/cme/{requested.pk}/request_transfer/",
        {
            "version": requested.version,
            "to_authority": authority.pk,
            "note": "The family moved back to Hinckley.",
        },
    )
    requested.refresh_from_db()
    _accept(client, requested, inclusion_officer)

    client.force_login(inclusion_officer)
    back_home = client.get(f"/cme/{requested.pk}/").content.decode()
    client.force_login(other_inclusion_officer)
    moved_on = client.get(f"/cme/{requested.pk}/").content.decode()

    assert requested.authority == authority
    assert requested.child.legal_last_name in back_home
    assert f"CME case {requested.pk} moved to Leicestershire" in moved_on
    assert requested.child.legal_last_name not in moved_on
