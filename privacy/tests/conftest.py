"""A child with a full history, and the people who may export it."""

from datetime import date

import pytest

from access.models import User
from access.tests.factories import UserFactory
from casework.timeline import record_event
from children import actions as child_actions
from children.actions import RISK_QUESTIONS
from children.models import Address, Contact
from children.tests.factories import ChildFactory, VulnerabilityFactory
from placements import actions


@pytest.fixture
def service_manager(authority):
    return UserFactory(
        username="manager",
        first_name="Morgan",
        last_name="Manager",
        authority=authority,
        role=User.Role.SERVICE_MANAGER,
    )


@pytest.fixture
def administrator(authority):
    return UserFactory(
        username="admin", authority=authority, role=User.Role.ADMINISTRATOR
    )


@pytest.fixture
def other_authority_manager(other_authority):
    return UserFactory(
        username="manager-856",
        authority=other_authority,
        role=User.Role.SERVICE_MANAGER,
    )


@pytest.fixture
def child_with_history(friday_4_december, smtp_server, authority, school, officer):
    """Build a child with every kind of record, through the real actions.

    The placement is offered, requested, chased once and referred as missing
    education, which opens a CME case.
    """
    child = ChildFactory(
        authority=authority,
        legal_first_name="Ruby",
        legal_last_name="Okafor",
        preferred_name="Rubes",
        former_names="Ruby Adeyemi",
        date_of_birth=date(2015, 3, 14),
        upn="B801200005001",
        nhs_number="9434765919",
    )
    Address.objects.create(
        child=child,
        line_1="Flat 2, Station Road",
        town="Coalville",
        postcode="LE67 3AA",
        moved_in=date(2026, 9, 1),
        is_temporary_accommodation=True,
    )
    Contact.objects.create(
        child=child,
        name="Ada Okafor",
        relationship="Mother",
        phone="07700 900123",
        email="ada@example.org",
    )
    VulnerabilityFactory(
        child=child,
        kind="exclusions",
        detail="2 suspensions",
        evidence="Letters from the previous school.",
        source="Previous school",
        recorded_by=officer,
    )
    child_actions.record_risk_assessment(
        child,
        actor=officer,
        level=3,
        answers={question.key: True for question in RISK_QUESTIONS},
        completed_on=date(2026, 11, 2),
        next_review_on=date(2027, 1, 4),
        summary="Out of school since September.",
    )
    placement = actions.open_application(
        actor=officer,
        child=child,
        received_on=date(2026, 11, 2),
        reason="Moved into the area",
        year_group="Year 6",
    )
    actions.assess(placement, actor=officer, note="High risk; priority case.")
    actions.offer(
        placement,
        actor=officer,
        school=school,
        offered_on=date(2026, 11, 9),
        agreed_start_on=date(2026, 11, 16),
    )
    actions.send_request(placement, actor=officer)
    record_event(
        placement,
        "placement.chased",
        note="Chase 1 sent to the school.",
        data={"number": 1, "school_emailed": True},
    )
    actions.refer_to_cme(
        placement, actor=officer, note="Family not reachable at the address."
    )
    child.refresh_from_db()
    return child
