import importlib
from datetime import date

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from access.tests.factories import UserFactory
from children.tests.factories import (
    ChildFactory,
    RiskAssessmentFactory,
    VulnerabilityFactory,
)
from cme import actions
from cme.enquiries import DEFAULT_KINDS, checklist
from cme.models import EnquiryKind, Priority, SafeguardingReferral
from cme.priority import priority_for
from schools.tests.factories import AuthorityFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]


def test_new_authority_gets_default_checklist():
    authority = AuthorityFactory(code="999", name="Testshire")

    codes = list(checklist(authority.pk).values_list("code", flat=True))

    assert codes == [code for code, _ in DEFAULT_KINDS]


def test_default_checklist_abroad_item_optional():
    authority = AuthorityFactory(code="999", name="Testshire")

    required = dict(
        checklist(authority.pk).values_list("code", "required_before_not_found")
    )

    assert required.pop("abroad_confirmation") is False
    assert set(required.values()) == {True}


def test_migration_makes_abroad_item_optional(authority):
    migration = importlib.import_module(
        "cme.migrations.0007_enquiry_required_before_not_found"
    )
    EnquiryKind.objects.filter(authority=authority).update(
        required_before_not_found=True
    )

    migration.abroad_confirmation_optional(django_apps, None)

    kinds = EnquiryKind.objects.filter(authority=authority)
    assert not kinds.get(code="abroad_confirmation").required_before_not_found
    assert kinds.get(code="home_visit").required_before_not_found
    assert kinds.filter(required_before_not_found=False).count() == 1


def test_admin_sets_required_before_not_found(client, authority):
    admin_user = UserFactory(
        username="admin", authority=authority, is_staff=True, is_superuser=True
    )
    client.force_login(admin_user)
    kind = EnquiryKind.objects.get(authority=authority, code="home_visit")
    url = reverse("admin:cme_enquirykind_change", args=[kind.pk])

    form = client.get(url).content.decode()
    changelist = client.get(reverse("admin:cme_enquirykind_changelist"))
    response = client.post(
        url,
        {
            "authority": authority.pk,
            "code": kind.code,
            "label": kind.label,
            "order": kind.order,
            "active": "on",
        },
    )

    kind.refresh_from_db()
    assert 'name="required_before_not_found"' in form
    # Editable in the list too, beside "order" and "active".
    assert 'name="form-0-required_before_not_found"' in changelist.content.decode()
    assert response.status_code == 302
    assert not kind.required_before_not_found


def test_retired_item_leaves_checklist(authority):
    EnquiryKind.objects.filter(authority=authority, code="housing").update(active=False)
    EnquiryKind.objects.create(
        authority=authority, code="gp_practice", label="GP practice", order=99
    )

    labels = list(checklist(authority.pk).values_list("label", flat=True))

    assert "Housing" not in labels
    assert labels[-1] == "GP practice"


def test_enquiry_logged_with_who_and_outcome(open_case, inclusion_officer):
    case = open_case()
    kind = checklist(case.authority_id).get(code="home_visit")

    enquiry = actions.record_enquiry(
        case,
        actor=inclusion_officer,
        kind=kind,
        made_on=date(2026, 12, 3),
        result="no_trace",
        note="Curtains drawn; neighbour says they left in November.",
    )

    assert enquiry.made_by == inclusion_officer
    assert enquiry.get_result_display() == "No trace of the child"
    assert case.enquiries.count() == 1


def test_other_authority_checklist_refused(
    open_case, inclusion_officer, other_authority
):
    case = open_case()
    kind = checklist(other_authority.pk).first()

    with pytest.raises(ValidationError):
        actions.record_enquiry(
            case,
            actor=inclusion_officer,
            kind=kind,
            made_on=date(2026, 12, 3),
            result="no_trace",
        )


@pytest.mark.parametrize(
    ("risk", "kinds", "expected"),
    [
        (None, [], Priority.MEDIUM),
        (1, [], Priority.LOW),
        (1, ["young_carer"], Priority.MEDIUM),
        (2, [], Priority.MEDIUM),
        (3, [], Priority.HIGH),
        (1, ["child_protection"], Priority.HIGH),
    ],
)
def test_priority_rule(authority, risk, kinds, expected):
    child = ChildFactory(authority=authority)
    if risk is not None:
        RiskAssessmentFactory(child=child, level=risk)
    for kind in kinds:
        VulnerabilityFactory(child=child, kind=kind)

    assert priority_for(child) == expected


def test_safeguarding_referral_raises_priority(open_case, inclusion_officer):
    case = open_case()
    assert case.priority == Priority.MEDIUM

    referral = actions.record_safeguarding(
        case,
        actor=inclusion_officer,
        agency=SafeguardingReferral.Agency.SOCIAL_CARE,
        referred_on=date(2026, 12, 3),
        concern="Sibling on a child protection plan; family not seen for weeks.",
    )
    actions.record_safeguarding_outcome(
        case,
        actor=inclusion_officer,
        referral=referral,
        outcome="Strategy meeting held; police welfare check requested.",
    )

    case.refresh_from_db()
    referral.refresh_from_db()
    assert case.priority == Priority.HIGH
    assert case.safeguarding_concerns
    # The high-priority interval of 5 school days now runs from the referral
    # on Monday 2 November, so the review was due on Monday 9 November.
    assert case.due_on == date(2026, 11, 9)
    assert referral.outcome.startswith("Strategy meeting")


def test_subject_access_includes_enquiries(open_case, inclusion_officer):
    from privacy.subject_access import build_export

    case = open_case()
    actions.record_enquiry(
        case,
        actor=inclusion_officer,
        kind=checklist(case.authority_id).get(code="housing"),
        made_on=date(2026, 12, 3),
        result="information",
        note="Housing register shows a move to Melton.",
    )

    export = build_export(case.child, generated_by="Test Manager")

    assert len(export["cme_enquiries"]) == 1
    assert len(export["cme_missing_periods"]) == 1
