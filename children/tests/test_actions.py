"""Actions that register a child and add to their vulnerability and risk record."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from children import actions
from children.models import Address, Child, Contact, RiskAssessment
from children.tests.factories import ChildFactory, VulnerabilityFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]

KIND = "child_in_need"


def _register(actor, **overrides):
    details = {
        "legal_first_name": " Ruby ",
        "legal_last_name": "Okafor",
        "date_of_birth": date(2015, 3, 27),
        "sex": Child.Sex.FEMALE,
        "upn": "b801 2000 0500 1",
        "address_line_1": "1 High Street",
        "address_town": "Hinckley",
        "address_postcode": "le101aa",
        "contact_name": "Ada Okafor",
        "contact_relationship": "Mother",
        "contact_phone": "07700 900123",
    }
    details.update(overrides)
    return actions.register_child(actor=actor, **details)


def _errors(excinfo: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# register_child -------------------------------------------------------------


def test_register_child_saves_child_address_contact(officer, authority):
    child = _register(officer)

    assert child.authority == authority
    assert child.legal_first_name == "Ruby"
    assert child.upn == "B801200005001"
    address = child.addresses.get()
    assert address.postcode == "LE10 1AA"
    assert address.town == "Hinckley"
    contact = child.contacts.get()
    assert contact.name == "Ada Okafor"
    assert contact.phone == "07700 900123"


def test_register_child_invalid_upn_names_value(officer):
    with pytest.raises(ValidationError) as excinfo:
        _register(officer, upn="B801200005002")

    assert _errors(excinfo)["upn"] == [
        "UPN B801200005002 has the wrong check letter. Check it against the "
        "school's records or the common transfer file."
    ]
    assert Child.objects.count() == 0


def test_register_child_collects_every_error(officer):
    with pytest.raises(ValidationError) as excinfo:
        _register(
            officer,
            date_of_birth=date(2026, 12, 4),
            address_postcode="nowhere",
            contact_phone="",
            contact_email="",
        )

    errors = _errors(excinfo)
    assert errors["date_of_birth"] == [
        "Date of birth, 4 December 2026, must be in the past"
    ]
    assert errors["address_postcode"] == [
        "Postcode nowhere is not a UK postcode. Enter a full postcode, like LE1 6ZG"
    ]
    assert errors["contact_phone"] == [
        "Enter a phone number or an email address for the parent or carer"
    ]
    assert Child.objects.count() == 0
    assert Address.objects.count() == 0
    assert Contact.objects.count() == 0


def test_register_child_invalid_email(officer):
    with pytest.raises(ValidationError) as excinfo:
        _register(officer, contact_phone="", contact_email="not-an-address")

    assert "contact_email" in _errors(excinfo)
    assert Child.objects.count() == 0


def test_register_child_without_upn(officer):
    child = _register(officer, upn="")

    assert child.upn == ""


@pytest.mark.parametrize("persona", ["school_user", "authorityless_user"])
def test_register_child_refuses_non_la_staff(persona, school_user, db):
    from access.tests.factories import UserFactory

    actor = school_user if persona == "school_user" else UserFactory(authority=None)

    with pytest.raises(PermissionDenied):
        _register(actor)
    assert Child.objects.count() == 0


# add_vulnerability ----------------------------------------------------------


def test_add_vulnerability_records_characteristic(officer, authority):
    child = ChildFactory(authority=authority)

    characteristic = actions.add_vulnerability(
        child,
        actor=officer,
        kind=KIND,
        detail="Plan since September",
        evidence="Open child in need plan.",
        source="Children's social care",
        recorded_on=date(2026, 12, 1),
    )

    assert characteristic.child == child
    assert characteristic.recorded_by == officer
    assert child.vulnerabilities.get().detail == "Plan since September"


def test_add_vulnerability_rejects_same_kind_twice(officer, authority):
    child = ChildFactory(authority=authority, legal_first_name="Ruby")
    VulnerabilityFactory(child=child, kind=KIND)

    with pytest.raises(ValidationError) as excinfo:
        actions.add_vulnerability(
            child,
            actor=officer,
            kind=KIND,
            evidence="Again.",
            source="School",
            recorded_on=date(2026, 12, 1),
        )

    assert _errors(excinfo)["kind"] == [
        "Ruby Testchild's profile already has ‘Child in need’. Choose a different "
        "characteristic."
    ]
    assert child.vulnerabilities.count() == 1


def test_add_vulnerability_rejects_future_date(officer, authority):
    child = ChildFactory(authority=authority)

    with pytest.raises(ValidationError) as excinfo:
        actions.add_vulnerability(
            child,
            actor=officer,
            kind=KIND,
            evidence="Plan.",
            source="School",
            recorded_on=date(2026, 12, 5),
        )

    assert "recorded_on" in _errors(excinfo)
    assert not child.vulnerabilities.exists()


def test_add_vulnerability_other_authority(other_authority_officer, authority):
    child = ChildFactory(authority=authority)

    with pytest.raises(PermissionDenied):
        actions.add_vulnerability(
            child,
            actor=other_authority_officer,
            kind=KIND,
            evidence="Plan.",
            source="School",
            recorded_on=date(2026, 12, 1),
        )


# record_risk_assessment -----------------------------------------------------

ALL_NO = {question.key: False for question in actions.RISK_QUESTIONS}


def _assess(child, actor, **overrides):
    details = {
        "level": RiskAssessment.Level.HIGH,
        "summary": "Out of school since September.",
        "answers": {**ALL_NO, "out_of_education": True},
        "completed_on": date(2026, 12, 3),
        "next_review_on": date(2027, 1, 4),
    }
    details.update(overrides)
    return actions.record_risk_assessment(child, actor=actor, **details)


def test_record_risk_assessment_stores_answers(officer, authority):
    child = ChildFactory(authority=authority)

    assessment = _assess(child, officer)

    assert assessment.completed_by == officer
    assert assessment.level == RiskAssessment.Level.HIGH
    assert assessment.answers["out_of_education"] == {
        "question": "Has the child been out of education for 4 weeks or more?",
        "answer": True,
    }
    assert assessment.answers["family_engaging"]["answer"] is False
    assert child.risk_assessments.first() == assessment


@pytest.mark.parametrize("next_review_on", [date(2026, 12, 3), date(2026, 12, 1)])
def test_record_risk_review_must_follow_completion(officer, authority, next_review_on):
    child = ChildFactory(authority=authority)

    with pytest.raises(ValidationError) as excinfo:
        _assess(child, officer, next_review_on=next_review_on)

    message = _errors(excinfo)["next_review_on"][0]
    assert message.startswith("Next review date, ")
    assert "must be after the date the assessment was completed, 3 December 2026" in (
        message
    )
    assert not child.risk_assessments.exists()


def test_record_risk_requires_every_answer(officer, authority):
    child = ChildFactory(authority=authority)
    answers = dict(ALL_NO)
    del answers["missing_episodes"]

    with pytest.raises(ValidationError) as excinfo:
        _assess(child, officer, answers=answers)

    assert _errors(excinfo)["missing_episodes"] == [
        "Select yes if the child has gone missing from home or care in the last "
        "12 months"
    ]


def test_record_risk_rejects_unknown_question(officer, authority):
    child = ChildFactory(authority=authority)

    with pytest.raises(ValidationError) as excinfo:
        _assess(child, officer, answers={**ALL_NO, "favourite_colour": True})

    assert _errors(excinfo)["__all__"] == ["Unknown risk questions: favourite_colour."]


def test_record_risk_other_authority(other_authority_officer, authority):
    child = ChildFactory(authority=authority)

    with pytest.raises(PermissionDenied):
        _assess(child, other_authority_officer)
