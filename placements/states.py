"""States of placement tracking and the transitions allowed between them.

The journey follows an in-year application for a vulnerable child from
receipt to a confirmed, attending place, as the local authority's action plan
requires: every state change is one of these transitions, only from the
listed states and only by the listed roles.
"""

from dataclasses import dataclass

from django.db import models

from access.models import User


class State(models.TextChoices):
    RECEIVED = "received", "Application received"
    ASSESSED = "assessed", "Vulnerability assessed"
    OFFERED = "offered", "Place offered"
    REQUESTED = "requested", "On-roll request sent"
    ON_ROLL = "on_roll", "On roll"
    ATTENDING = "attending", "Attending"
    CHECKED_OFF = "checked_off", "Checked off"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    MOVED_OUT = "moved_out", "Moved out of area"
    REFERRED_CME = "referred_cme", "Referred as missing education"


CLOSED_STATES = frozenset(
    {
        State.CHECKED_OFF,
        State.REFUSED,
        State.WITHDRAWN,
        State.MOVED_OUT,
        State.REFERRED_CME,
    }
)
OPEN_STATES = frozenset(State) - CLOSED_STATES

_OFFICERS = frozenset({User.Role.ADMISSIONS_OFFICER, User.Role.SERVICE_MANAGER})
_OFFICERS_AND_SCHOOL = _OFFICERS | {User.Role.SCHOOL_USER}
# The deadline sweep acts with no user; only these transitions are open to it.
SYSTEM = "system"
# A school answering through the signed link in an on-roll request email acts
# with no user account (placements.links); only the school's answers are open
# to it.
SCHOOL_LINK = "school_link"
_SCHOOL_ANSWER_ROLES = _OFFICERS_AND_SCHOOL | {SCHOOL_LINK}
# Who may record a school's reply received by phone or email
# (placements.actions.record_reply), which changes no state.
REPLY_RECORDERS = _OFFICERS


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]


_BEFORE_START = frozenset({State.OFFERED, State.REQUESTED, State.ON_ROLL})

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "assess",
            "Record vulnerability assessment",
            frozenset({State.RECEIVED}),
            State.ASSESSED,
            _OFFICERS,
        ),
        Transition(
            "offer",
            "Offer a place",
            frozenset({State.ASSESSED}),
            State.OFFERED,
            _OFFICERS,
        ),
        Transition(
            "refuse",
            "Refuse the application",
            frozenset({State.RECEIVED, State.ASSESSED}),
            State.REFUSED,
            _OFFICERS,
        ),
        Transition(
            "send_request",
            "Send on-roll request to the school",
            frozenset({State.OFFERED}),
            State.REQUESTED,
            _OFFICERS,
        ),
        Transition(
            "confirm_on_roll",
            "Record that the school has put the child on roll",
            frozenset({State.REQUESTED}),
            State.ON_ROLL,
            _SCHOOL_ANSWER_ROLES,
        ),
        Transition(
            "confirm_attendance",
            "Confirm the child is attending",
            frozenset({State.ON_ROLL}),
            State.ATTENDING,
            # The school keeps the attendance register and sees the child
            # arrive, so it may confirm attendance itself instead of waiting
            # for an officer to ring it.
            _SCHOOL_ANSWER_ROLES,
        ),
        Transition(
            "check_off",
            "Check the child off",
            frozenset({State.ATTENDING}),
            State.CHECKED_OFF,
            _OFFICERS,
        ),
        Transition(
            "withdraw",
            "Withdraw the application",
            frozenset({State.RECEIVED, State.ASSESSED, State.OFFERED, State.REQUESTED}),
            State.WITHDRAWN,
            _OFFICERS,
        ),
        Transition(
            "move_out",
            "Record a move out of the area",
            frozenset(OPEN_STATES - {State.ATTENDING}),
            State.MOVED_OUT,
            _OFFICERS,
        ),
        Transition(
            "refer_cme",
            "Refer to the Inclusion Service as missing education",
            _BEFORE_START,
            State.REFERRED_CME,
            _OFFICERS | {SYSTEM},
        ),
        Transition(
            "report_not_arrived",
            "Report that the child has not arrived",
            frozenset({State.REQUESTED, State.ON_ROLL}),
            State.REFERRED_CME,
            _SCHOOL_ANSWER_ROLES,
        ),
    ]
}


def allowed_transitions(state: str, role: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources and role in t.roles]
