from datetime import date

import pytest

from access.models import User
from access.tests.factories import UserFactory
from children.tests.factories import ChildFactory
from cme import actions
from cme.models import CmeCase


@pytest.fixture
def inclusion_officer(authority):
    return UserFactory(
        username="cme-officer", authority=authority, role=User.Role.INCLUSION_OFFICER
    )


@pytest.fixture
def manager(authority):
    return UserFactory(
        username="cme-manager", authority=authority, role=User.Role.SERVICE_MANAGER
    )


@pytest.fixture
def other_inclusion_officer(other_authority):
    return UserFactory(
        username="cme-officer-856",
        authority=other_authority,
        role=User.Role.INCLUSION_OFFICER,
    )


@pytest.fixture
def third_authority_officer(db):
    from schools.tests.factories import AuthorityFactory, add_llr_terms

    rutland = AuthorityFactory(code="857", name="Rutland", gss_code="E06000017")
    add_llr_terms(rutland)
    return UserFactory(
        username="cme-officer-857", authority=rutland, role=User.Role.INCLUSION_OFFICER
    )


@pytest.fixture
def open_case(authority, inclusion_officer):
    """Build a CME case referred by a member of the public on the given day."""

    def build(referred_on: date = date(2026, 11, 2), **child_fields) -> CmeCase:
        child_fields.setdefault("upn", "")
        child = ChildFactory(authority=authority, **child_fields)
        return actions.refer(
            child=child,
            authority=authority,
            source=CmeCase.Source.PUBLIC,
            reason="A neighbour says the child has not been at school since half term.",
            referred_by=inclusion_officer,
            referred_on=referred_on,
        )

    return build
