"""The exception report lists every journey's cases past their time limit."""

from datetime import date

import pytest

from children.tests.factories import ChildFactory
from placements.states import State as PlacementState
from placements.tests.factories import PlacementFactory
from removals.states import State as ChallengeState
from removals.tests.factories import ChallengeFactory, RemovalNoticeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]


@pytest.fixture
def overdue(authority, school, officer):
    placement = PlacementFactory(
        child=ChildFactory(authority=authority, legal_first_name="Ayla"),
        school=school,
        state=PlacementState.REQUESTED,
        due_on=date(2026, 12, 3),
    )
    challenge = ChallengeFactory(
        notice=RemovalNoticeFactory(
            school=school, first_name="Bram", notified_by=officer
        ),
        state=ChallengeState.INFORMAL,
        due_on=date(2026, 12, 3),
    )
    return placement, challenge


def test_overdue_placement_and_challenge_listed(client, officer, overdue):
    placement, challenge = overdue
    client.force_login(officer)

    report = client.get("/exceptions/").content.decode()

    assert "Placements past their deadline" in report
    assert f"/placements/{placement.pk}/" in report
    assert "Removal challenges past their reply deadline" in report
    assert f"/removals/challenges/{challenge.pk}/" in report


def test_cases_due_today_not_listed(client, officer, overdue):
    placement, challenge = overdue
    placement.due_on = challenge.due_on = date(2026, 12, 4)
    placement.save()
    challenge.save()
    client.force_login(officer)

    report = client.get("/exceptions/").content.decode()

    assert f"/placements/{placement.pk}/" not in report
    assert f"/removals/challenges/{challenge.pk}/" not in report


def test_other_authority_sees_neither(client, other_authority_officer, overdue):
    placement, challenge = overdue
    client.force_login(other_authority_officer)

    report = client.get("/exceptions/").content.decode()

    assert f"/placements/{placement.pk}/" not in report
    assert f"/removals/challenges/{challenge.pk}/" not in report
