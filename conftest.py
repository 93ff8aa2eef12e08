"""Named personas and shared fixtures for every app's tests."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller

from access.models import Organisation, User
from access.tests.factories import OrganisationFactory, UserFactory
from correspondence import shipped
from correspondence.models import EmailTemplate, TemplateVersion
from schools.tests.factories import AuthorityFactory, SchoolFactory, add_llr_terms


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher takes a noticeable time per user on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _email_allow_list(settings):
    # Tests run as a deployment that is not production: every synthetic
    # address in the factories and the demo is under example.org.
    settings.ONROLL_EMAIL_ALLOW_LIST = ["@example.org"]


@pytest.fixture(autouse=True)
def _shipped_email_templates(request):
    """Put back the shipped email templates that a transactional test's flush
    emptied, since migrations load them once per test database."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    shipped.install(EmailTemplate, TemplateVersion)


@pytest.fixture
def friday_4_december(time_machine):
    """Stop the clock at 10:00 on Friday 4 December 2026, two weeks before the
    end of the autumn term in the shipped calendar."""
    time_machine.move_to("2026-12-04 10:00 +0000", tick=False)


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


@pytest.fixture
def police(authority):
    """A police force working in the authority's area."""
    return OrganisationFactory(
        kind=Organisation.Kind.POLICE, name="Leicestershire Police", authority=authority
    )


@pytest.fixture
def social_care(authority):
    """The children's social care service of the authority's area."""
    return OrganisationFactory(
        kind=Organisation.Kind.SOCIAL_CARE,
        name="Leicestershire Children's Social Care",
        authority=authority,
    )


@pytest.fixture
def partner(police):
    """A police officer; tests share children with the force as they need."""
    return UserFactory(username="partner", organisation=police, role=User.Role.PARTNER)


@pytest.fixture
def social_care_partner(social_care):
    return UserFactory(
        username="social-worker", organisation=social_care, role=User.Role.PARTNER
    )


@pytest.fixture
def analyst(authority):
    return UserFactory(username="analyst", authority=authority, role=User.Role.ANALYST)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Mailbox:
    """Collects what a local SMTP server receives, as parsed messages."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook name)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """Start a real SMTP server on loopback and point Django's SMTP backend at it."""
    mailbox = _Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    yield mailbox
    controller.stop()
