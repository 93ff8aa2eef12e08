from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from access.models import User
from casework.transitions import TransitionNotAllowed
from cme import actions, outcomes
from cme.enquiries import checklist
from cme.models import CmeCase, Enquiry, EnquiryKind
from cme.states import State

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]

Outcome = CmeCase.Outcome

EVIDENCE = {
    "outcome_on": date(2026, 12, 1),
    "outcome_destination": "Lisbon, Portugal",
    "outcome_evidence": "Written confirmation from the parent, seen 1 December.",
}

SETTLES = {
    Outcome.ON_ROLL: (State.AWAITING_SCHOOL, True),
    Outcome.HOME_EDUCATION: (State.CLOSED, False),
    Outcome.OTHER_AUTHORITY: (State.CLOSED, False),
    Outcome.ABROAD: (State.AWAITING_SIGN_OFF, True),
    Outcome.NOT_FOUND: (State.AWAITING_SIGN_OFF, True),
    Outcome.OVER_CSA: (State.CLOSED, False),
    Outcome.DIED: (State.CLOSED, False),
}


def _all_enquiries(case, officer):
    for kind in checklist(case.authority_id):
        Enquiry.objects.create(
            case=case,
            kind=kind,
            made_on=date(2026, 11, 20),
            made_by=officer,
            result=Enquiry.Result.NO_TRACE,
        )


def _case_for(outcome, open_case, officer):
    # A child who turned 16 in March 2026 left compulsory school age on
    # Friday 26 June 2026, so "over compulsory school age" fits them.
    born = date(2010, 3, 14) if outcome == Outcome.OVER_CSA else date(2015, 3, 14)
    case = open_case(date_of_birth=born)
    if outcome == Outcome.NOT_FOUND:
        _all_enquiries(case, officer)
    return case


@pytest.mark.parametrize("outcome", list(Outcome))
def test_outcome_refused_without_its_evidence(outcome, open_case, inclusion_officer):
    case = _case_for(outcome, open_case, inclusion_officer)

    with pytest.raises(ValidationError) as error:
        actions.record_outcome(case, actor=inclusion_officer, outcome=outcome)

    case.refresh_from_db()
    assert set(error.value.message_dict) == set(outcomes.RULES[outcome].required)
    assert case.state == State.OPEN
    assert case.is_open


@pytest.mark.parametrize("outcome", list(Outcome))
def test_outcome_with_evidence_settles(outcome, open_case, inclusion_officer, school):
    case = _case_for(outcome, open_case, inclusion_officer)

    actions.record_outcome(
        case,
        actor=inclusion_officer,
        outcome=outcome,
        outcome_school=school,
        **EVIDENCE,
    )

    case.refresh_from_db()
    state, stays_open = SETTLES[outcome]
    assert case.state == state
    assert case.is_open is stays_open
    assert case.outcome == outcome


def test_closing_refused_without_outcome(open_case, inclusion_officer):
    case = open_case()

    with pytest.raises(ValidationError):
        actions.record_outcome(case, actor=inclusion_officer, outcome="")
    with pytest.raises(IntegrityError), transaction.atomic():
        CmeCase.objects.filter(pk=case.pk).update(is_open=False, state="closed")

    case.refresh_from_db()
    assert case.is_open


def test_not_found_needs_every_enquiry(open_case, inclusion_officer):
    case = open_case()

    with pytest.raises(ValidationError) as error:
        actions.record_outcome(
            case,
            actor=inclusion_officer,
            outcome=Outcome.NOT_FOUND,
            outcome_evidence="Nobody knows where the family went.",
        )

    assert "Home visit" in error.value.message_dict["outcome"][0]


def _required_enquiries_but_abroad(case, officer):
    for kind in checklist(case.authority_id).exclude(code="abroad_confirmation"):
        Enquiry.objects.create(
            case=case,
            kind=kind,
            made_on=date(2026, 11, 20),
            made_by=officer,
            result=Enquiry.Result.NO_TRACE,
        )


def test_not_found_without_abroad_confirmation(open_case, inclusion_officer):
    case = open_case()
    _required_enquiries_but_abroad(case, inclusion_officer)

    actions.record_outcome(
        case,
        actor=inclusion_officer,
        outcome=Outcome.NOT_FOUND,
        outcome_evidence="No reason to think the family went abroad.",
    )

    case.refresh_from_db()
    assert case.outcome == Outcome.NOT_FOUND
    assert case.state == State.AWAITING_SIGN_OFF


def test_not_found_needs_enquiry_made_required(open_case, inclusion_officer, authority):
    EnquiryKind.objects.filter(authority=authority, code="abroad_confirmation").update(
        required_before_not_found=True
    )
    case = open_case()
    _required_enquiries_but_abroad(case, inclusion_officer)

    with pytest.raises(ValidationError) as error:
        actions.record_outcome(
            case,
            actor=inclusion_officer,
            outcome=Outcome.NOT_FOUND,
            outcome_evidence="The family may have gone to Portugal.",
        )

    case.refresh_from_db()
    message = error.value.message_dict["outcome"][0]
    assert message.endswith("Still to record: Confirmation of a move abroad.")
    assert case.state == State.OPEN


def test_over_csa_refused_for_child_still_of_age(open_case, inclusion_officer):
    case = open_case(date_of_birth=date(2015, 3, 14))

    with pytest.raises(ValidationError) as error:
        actions.record_outcome(
            case,
            actor=inclusion_officer,
            outcome=Outcome.OVER_CSA,
            outcome_on=date(2026, 12, 1),
        )

    assert "compulsory school age until" in error.value.message_dict["outcome_on"][0]


@pytest.mark.parametrize("outcome", [Outcome.ABROAD, Outcome.NOT_FOUND])
def test_manager_signs_off(outcome, open_case, inclusion_officer, manager):
    case = _case_for(outcome, open_case, inclusion_officer)
    actions.record_outcome(case, actor=inclusion_officer, outcome=outcome, **EVIDENCE)

    with pytest.raises(TransitionNotAllowed):
        actions.sign_off(case, actor=inclusion_officer)
    actions.sign_off(case, actor=manager, note="Enquiries are complete.")

    case.refresh_from_db()
    assert case.signed_off_by == manager
    if outcome == Outcome.ABROAD:
        assert case.state == State.CLOSED
        assert not case.is_open
    else:
        # Not found stays open and keeps being reviewed.
        assert case.state == State.NOT_FOUND
        assert case.is_open
        assert case.due_on is not None


def test_manager_cannot_sign_off_own_outcome(open_case, manager, authority):
    case = open_case()

    actions.record_outcome(case, actor=manager, outcome=Outcome.ABROAD, **EVIDENCE)

    with pytest.raises(TransitionNotAllowed):
        actions.sign_off(case, actor=manager)


def test_school_confirms_on_roll(
    client, open_case, inclusion_officer, school, school_user, other_school_user
):
    case = open_case()
    actions.record_outcome(
        case,
        actor=inclusion_officer,
        outcome=Outcome.ON_ROLL,
        outcome_school=school,
        outcome_on=date(2026, 11, 30),
    )
    client.force_login(other_school_user)
    refused = client.get(f"/school/cme/{case.pk}/confirm/")
    client.force_login(school_user)

    response = client.post(
        f"/school/cme/{case.pk}/confirm/", {"version": case.version, "note": ""}
    )

    case.refresh_from_db()
    assert refused.status_code == 404
    assert response.status_code == 302
    assert case.state == State.CLOSED
    # On roll from 30 November, so the last day missing is 29 November.
    assert case.missing_periods.get().ended_on == date(2026, 11, 29)


def test_admissions_officer_sees_only_allowed_actions(client, open_case, officer):
    case = open_case()
    client.force_login(officer)

    page = client.get(f"/cme/{case.pk}/").content.decode()
    sign_off = client.get(f"/cme/{case.pk}/sign_off/")

    assert f"/cme/{case.pk}/record_enquiry/" in page
    assert f"/cme/{case.pk}/sign_off/" not in page
    assert sign_off.status_code == 403
    assert officer.role == User.Role.ADMISSIONS_OFFICER


def test_outcome_form_keeps_input(client, open_case, inclusion_officer):
    case = open_case()
    client.force_login(inclusion_officer)

    response = client.post(
        f"/cme/{case.pk}/record_outcome/",
        {
            "version": case.version,
            "outcome": Outcome.ABROAD,
            "outcome_destination": "Warsaw, Poland",
        },
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter the date" in body
    assert 'value="Warsaw, Poland"' in body


def test_outcome_form_names_needing_outcomes(client, open_case, inclusion_officer):
    case = open_case()
    client.force_login(inclusion_officer)

    page = client.get(f"/cme/{case.pk}/record_outcome/").content.decode()

    assert "(optional)" not in page
    assert "Needed for: On roll at a named school." in page
    evidence_hint = page[page.index('id="id_outcome_evidence_helptext"') :]
    assert "Moved abroad" in evidence_hint[: evidence_hint.index("</div>")]
