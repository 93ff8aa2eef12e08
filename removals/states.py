"""States of a removal challenge and the transitions allowed between them.

An officer who doubts a removal, or a notice that fails a check, opens a
challenge. The officer writes to the school informally, then formally, then
escalates. A maintained school's governing board is next; for an academy,
the trust and then the Department for Education. A challenge ends with the
pupil reinstated, the removal upheld as lawful, or the challenge withdrawn.
A name deleted on no ground of SI 2024/208 reg 9 is unlawful, which is what
the challenge tests.
"""

from dataclasses import dataclass

from django.db import models

from access.models import User


class State(models.TextChoices):
    OPENED = "opened", "Opened, not yet sent"
    INFORMAL = "informal", "Informal challenge sent"
    FORMAL = "formal", "Formal challenge sent"
    GOVERNING_BOARD = "governing_board", "Escalated to the governing board"
    TRUST = "trust", "Escalated to the trust"
    DFE = "dfe", "Escalated to the Department for Education"
    REINSTATED = "reinstated", "Pupil reinstated"
    UPHELD = "upheld", "Removal upheld as lawful"
    WITHDRAWN = "withdrawn", "Challenge withdrawn"


CLOSED_STATES = frozenset({State.REINSTATED, State.UPHELD, State.WITHDRAWN})
OPEN_STATES = frozenset(State) - CLOSED_STATES

OFFICERS = frozenset(
    {
        User.Role.ADMISSIONS_OFFICER,
        User.Role.INCLUSION_OFFICER,
        User.Role.SERVICE_MANAGER,
    }
)

# Which escalation a school gets, by schools.School.type: academies answer to
# their trust and then the Department for Education, every other school to
# its governing board.
ACADEMY_TYPES = frozenset({"academy"})


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    # The letter sent on entering the target state, or "" for none.
    letter: str = ""
    # "academy" or "maintained" when only that kind of school takes this
    # route; "" for every school.
    school_kind: str = ""


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "send_informal",
            "Send the informal challenge",
            frozenset({State.OPENED}),
            State.INFORMAL,
            letter="informal",
        ),
        Transition(
            "send_formal",
            "Send the formal challenge",
            frozenset({State.OPENED, State.INFORMAL}),
            State.FORMAL,
            letter="formal",
        ),
        Transition(
            "escalate_governing_board",
            "Escalate to the governing board",
            frozenset({State.FORMAL}),
            State.GOVERNING_BOARD,
            letter="governing_board",
            school_kind="maintained",
        ),
        Transition(
            "escalate_trust",
            "Escalate to the trust",
            frozenset({State.FORMAL}),
            State.TRUST,
            letter="trust",
            school_kind="academy",
        ),
        Transition(
            "escalate_dfe",
            "Escalate to the Department for Education",
            frozenset({State.TRUST}),
            State.DFE,
            letter="dfe",
            school_kind="academy",
        ),
        Transition(
            "reinstate",
            "Record that the pupil is reinstated",
            frozenset(OPEN_STATES),
            State.REINSTATED,
        ),
        Transition(
            "uphold",
            "Record the removal as lawful",
            frozenset(OPEN_STATES),
            State.UPHELD,
        ),
        Transition(
            "withdraw",
            "Withdraw the challenge",
            frozenset(OPEN_STATES),
            State.WITHDRAWN,
        ),
    ]
}


def school_kind(school) -> str:
    return "academy" if school.type in ACADEMY_TYPES else "maintained"


def allowed_transitions(state: str, school) -> list[Transition]:
    """Return the transitions open in the state for a challenge to this school."""
    kind = school_kind(school)
    return [
        t
        for t in TRANSITIONS.values()
        if state in t.sources and t.school_kind in ("", kind)
    ]
