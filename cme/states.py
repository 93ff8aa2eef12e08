"""States of a CME case and the transitions allowed between them.

A case closes only with a recorded outcome and its evidence (cme.outcomes).
"Not found after all enquiries" does not close it: the case stays open in
the not-found state and keeps being reviewed, because the duty in Education
Act 1996 s436A lasts until the child is found in education.
"""

from dataclasses import dataclass

from django.db import models

from access.models import User


class State(models.TextChoices):
    OPEN = "open", "Enquiries in progress"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Outcome awaiting sign-off"
    AWAITING_SCHOOL = "awaiting_school", "Waiting for the school to confirm"
    NOT_FOUND = "not_found", "Not found, still reviewed"
    CLOSED = "closed", "Closed"


OPEN_STATES = frozenset(State) - {State.CLOSED}
# States in which the Inclusion Service is still looking for the child.
SEARCHING = frozenset({State.OPEN, State.NOT_FOUND})

_CASEWORKERS = frozenset(
    {
        User.Role.INCLUSION_OFFICER,
        User.Role.ADMISSIONS_OFFICER,
        User.Role.SERVICE_MANAGER,
    }
)
MANAGERS = frozenset({User.Role.SERVICE_MANAGER})
# The deadline sweep acts with no user.
SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    # None when the action decides the target from its input, as
    # record_outcome and sign_off do.
    target: str | None
    roles: frozenset[str]


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "record_enquiry", "Record an enquiry", SEARCHING, None, _CASEWORKERS
        ),
        Transition(
            "record_safeguarding",
            "Record a safeguarding referral",
            OPEN_STATES,
            None,
            _CASEWORKERS,
        ),
        Transition(
            "record_safeguarding_outcome",
            "Record the safeguarding referral's outcome",
            OPEN_STATES,
            None,
            _CASEWORKERS,
        ),
        Transition("review", "Review the case", SEARCHING, None, _CASEWORKERS),
        Transition(
            "set_reason",
            "Set the primary reason and waiting status",
            SEARCHING,
            None,
            _CASEWORKERS,
        ),
        Transition(
            "record_provision",
            "Record interim (section 19) provision",
            SEARCHING,
            None,
            _CASEWORKERS,
        ),
        Transition(
            "end_provision",
            "End interim (section 19) provision",
            OPEN_STATES,
            None,
            _CASEWORKERS,
        ),
        Transition(
            "record_outcome", "Record the outcome", SEARCHING, None, _CASEWORKERS
        ),
        Transition(
            "sign_off",
            "Sign off the outcome",
            frozenset({State.AWAITING_SIGN_OFF}),
            None,
            MANAGERS,
        ),
        Transition(
            "return_outcome",
            "Return the outcome to the officer",
            frozenset({State.AWAITING_SIGN_OFF, State.AWAITING_SCHOOL}),
            State.OPEN,
            _CASEWORKERS,
        ),
        Transition(
            "confirm_on_roll",
            "Confirm the child is on roll",
            frozenset({State.AWAITING_SCHOOL}),
            State.CLOSED,
            frozenset({User.Role.SCHOOL_USER}),
        ),
        Transition(
            "reopen",
            "Reopen: the child is missing again",
            frozenset({State.CLOSED}),
            State.OPEN,
            _CASEWORKERS,
        ),
        Transition(
            "request_transfer",
            "Transfer to another authority",
            SEARCHING,
            None,
            _CASEWORKERS,
        ),
        Transition(
            "accept_transfer", "Accept the transfer", SEARCHING, None, _CASEWORKERS
        ),
        Transition(
            "reject_transfer", "Reject the transfer", SEARCHING, None, _CASEWORKERS
        ),
        Transition(
            "revoke_transfer", "Revoke the transfer", SEARCHING, None, _CASEWORKERS
        ),
        Transition(
            "send_referral_pack",
            "Record a referral pack sent outside Onroll",
            SEARCHING,
            None,
            _CASEWORKERS,
        ),
        Transition(
            "flag_review_overdue",
            "Flag the review as overdue",
            SEARCHING,
            None,
            frozenset({SYSTEM}),
        ),
    ]
}


def allowed_transitions(state: str, role: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources and role in t.roles]
