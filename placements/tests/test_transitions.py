"""Every transition tried from every state: allowed ones succeed, others are refused."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from casework.timeline import events_for
from casework.transitions import StaleCase, TransitionNotAllowed
from cme.models import CmeCase
from placements import actions
from placements.states import CLOSED_STATES, TRANSITIONS, State

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]


def _call(name: str, placement, actor, school, **extra):
    """Call the action for a transition with valid input for a case in any state.

    `extra` goes to the school's answers only, for example via_link=True.
    """
    calls = {
        "assess": lambda: actions.assess(placement, actor=actor),
        "offer": lambda: actions.offer(
            placement,
            actor=actor,
            school=school,
            offered_on=date(2026, 11, 9),
            agreed_start_on=date(2026, 11, 16),
        ),
        "refuse": lambda: actions.refuse(placement, actor=actor, note="No places."),
        "send_request": lambda: actions.send_request(placement, actor=actor),
        "confirm_on_roll": lambda: actions.confirm_on_roll(
            placement, actor=actor, starting_on=date(2026, 11, 16), **extra
        ),
        "confirm_attendance": lambda: actions.confirm_attendance(
            placement,
            actor=actor,
            confirmed_on=date(2026, 11, 20),
            confirmed_with="school",
            **extra,
        ),
        "check_off": lambda: actions.check_off(placement, actor=actor),
        "withdraw": lambda: actions.withdraw(
            placement, actor=actor, note="Family chose."
        ),
        "move_out": lambda: actions.move_out(placement, actor=actor, note="To Derby."),
        "refer_cme": lambda: actions.refer_to_cme(
            placement, actor=actor, note="Family not contactable."
        ),
        "report_not_arrived": lambda: actions.report_not_arrived(
            placement, actor=actor, note="Did not arrive on the start date.", **extra
        ),
    }
    return calls[name]()


CASES = [(state, name) for state in State for name in TRANSITIONS]


@pytest.mark.parametrize(("state", "name"), CASES)
def test_transition_from_every_state(state, name, placement_in, officer, school):
    placement = placement_in(state)
    transition = TRANSITIONS[name]

    if state not in transition.sources:
        with pytest.raises(TransitionNotAllowed):
            _call(name, placement, officer, school)
        placement.refresh_from_db()
        assert placement.state == state
        assert not events_for(placement).exists()
        return

    _call(name, placement, officer, school)
    placement.refresh_from_db()
    assert placement.state == transition.target
    assert placement.is_open is (transition.target not in CLOSED_STATES)
    event = events_for(placement).get(kind=f"placement.{name}")
    assert event.actor == officer
    assert event.from_state == state
    assert event.to_state == transition.target


def test_every_open_state_has_a_way_out():
    closed_reachable = {
        state: any(state in t.sources for t in TRANSITIONS.values()) for state in State
    }
    for state in State:
        assert closed_reachable[state] is (state not in CLOSED_STATES), state


SCHOOL_ANSWER_CASES = [
    ("confirm_on_roll", State.REQUESTED),
    ("confirm_attendance", State.ON_ROLL),
    ("report_not_arrived", State.REQUESTED),
    ("report_not_arrived", State.ON_ROLL),
]


@pytest.mark.parametrize(("name", "state"), SCHOOL_ANSWER_CASES)
def test_school_user_may_answer_for_own_school(
    name, state, placement_in, school_user, school
):
    placement = placement_in(state)

    _call(name, placement, school_user, school)

    placement.refresh_from_db()
    assert placement.state == TRANSITIONS[name].target


@pytest.mark.parametrize(("name", "state"), SCHOOL_ANSWER_CASES)
def test_other_school_user_refused(
    name, state, placement_in, other_school_user, school
):
    placement = placement_in(state)

    with pytest.raises(TransitionNotAllowed):
        _call(name, placement, other_school_user, school)


@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("offer", State.ASSESSED),
        ("send_request", State.OFFERED),
        ("check_off", State.ATTENDING),
        ("withdraw", State.REQUESTED),
        ("refer_cme", State.ON_ROLL),
    ],
)
def test_school_user_refused_officer_transitions(
    name, state, placement_in, school_user, school
):
    placement = placement_in(state)

    with pytest.raises(TransitionNotAllowed):
        _call(name, placement, school_user, school)


def test_school_user_confirms_attendance_only_as_school(placement_in, school_user):
    placement = placement_in(State.ON_ROLL)

    with pytest.raises(ValidationError, match="from its own register"):
        actions.confirm_attendance(
            placement,
            actor=school_user,
            confirmed_on=date(2026, 11, 20),
            confirmed_with="parent",
        )

    placement.refresh_from_db()
    assert placement.state == State.ON_ROLL


@pytest.mark.parametrize(("name", "state"), SCHOOL_ANSWER_CASES)
def test_link_answer_recorded_as_school(name, state, placement_in, school):
    placement = placement_in(state)

    _call(name, placement, None, school, via_link=True)

    placement.refresh_from_db()
    assert placement.state == TRANSITIONS[name].target
    event = events_for(placement).get(kind=f"placement.{name}")
    assert event.actor is None
    assert event.data["via"] == "signed link"
    assert event.data["school_urn"] == school.urn
    assert event.actor_label == "Oakfield Primary School (emailed link)"
    assert event.note.startswith(
        "Oakfield Primary School answered through the link in the on-roll request "
        "email."
    )


def test_link_answer_keeps_school_note(placement_in, school):
    placement = placement_in(State.REQUESTED)

    actions.report_not_arrived(
        placement, actor=None, note="Family not seen.", via_link=True
    )

    event = events_for(placement).get(kind="placement.report_not_arrived")
    assert event.note.endswith("\n\nFamily not seen.")
    assert CmeCase.objects.get().reason == "Family not seen."


def test_link_answer_needs_note_for_not_arrived(placement_in):
    placement = placement_in(State.REQUESTED)

    with pytest.raises(ValidationError, match="Enter why the child"):
        actions.report_not_arrived(placement, actor=None, note=" ", via_link=True)

    placement.refresh_from_db()
    assert placement.state == State.REQUESTED


@pytest.mark.parametrize(
    "name", ["confirm_on_roll", "confirm_attendance", "report_not_arrived"]
)
def test_no_user_without_link_refused(name, placement_in, school):
    placement = placement_in(
        State.ON_ROLL if name == "confirm_attendance" else State.REQUESTED
    )

    with pytest.raises(TransitionNotAllowed):
        _call(name, placement, None, school)


def test_link_answer_with_user_rejected(placement_in, school_user, school):
    placement = placement_in(State.REQUESTED)

    with pytest.raises(ValueError, match="Pass actor=None"):
        _call("confirm_on_roll", placement, school_user, school, via_link=True)


def test_link_refer_cme_refused(placement_in):
    placement = placement_in(State.REQUESTED)

    with pytest.raises(TransitionNotAllowed):
        actions.refer_to_cme(placement, actor=None, note="Gone.", via_link=True)


def test_other_authority_officer_refused(placement_in, other_authority_officer, school):
    placement = placement_in(State.ASSESSED)

    with pytest.raises(TransitionNotAllowed):
        _call("offer", placement, other_authority_officer, school)


def test_stale_version_refused(placement_in, officer, school):
    placement = placement_in(State.ASSESSED)
    stale_version = placement.version
    actions.withdraw(
        placement, actor=officer, note="Changed mind.", version=stale_version
    )
    placement.refresh_from_db()
    placement.state = State.ASSESSED  # a second tab still showing the old state

    with pytest.raises(StaleCase):
        actions.offer(
            placement,
            actor=officer,
            school=school,
            offered_on=date(2026, 11, 9),
            agreed_start_on=date(2026, 11, 16),
            version=stale_version,
        )


def test_concurrent_save_refused_without_version(placement_in, officer, school):
    placement = placement_in(State.ASSESSED)
    other_copy = type(placement).objects.get(pk=placement.pk)
    actions.withdraw(other_copy, actor=officer, note="Changed mind.")

    with pytest.raises(StaleCase):
        _call("offer", placement, officer, school)
    placement.refresh_from_db()
    assert placement.state == State.WITHDRAWN


def test_referral_opens_one_cme_case_with_history(placement_in, officer):
    placement = placement_in(State.REQUESTED)

    case = actions.refer_to_cme(
        placement, actor=officer, note="Family not contactable."
    )

    assert CmeCase.objects.count() == 1
    assert case.source == CmeCase.Source.PLACE_NOT_TAKEN_UP
    assert case.last_known_school == placement.school
    assert case.history[-1]["kind"] == "placement.refer_cme"
    assert case.history[-1]["note"] == "Family not contactable."
