from datetime import date

import time_machine

from children.tests.factories import ChildFactory, RiskAssessmentFactory
from placements import actions
from placements.states import State


@time_machine.travel("2026-12-04 10:00 +0000")
def test_journey_smoke(officer, school, authority, mailoutbox):
    child = ChildFactory(authority=authority)
    RiskAssessmentFactory(child=child)
    placement = actions.open_application(
        actor=officer, child=child, received_on=date(2026, 12, 1)
    )
    actions.assess(placement, actor=officer)
    actions.offer(
        placement,
        actor=officer,
        school=school,
        offered_on=date(2026, 12, 3),
        agreed_start_on=date(2026, 12, 7),
    )
    actions.send_request(placement, actor=officer)
    assert placement.state == State.REQUESTED
    assert placement.due_on == date(2026, 12, 18)
