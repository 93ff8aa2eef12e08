from datetime import date

import pytest

from casework.timeline import events_for
from children.models import Child
from children.tests.factories import ChildFactory
from cme import actions
from cme.models import CmeCase, MissingPeriod
from correspondence.models import Message
from placements import actions as placement_actions
from placements.states import State
from placements.tests.factories import PlacementFactory
from removals import actions as removal_actions
from removals import sweep as removal_sweep
from removals.tests.conftest import notice_fields

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]


def _referral_post(source: str, **overrides) -> dict:
    data = {
        "source": source,
        "referrer_name": "Sam Referrer",
        "referrer_organisation": "Leicestershire Health Visiting",
        "referred_on_day": "3",
        "referred_on_month": "12",
        "referred_on_year": "2026",
        "legal_first_name": "Mina",
        "legal_last_name": "Lowfield",
        "date_of_birth_day": "14",
        "date_of_birth_month": "3",
        "date_of_birth_year": "2016",
        "sex": "F",
        "upn": "",
        "last_known_address": "12 Canal Street, Hinckley LE10 1AA",
        "last_known_school": "",
        "reason": "Family moved out of their flat; the child is not at any school.",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "source",
    [
        CmeCase.Source.PARTNER_AGENCY,
        CmeCase.Source.PUBLIC,
        CmeCase.Source.OTHER_AUTHORITY,
    ],
)
def test_officer_referral_opens_one_case(client, inclusion_officer, source):
    client.force_login(inclusion_officer)

    response = client.post("/cme/refer/", _referral_post(source))

    case = CmeCase.objects.get()
    assert response.status_code == 302
    assert response.url == f"/cme/{case.pk}/"
    assert case.source == source
    assert case.referrer_name == "Sam Referrer"
    assert case.referred_on == date(2026, 12, 3)
    assert case.last_known_address == "12 Canal Street, Hinckley LE10 1AA"
    assert case.referred_by == inclusion_officer
    assert MissingPeriod.objects.get(case=case).started_on == date(2026, 12, 3)


def test_place_not_taken_up_opens_one_case(authority, school, officer):
    placement = PlacementFactory(
        child=ChildFactory(authority=authority, upn=""),
        authority=authority,
        state=State.REQUESTED,
        school=school,
        offered_on=date(2026, 11, 9),
        agreed_start_on=date(2026, 11, 16),
        request_sent_on=date(2026, 11, 10),
    )

    placement_actions.refer_to_cme(placement, actor=officer, note="Never arrived.")

    case = CmeCase.objects.get()
    assert case.source == CmeCase.Source.PLACE_NOT_TAKEN_UP
    assert case.waiting_for_place is True
    assert case.primary_reason == CmeCase.Reason.AWAITING_PLACE
    assert case.last_known_school == placement.school


def test_unknown_destination_keyword_call(authority, school):
    child = ChildFactory(authority=authority, upn="")
    removal = ChildFactory(authority=authority, upn="")  # used as the source case

    first = actions.refer(
        child=child,
        authority=authority,
        source=CmeCase.Source.UNKNOWN_DESTINATION,
        reason="Deleted under ground I; destination unknown.",
        last_known_school=school,
        source_case=removal,
    )
    second = actions.refer(
        child=child,
        authority=authority,
        source=CmeCase.Source.UNKNOWN_DESTINATION,
        reason="Deleted under ground I; destination unknown.",
        last_known_school=school,
        source_case=removal,
    )

    assert first == second
    assert CmeCase.objects.count() == 1
    assert first.primary_reason == CmeCase.Reason.REMOVED_FROM_ROLL
    assert first.due_on is not None


def _absence_post(**overrides) -> dict:
    data = {
        "legal_first_name": "Theo",
        "legal_last_name": "Marsh",
        "date_of_birth_day": "2",
        "date_of_birth_month": "5",
        "date_of_birth_year": "2014",
        "sex": "M",
        "upn": "A123456789012",
        "first_day_absent_day": "16",
        "first_day_absent_month": "11",
        "first_day_absent_year": "2026",
        "school_days_absent": "12",
        "last_known_address": "3 Orchard Way, Coalville LE67 3AA",
        "note": "Phoned both contacts; no answer.",
    }
    data.update(overrides)
    return data


def test_absence_return_opens_one_case(client, school_user, school):
    client.force_login(school_user)

    response = client.post("/school/cme/absence-return/", _absence_post())
    again = client.post("/school/cme/absence-return/", _absence_post())

    case = CmeCase.objects.get()
    assert response.status_code == 302
    assert again.status_code == 302
    assert case.source == CmeCase.Source.ABSENCE_RETURN
    assert case.last_known_school == school
    assert case.child.upn == "A123456789012"
    kinds = list(actions.events_for(case).values_list("kind", flat=True).order_by("pk"))
    assert kinds == ["cme.referred", "cme.reported_again"]


def test_absence_return_rejects_anothers_upn(client, school_user):
    client.force_login(school_user)
    client.post("/school/cme/absence-return/", _absence_post())

    # Another pupil reported with Theo's UPN by mistake.
    response = client.post(
        "/school/cme/absence-return/",
        _absence_post(
            legal_first_name="Abe", legal_last_name="Sentee", date_of_birth_day="20"
        ),
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "belongs to a child with a different date of birth or name" in content
    assert "Theo" not in content.split("govuk-error-summary")[1][:600]
    case = CmeCase.objects.get()
    kinds = list(actions.events_for(case).values_list("kind", flat=True))
    assert kinds == ["cme.referred"]


def test_absence_return_under_ten_days(client, school_user):
    client.force_login(school_user)

    response = client.post(
        "/school/cme/absence-return/", _absence_post(school_days_absent="6")
    )

    assert response.status_code == 200
    assert "6 school days is fewer than 10" in response.content.decode()
    assert 'value="Theo"' in response.content.decode()
    assert CmeCase.objects.count() == 0


@pytest.mark.parametrize(
    "match",
    [
        {"upn": "A123456789012"},
        {"legal_first_name": "MINA", "legal_last_name": "lowfield"},
    ],
    ids=["same UPN", "same name and date of birth"],
)
def test_duplicate_shown_before_new_case(client, inclusion_officer, open_case, match):
    existing = open_case(
        legal_first_name="Mina",
        legal_last_name="Lowfield",
        date_of_birth=date(2016, 3, 14),
        upn="A123456789012",
    )
    client.force_login(inclusion_officer)
    post = _referral_post(CmeCase.Source.PUBLIC, **match)
    if "upn" not in match:
        post["legal_first_name"] = match["legal_first_name"]

    shown = client.post("/cme/refer/", post)

    assert shown.status_code == 200
    assert f"/cme/{existing.pk}/" in shown.content.decode()
    assert 'name="confirm_new" value="True"' in shown.content.decode()
    assert CmeCase.objects.count() == 1

    confirmed = client.post("/cme/refer/", {**post, "confirm_new": "True"})

    if "upn" in match:
        # A UPN names one child, so "a different child" with it is refused.
        assert confirmed.status_code == 200
        assert "A different child has a different UPN" in confirmed.content.decode()
        assert CmeCase.objects.count() == 1
    else:
        # A different child of the same name and birth date gets its own record.
        assert confirmed.status_code == 302
        assert CmeCase.objects.count() == 2
        assert Child.objects.filter(legal_last_name__iexact="Lowfield").count() == 2


def test_referral_added_to_duplicate_case(client, inclusion_officer, open_case):
    existing = open_case(
        legal_first_name="Mina",
        legal_last_name="Lowfield",
        date_of_birth=date(2016, 3, 14),
    )
    client.force_login(inclusion_officer)
    post = _referral_post(CmeCase.Source.PARTNER_AGENCY, confirm_new="True")

    response = client.post("/cme/refer/", {**post, "add_to_case": existing.pk})

    assert response.status_code == 302
    assert response.url == f"/cme/{existing.pk}/"
    assert CmeCase.objects.count() == 1
    [event] = [e for e in events_for(existing) if e.kind == "cme.referred_again"]
    assert event.actor == inclusion_officer
    assert "Family moved out of their flat" in event.note
    assert "Sam Referrer, Leicestershire Health Visiting" in event.note


def test_referral_added_only_to_a_shown_case(client, inclusion_officer, open_case):
    open_case(
        legal_first_name="Mina",
        legal_last_name="Lowfield",
        date_of_birth=date(2016, 3, 14),
    )
    other = open_case(legal_first_name="Other", legal_last_name="Child")
    client.force_login(inclusion_officer)
    post = _referral_post(CmeCase.Source.PUBLIC)

    response = client.post("/cme/refer/", {**post, "add_to_case": other.pk})

    # The case asked for is not a possible duplicate, so the page shows the
    # duplicates again and nothing is added.
    assert response.status_code == 200
    assert not [e for e in events_for(other) if e.kind == "cme.referred_again"]


def test_add_with_changed_details_opens_nothing(client, inclusion_officer, open_case):
    existing = open_case(
        legal_first_name="Mina",
        legal_last_name="Lowfield",
        date_of_birth=date(2016, 3, 14),
    )
    client.force_login(inclusion_officer)
    # The officer changed the first name after the duplicates were shown.
    post = _referral_post(CmeCase.Source.PUBLIC, legal_first_name="Minnie")

    response = client.post("/cme/refer/", {**post, "add_to_case": existing.pk})

    assert response.status_code == 200
    assert "does not match these details any more" in response.content.decode()
    assert CmeCase.objects.count() == 1


def test_added_referral_is_acknowledged(client, inclusion_officer, open_case):
    existing = open_case(
        legal_first_name="Mina",
        legal_last_name="Lowfield",
        date_of_birth=date(2016, 3, 14),
    )
    client.force_login(inclusion_officer)
    post = _referral_post(CmeCase.Source.PUBLIC, referrer_email="neighbour@example.org")

    client.post("/cme/refer/", {**post, "add_to_case": existing.pk})

    [message] = Message.objects.filter(to="neighbour@example.org")
    assert f"Reference: missing education case {existing.pk}" in message.text
    assert "Sam Referrer" in message.text
    [event] = [e for e in events_for(existing) if e.kind == "cme.referred_again"]
    assert event.data["referrer_email"] == "neighbour@example.org"


def test_closed_case_is_not_a_duplicate(inclusion_officer, open_case, authority):
    case = open_case(upn="A123456789012")
    CmeCase.objects.filter(pk=case.pk).update(
        is_open=False, state="closed", outcome="died", outcome_on=date(2026, 12, 1)
    )

    matches = actions.possible_duplicates(
        authority_id=authority.pk, upn="A123456789012"
    )

    assert list(matches) == []


# Automatic referrals for a child who already has a case -----------------------

UPN = "B801200005001"


def _place_not_taken_up(child, people):
    placement = PlacementFactory(
        child=child,
        authority=child.authority,
        state=State.REQUESTED,
        school=people["school"],
        offered_on=date(2026, 11, 9),
        agreed_start_on=date(2026, 11, 16),
        request_sent_on=date(2026, 11, 10),
    )
    placement_actions.refer_to_cme(
        placement, actor=people["officer"], note="Never arrived at Oakfield."
    )
    return placement


def _removed_to_unknown(child, people):
    notice, _ = removal_actions.notify(
        actor=people["school_user"],
        **notice_fields("F", upn=child.upn, destination="unknown"),
    )
    return notice


def _arrival_not_confirmed(child, people):
    notice, _ = removal_actions.notify(
        actor=people["school_user"],
        **notice_fields(
            "A",
            upn=child.upn,
            destination="school",
            destination_school=people["other_school"],
            new_start_on=date(2026, 12, 7),
        ),
    )
    assert removal_sweep.sweep(notice.arrival_due_at) == {"referred": 1}
    return notice


def _absence_return(child, people):
    actions.record_absence_return(
        actor=people["school_user"],
        legal_first_name=child.legal_first_name,
        legal_last_name=child.legal_last_name,
        date_of_birth=child.date_of_birth,
        sex=child.sex,
        upn=child.upn,
        first_day_absent=date(2026, 11, 16),
        school_days_absent=12,
        last_known_address="3 Orchard Way, Coalville LE67 3AA",
    )
    return None


# Each automatic source: how it refers the child, its source, the timeline
# event it adds to an open case, and the words that event's note starts with.
AUTOMATIC_REFERRALS = {
    "place_not_taken_up": (
        _place_not_taken_up,
        CmeCase.Source.PLACE_NOT_TAKEN_UP,
        "cme.referred_again",
        "Place not taken up: Never arrived at Oakfield.",
    ),
    "removed_to_unknown": (
        _removed_to_unknown,
        CmeCase.Source.UNKNOWN_DESTINATION,
        "cme.referred_again",
        "Removed from roll, destination unknown: Oakfield Primary School deleted",
    ),
    "arrival_not_confirmed": (
        _arrival_not_confirmed,
        CmeCase.Source.UNKNOWN_DESTINATION,
        "cme.referred_again",
        "Removed from roll, destination unknown: Oakfield Primary School removed",
    ),
    "absence_return": (
        _absence_return,
        CmeCase.Source.ABSENCE_RETURN,
        "cme.reported_again",
        "Oakfield Primary School reports 12 school days",
    ),
}


@pytest.fixture
def people(school, other_school, officer, school_user):
    return {
        "school": school,
        "other_school": other_school,
        "officer": officer,
        "school_user": school_user,
    }


@pytest.mark.parametrize("name", AUTOMATIC_REFERRALS)
def test_automatic_referral_joins_open_case(name, open_case, people):
    refer_child, _, kind, note_start = AUTOMATIC_REFERRALS[name]
    case = open_case(upn=UPN)

    source_case = refer_child(case.child, people)

    assert CmeCase.objects.filter(child=case.child).count() == 1
    event = actions.events_for(case).get(kind=kind)
    assert event.note.startswith(note_start)
    if source_case is not None:
        assert event.data["source_case_type"] == source_case._meta.label_lower
        assert event.data["source_case_id"] == source_case.pk


@pytest.mark.parametrize("name", AUTOMATIC_REFERRALS)
def test_automatic_referral_after_closed_case(name, open_case, people, officer):
    refer_child, source, _, _ = AUTOMATIC_REFERRALS[name]
    closed = open_case(upn=UPN)
    actions.record_outcome(
        closed,
        actor=officer,
        outcome=CmeCase.Outcome.HOME_EDUCATION,
        outcome_on=date(2026, 11, 5),
        outcome_evidence="Home education confirmed by the EHE team.",
    )

    refer_child(closed.child, people)

    new = CmeCase.objects.get(child=closed.child, is_open=True)
    assert new.pk != closed.pk
    assert new.source == source
    assert CmeCase.objects.filter(child=closed.child).count() == 2


def test_automatic_referral_other_authority_case(
    open_case, people, other_authority, other_inclusion_officer
):
    case = open_case(upn=UPN)
    elsewhere = actions.refer(
        child=case.child,
        authority=other_authority,
        source=CmeCase.Source.PARTNER_AGENCY,
        reason="Reported by Leicester's health visitors.",
        referred_by=other_inclusion_officer,
    )
    CmeCase.objects.filter(pk=case.pk).update(is_open=False, outcome="abroad")

    _removed_to_unknown(case.child, people)

    assert CmeCase.objects.filter(child=case.child).count() == 3
    assert not actions.events_for(elsewhere).filter(kind="cme.referred_again")


def test_source_case_added_once(open_case, authority, school):
    case = open_case(upn=UPN)
    # Any model row works as the source case, so a child is used for a notice.
    removal = ChildFactory(authority=authority, upn="")

    for _ in range(2):
        returned = actions.refer(
            child=case.child,
            authority=authority,
            source=CmeCase.Source.UNKNOWN_DESTINATION,
            reason="Deleted under ground I; destination unknown.",
            last_known_school=school,
            source_case=removal,
        )
        assert returned == case

    assert actions.events_for(case).filter(kind="cme.referred_again").count() == 1
    assert CmeCase.objects.count() == 1


def test_officer_referral_still_opens_case(open_case, inclusion_officer, authority):
    case = open_case(upn=UPN)

    second = actions.refer(
        child=case.child,
        authority=authority,
        source=CmeCase.Source.PARTNER_AGENCY,
        reason="Health visitor reports the child is not at school.",
        referred_by=inclusion_officer,
    )

    assert second != case
    assert CmeCase.objects.filter(child=case.child, is_open=True).count() == 2
