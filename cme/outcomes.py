"""The outcomes that end a CME search, and the evidence each one needs.

A case closes only with an outcome and its evidence: the guidance asks that
a child stays on the CME list until enquiries are complete or the child is
found in suitable education (Children missing education statutory guidance,
September 2025). Each outcome names the evidence fields of
cme.actions.record_outcome it requires, whether a manager must sign it off,
and what happens to the case once recorded.
"""

from dataclasses import dataclass

from cme.models import CmeCase
from cme.states import State

Outcome = CmeCase.Outcome

# Field names are the keyword arguments of cme.actions.record_outcome.
EVIDENCE_LABELS = {
    "outcome_school": "the school",
    "outcome_on": "the date",
    "outcome_destination": "where the child went",
    "outcome_evidence": "the evidence",
}


@dataclass(frozen=True)
class OutcomeRule:
    required: tuple[str, ...]
    needs_sign_off: bool = False
    # The state once recorded (and signed off, where sign-off is needed).
    settles_in: str = State.CLOSED


RULES: dict[str, OutcomeRule] = {
    # The school confirms on its own pages before the case closes.
    Outcome.ON_ROLL: OutcomeRule(
        ("outcome_school", "outcome_on"), settles_in=State.AWAITING_SCHOOL
    ),
    Outcome.HOME_EDUCATION: OutcomeRule(("outcome_on", "outcome_evidence")),
    Outcome.OTHER_AUTHORITY: OutcomeRule(
        ("outcome_destination", "outcome_on", "outcome_evidence")
    ),
    Outcome.ABROAD: OutcomeRule(
        ("outcome_destination", "outcome_on", "outcome_evidence"),
        needs_sign_off=True,
    ),
    # Stays open and reviewed: the search goes on at each review.
    Outcome.NOT_FOUND: OutcomeRule(
        ("outcome_evidence",), needs_sign_off=True, settles_in=State.NOT_FOUND
    ),
    Outcome.OVER_CSA: OutcomeRule(("outcome_on",)),
    Outcome.DIED: OutcomeRule(("outcome_on", "outcome_evidence")),
}


def missing_evidence(outcome: str, given: dict) -> list[str]:
    """Return the evidence fields the outcome requires that `given` leaves empty."""
    return [name for name in RULES[outcome].required if not given.get(name)]
