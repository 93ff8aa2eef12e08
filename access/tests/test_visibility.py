"""Lists, counts, dashboards and pages reveal only what the user may open."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pytest_django.asserts import assertContains, assertNotContains

from access import actions, policy
from access.models import Organisation, Share, User
from access.tests.conftest import (
    CHILD_IN_NEED_EVIDENCE,
    CONTACT_NAME,
    RISK_SUMMARY,
    YOUTH_JUSTICE_DETAIL,
    YOUTH_JUSTICE_EVIDENCE,
)
from access.tests.factories import OrganisationFactory, UserFactory, organisation_for
from access.tests.test_matrix import ROWS
from audit.models import AuditEntry
from children import actions as child_actions
from children.tests.factories import ChildFactory
from placements import actions as placement_actions
from placements.states import State
from placements.tests.factories import PlacementFactory

pytestmark = pytest.mark.django_db

YOUTH_JUSTICE_LABEL = "Youth justice involvement"
RESTRICTED = policy.RESTRICTED_LABEL


def _pages(client, record) -> dict[str, str]:
    """Return the text of every page of the matrix the client opens with 200."""
    pages = {}
    for name, (path_for, _statuses) in ROWS.items():
        response = client.get(path_for(record))
        if response.status_code == 200:
            pages[name] = response.content.decode()
    return pages


# Sensitive characteristics ------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["school_user", "administrator", "social_care_partner"]
)
def test_youth_justice_absent_for_disallowed_role(client, request, record, persona):
    user = request.getfixturevalue(persona)
    if persona == "social_care_partner":
        actions.share_child(
            record.child,
            actor=request.getfixturevalue("officer"),
            organisation=user.organisation,
            parts=Share.PARTS,
        )
    client.force_login(user)

    pages = _pages(client, record)

    assert "children:detail" in pages
    for name, text in pages.items():
        assert YOUTH_JUSTICE_LABEL not in text, name
        assert YOUTH_JUSTICE_DETAIL not in text, name
        assert YOUTH_JUSTICE_EVIDENCE not in text, name
    assert RESTRICTED in pages["children:detail"]
    assert RESTRICTED in pages["placements:detail"]


@pytest.mark.parametrize("persona", ["school_user", "administrator", "partner"])
def test_social_care_evidence_absent_for_disallowed_role(
    client, request, record, persona
):
    client.force_login(request.getfixturevalue(persona))

    pages = _pages(client, record)

    assert "children:detail" in pages
    for name, text in pages.items():
        assert CHILD_IN_NEED_EVIDENCE not in text, name
    assertContains(client.get(f"/children/{record.child.pk}/"), "Child in need")


def test_officer_reads_every_characteristic(client, officer, record):
    client.force_login(officer)

    response = client.get(f"/children/{record.child.pk}/")

    assertContains(response, YOUTH_JUSTICE_LABEL)
    assertContains(response, YOUTH_JUSTICE_EVIDENCE)
    assertContains(response, CHILD_IN_NEED_EVIDENCE)
    assertNotContains(response, RESTRICTED)


def test_police_read_youth_justice_not_social_care(client, partner, record):
    client.force_login(partner)

    response = client.get(f"/children/{record.child.pk}/")

    assertContains(response, YOUTH_JUSTICE_EVIDENCE)
    assertContains(response, "Child in need (detail restricted)")
    assertNotContains(response, CHILD_IN_NEED_EVIDENCE)


def test_social_care_reads_own_detail_only(
    client, officer, social_care_partner, record
):
    actions.share_child(
        record.child,
        actor=officer,
        organisation=social_care_partner.organisation,
        parts=["vulnerability"],
    )
    client.force_login(social_care_partner)

    response = client.get(f"/children/{record.child.pk}/")

    assertContains(response, CHILD_IN_NEED_EVIDENCE)
    assertNotContains(response, YOUTH_JUSTICE_EVIDENCE)
    assertContains(response, RESTRICTED)


def test_vulnerability_form_offers_only_readable_kinds(client, administrator, record):
    client.force_login(administrator)
    # Administrators may add to the record but not read offence kinds, so the
    # form leaves those out and the action rejects them.
    assert policy.can_change_child(administrator, record.child)

    response = client.get(f"/children/{record.child.pk}/vulnerabilities/new/")

    assertContains(response, "Young carer")
    assertNotContains(response, YOUTH_JUSTICE_LABEL)
    assertNotContains(response, "Child protection plan")


def test_action_rejects_kind_role_cannot_read(administrator, record, friday_4_december):
    with pytest.raises(ValidationError) as raised:
        child_actions.add_vulnerability(
            record.child,
            actor=administrator,
            kind="exploitation_risk",
            evidence="Seen with older youths.",
            source="Police",
            recorded_on=record.placement.received_on,
        )

    assert "Your role cannot record" in raised.value.message_dict["kind"][0]
    assert not record.child.vulnerabilities.filter(kind="exploitation_risk").exists()


# Lists and counts -----------------------------------------------------------------


def _other_authority_cases(other_authority, count: int) -> None:
    for _ in range(count):
        PlacementFactory(
            child=ChildFactory(authority=other_authority, legal_last_name="Hidden"),
            state=State.RECEIVED,
        )


def test_worklist_counts_own_authority_only(
    client, officer, record, other_authority, friday_4_december
):
    _other_authority_cases(other_authority, 3)
    client.force_login(officer)

    response = client.get("/")

    assertContains(response, "1 open case,")
    assertContains(response, "Ruby Okafor")
    assertNotContains(response, "Hidden")


def test_check_off_list_own_authority_only(
    client, other_authority_officer, record, other_authority, friday_4_december
):
    client.force_login(other_authority_officer)

    response = client.get("/check-off/")

    assertContains(response, "0 children, 0 overdue")
    assertNotContains(response, "Ruby Okafor")


def test_dashboard_suppresses_other_authority_counts(
    client, other_authority_officer, record, friday_4_december
):
    client.force_login(other_authority_officer)

    response = client.get("/dashboard/")

    text = response.content.decode()
    leicestershire = text[text.index("Leicestershire") :].split("</tr>")[0]
    assert "fewer than 5" in leicestershire
    assert ">1<" not in leicestershire
    assertNotContains(response, "Ruby Okafor")


def test_dashboard_counts_own_authority_exactly(
    client, analyst, record, friday_4_december
):
    client.force_login(analyst)

    response = client.get("/dashboard/")

    text = response.content.decode()
    leicestershire = text[text.index("Leicestershire") :].split("</tr>")[0]
    assert ">1<" in leicestershire
    assertNotContains(response, "Ruby Okafor")


def test_suppression_threshold_is_a_setting(
    settings, other_authority_officer, authority
):
    settings.ONROLL_SUPPRESSION_THRESHOLD = 10

    assert policy.shown_count(other_authority_officer, authority.pk, 9) == (
        "fewer than 10"
    )
    assert policy.shown_count(other_authority_officer, authority.pk, 10) == "10"


def test_partner_home_lists_shared_children(client, partner, unshared_partner, record):
    client.force_login(partner)
    shared = client.get("/")
    client.force_login(unshared_partner)
    unshared = client.get("/")

    assertContains(shared, "Ruby Okafor")
    assertNotContains(unshared, "Ruby Okafor")
    assertContains(unshared, "No child's record is shared with your agency.")


def test_analyst_named_querysets_are_empty(analyst, record):
    from children.models import Child
    from placements.models import Placement

    assert not policy.visible_children(analyst, Child.objects.all()).exists()
    assert not policy.visible_placements(analyst, Placement.objects.all()).exists()
    assert policy.shared_parts(analyst, record.child) == frozenset()


# Moving users ---------------------------------------------------------------------


def test_moved_user_loses_access_next_request(client, officer, record, other_authority):
    client.force_login(officer)
    url = f"/children/{record.child.pk}/"
    assert client.get(url).status_code == 200

    officer.organisation = organisation_for(other_authority, None)
    officer.save()

    assert client.get(url).status_code == 404
    assertNotContains(client.get("/"), "Ruby Okafor")


def test_team_move_keeps_role_scope(client, officer, record, authority):
    """Teams group staff within an organisation and change no record scope."""
    from access.tests.factories import TeamFactory

    client.force_login(officer)
    officer.team = TeamFactory(organisation=officer.organisation, name="Fair Access")
    officer.save()

    assert client.get(f"/children/{record.child.pk}/").status_code == 200


def test_role_change_applies_next_request(client, officer, record):
    client.force_login(officer)
    officer.role = User.Role.ANALYST
    officer.save()

    assert client.get(f"/children/{record.child.pk}/").status_code == 403


def test_user_without_organisation_sees_nothing(client, record):
    user = UserFactory(authority=None)
    client.force_login(user)

    assert client.get(f"/children/{record.child.pk}/").status_code == 403
    assert client.get("/").status_code == 403


def test_role_not_fitting_organisation_sees_nothing(client, police, record):
    user = UserFactory(organisation=police, role=User.Role.ADMISSIONS_OFFICER)
    client.force_login(user)

    assert client.get(f"/children/{record.child.pk}/").status_code == 403


# Partner shares ----------------------------------------------------------------


def test_partner_sees_only_shared_parts(client, officer, partner, record):
    actions.share_child(
        record.child,
        actor=officer,
        organisation=partner.organisation,
        parts=["identity"],
    )
    client.force_login(partner)

    response = client.get(f"/children/{record.child.pk}/")

    assertContains(response, "14 March 2015")  # date of birth
    assertNotContains(response, CONTACT_NAME)
    assertNotContains(response, RISK_SUMMARY)
    assertNotContains(response, "Vulnerability profile")
    assertNotContains(response, "Mill Lane")
    assertContains(response, "is a vulnerable child.")
    assert client.get(f"/placements/{record.placement.pk}/").status_code == 404


def test_revoked_share_removes_access_at_once(client, officer, partner, record):
    child_url = f"/children/{record.child.pk}/"
    revoke_url = f"/children/{record.child.pk}/shares/{record.share.pk}/revoke/"
    partner_client = client
    partner_client.force_login(partner)
    assert partner_client.get(child_url).status_code == 200

    from django.test import Client

    officer_client = Client()
    officer_client.force_login(officer)
    response = officer_client.post(revoke_url)

    assert response.status_code == 302
    assert partner_client.get(child_url).status_code == 404
    assert partner_client.get(f"/placements/{record.placement.pk}/").status_code == 404
    assertNotContains(partner_client.get("/"), "Ruby Okafor")
    record.share.refresh_from_db()
    assert record.share.revoked_by == officer


def test_share_page_keeps_input_on_error(client, officer, record, police):
    client.force_login(officer)

    response = client.post(
        f"/children/{record.child.pk}/shares/new/", {"organisation": police.pk}
    )

    assertContains(response, "govuk-error-summary")
    assertContains(response, "Select at least one part of the record to share")
    assertContains(response, f'value="{police.pk}" selected')


def test_share_replaces_current_share(officer, partner, record):
    share = actions.share_child(
        record.child, actor=officer, organisation=partner.organisation, parts=["risk"]
    )

    record.share.refresh_from_db()
    assert record.share.revoked_at is not None
    assert share.parts == ("risk",)
    assert policy.shared_parts(partner, record.child) == {"risk"}


def test_share_and_revoke_audited(officer, partner, record):
    share = actions.share_child(
        record.child, actor=officer, organisation=partner.organisation, parts=["risk"]
    )
    actions.revoke_share(share, actor=officer)

    created = AuditEntry.objects.get(action="share.create")
    assert created.child_ref == record.child.pk
    assert created.actor == officer
    assert created.data["parts"] == ["risk"]
    revoked = AuditEntry.objects.get(action="share.revoke")
    assert revoked.object_id == str(share.pk)


def test_share_rejects_agency_of_other_area(officer, record, other_authority):
    elsewhere = OrganisationFactory(authority=other_authority, name="Leicester Police")

    with pytest.raises(ValidationError) as raised:
        actions.share_child(
            record.child, actor=officer, organisation=elsewhere, parts=["identity"]
        )

    assert "Leicester Police is not a partner agency" in str(
        raised.value.message_dict["organisation"]
    )
    assert not Share.objects.filter(organisation=elsewhere).exists()


def test_share_rejects_unknown_part(officer, partner, record):
    with pytest.raises(ValidationError) as raised:
        actions.share_child(
            record.child,
            actor=officer,
            organisation=partner.organisation,
            parts=["identity", "bank_details"],
        )

    assert "bank_details" in raised.value.message_dict["parts"][0]


@pytest.mark.parametrize(
    "persona", ["school_user", "partner", "other_authority_officer", "analyst"]
)
def test_share_rejects_user_outside_authority(request, record, police, persona):
    actor = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        actions.share_child(
            record.child, actor=actor, organisation=police, parts=["identity"]
        )
    with pytest.raises(PermissionDenied):
        actions.revoke_share(record.share, actor=actor)


# Actions refuse what the policy does not allow -----------------------------------


def test_placement_action_rejects_partner(partner, record, friday_4_december):
    with pytest.raises(PermissionDenied):
        placement_actions.confirm_on_roll(
            record.placement,
            actor=partner,
            starting_on=record.placement.agreed_start_on,
        )
    record.placement.refresh_from_db()
    assert record.placement.state == State.REQUESTED


def test_placement_action_rejects_other_school(other_school_user, record):
    assert not placement_actions.can_act_on(other_school_user, record.placement)


def test_open_application_rejects_partner(partner, record, friday_4_december):
    with pytest.raises(PermissionDenied):
        placement_actions.open_application(
            actor=partner, child=record.child, received_on=record.placement.received_on
        )


# Models ---------------------------------------------------------------------------


def test_user_clean_requires_organisation():
    user = User(username="nobody", role=User.Role.ADMISSIONS_OFFICER)

    with pytest.raises(ValidationError) as raised:
        user.clean()

    assert "organisation" in raised.value.message_dict


def test_superuser_needs_no_organisation():
    User(username="root", is_superuser=True).clean()


def test_user_clean_rejects_role_of_other_kind(police):
    user = User(username="pc", role=User.Role.SCHOOL_USER, organisation=police)

    with pytest.raises(ValidationError) as raised:
        user.clean()

    assert "does not fit Leicestershire Police" in raised.value.message_dict["role"][0]


def test_school_organisation_needs_school(authority):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(
            kind=Organisation.Kind.SCHOOL, name="No school", authority=authority
        )


def test_derived_authority_and_school(officer, school_user, partner, authority, school):
    assert officer.authority == authority
    assert officer.school is None
    assert school_user.school == school
    assert school_user.authority is None
    assert partner.authority is None
    assert partner.school is None


@pytest.mark.parametrize(
    "persona", ["other_authority_officer", "other_school_user", "unshared_partner"]
)
def test_shared_parts_empty_outside_scope(request, record, persona):
    user = request.getfixturevalue(persona)

    assert policy.shared_parts(user, record.child) == frozenset()
    assert policy.visible_characteristics(user, record.child) == []
    assert not policy.can_view_child(user, record.child)
    assert not policy.can_view_placement(user, record.placement)


def test_school_user_sees_no_address_history(client, school_user, officer, record):
    client.force_login(school_user)
    school_page = client.get(f"/children/{record.child.pk}/")

    client.force_login(officer)
    officer_page = client.get(f"/children/{record.child.pk}/")

    assert school_page.status_code == 200
    assertNotContains(school_page, "4 Mill Lane")
    assertContains(officer_page, "4 Mill Lane")
