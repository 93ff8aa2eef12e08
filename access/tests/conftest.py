"""One child's record seen from every persona, for the access tests."""

from dataclasses import dataclass
from datetime import date

import pytest

from access.models import Organisation, Share, User
from access.tests.factories import OrganisationFactory, ShareFactory, UserFactory
from children.models import Address, Contact
from children.tests.factories import (
    ChildFactory,
    RiskAssessmentFactory,
    VulnerabilityFactory,
)
from placements.states import State
from placements.tests.factories import PlacementFactory

# Text only the characteristics' own records contain, so a page that shows
# any of it has leaked that record.
YOUTH_JUSTICE_DETAIL = "Referral order until March 2027"
YOUTH_JUSTICE_EVIDENCE = "Youth offending team case YOT-4471"
CHILD_IN_NEED_EVIDENCE = "Section 17 plan opened by duty team CIN-9921"
CONTACT_NAME = "Grace Okafor"
RISK_SUMMARY = "Missing from home twice this term"


@dataclass
class Record:
    child: object
    placement: object
    share: Share


@pytest.fixture
def record(authority, school, officer, police) -> Record:
    """A Leicestershire child offered a place at `school`, shared with `police`."""
    child = ChildFactory(
        authority=authority, legal_first_name="Ruby", legal_last_name="Okafor"
    )
    Address.objects.create(
        child=child, line_1="4 Mill Lane", town="Loughborough", postcode="LE11 1AA"
    )
    Contact.objects.create(
        child=child, name=CONTACT_NAME, relationship="Mother", phone="01162 496000"
    )
    VulnerabilityFactory(
        child=child,
        kind="youth_justice",
        detail=YOUTH_JUSTICE_DETAIL,
        evidence=YOUTH_JUSTICE_EVIDENCE,
    )
    VulnerabilityFactory(
        child=child, kind="child_in_need", evidence=CHILD_IN_NEED_EVIDENCE
    )
    VulnerabilityFactory(child=child, kind="young_carer", evidence="Cares for dad.")
    RiskAssessmentFactory(child=child, completed_by=officer, summary=RISK_SUMMARY)
    placement = PlacementFactory(
        child=child,
        state=State.REQUESTED,
        school=school,
        owner=officer,
        offered_on=date(2026, 11, 16),
        agreed_start_on=date(2026, 11, 30),
        request_sent_on=date(2026, 11, 17),
    )
    share = ShareFactory(child=child, organisation=police, shared_by=officer)
    return Record(child, placement, share)


@pytest.fixture
def unshared_partner(authority):
    """A user of a youth justice service the record is not shared with."""
    service = OrganisationFactory(
        kind=Organisation.Kind.YOUTH_JUSTICE,
        name="Leicestershire Youth Justice Service",
        authority=authority,
    )
    return UserFactory(username="yjs", organisation=service, role=User.Role.PARTNER)


@pytest.fixture
def administrator(authority):
    return UserFactory(
        username="administrator", authority=authority, role=User.Role.ADMINISTRATOR
    )
