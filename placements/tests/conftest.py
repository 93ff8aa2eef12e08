from datetime import date

import pytest

from children.tests.factories import ChildFactory, RiskAssessmentFactory
from placements.states import State
from placements.tests.factories import PlacementFactory

# Dates a case in each state would carry, counted from an application
# received on Monday 2 November 2026.
_DATES_REACHED = [
    (
        State.OFFERED,
        {"offered_on": date(2026, 11, 9), "agreed_start_on": date(2026, 11, 16)},
    ),
    (State.REQUESTED, {"request_sent_on": date(2026, 11, 10)}),
    (State.ON_ROLL, {"starting_on": date(2026, 11, 16)}),
    (
        State.ATTENDING,
        {
            "attendance_confirmed_on": date(2026, 11, 20),
            "attendance_confirmed_with": "parent",
        },
    ),
    (State.CHECKED_OFF, {"checked_off_on": date(2026, 11, 23)}),
]
_ORDER = [
    State.RECEIVED,
    State.ASSESSED,
    State.OFFERED,
    State.REQUESTED,
    State.ON_ROLL,
    State.ATTENDING,
    State.CHECKED_OFF,
]


@pytest.fixture
def placement_in(authority, school):
    """Build a placement in the given state with the dates that state implies."""

    def build(state: str, **overrides):
        child = ChildFactory(authority=authority)
        RiskAssessmentFactory(child=child)
        fields = {"child": child, "authority": authority, "state": state}
        reached = (
            _ORDER.index(state) if state in _ORDER else _ORDER.index(State.REQUESTED)
        )
        for step_state, dates in _DATES_REACHED:
            if _ORDER.index(step_state) <= reached:
                fields.update(dates)
        if "offered_on" in fields:
            fields["school"] = school
        fields.update(overrides)
        return PlacementFactory(**fields)

    return build
