"""Named personas and shared fixtures for every app's tests."""

import pytest

from access.models import User
from access.tests.factories import UserFactory
from schools.tests.factories import AuthorityFactory, SchoolFactory, add_llr_terms


@pytest.fixture
def authority(db):
    authority = AuthorityFactory(code="855", name="Leicestershire")
    add_llr_terms(authority)
    return authority


@pytest.fixture
def other_authority(db):
    authority = AuthorityFactory(code="856", name="Leicester", gss_code="E06000016")
    add_llr_terms(authority)
    return authority


@pytest.fixture
def school(authority):
    return SchoolFactory(authority=authority, name="Oakfield Primary School")


@pytest.fixture
def other_school(authority):
    return SchoolFactory(authority=authority, name="Brookside Primary School")


@pytest.fixture
def officer(authority):
    return UserFactory(
        username="officer", authority=authority, role=User.Role.ADMISSIONS_OFFICER
    )


@pytest.fixture
def other_authority_officer(other_authority):
    return UserFactory(
        username="officer-856",
        authority=other_authority,
        role=User.Role.ADMISSIONS_OFFICER,
    )


@pytest.fixture
def school_user(school):
    return UserFactory(
        username="school",
        authority=None,
        school=school,
        role=User.Role.SCHOOL_USER,
    )


@pytest.fixture
def other_school_user(other_school):
    return UserFactory(
        username="other-school",
        authority=None,
        school=other_school,
        role=User.Role.SCHOOL_USER,
    )
