import socket
from datetime import date

import pytest
from aiosmtpd.controller import Controller

from children.tests.factories import ChildFactory
from placements.states import State
from placements.tests.factories import PlacementFactory


@pytest.fixture
def case(authority, school):
    """A placement waiting on the school's reply, as the case emails belong to."""
    child = ChildFactory(authority=authority, legal_first_name="Alex")
    return PlacementFactory(
        child=child,
        authority=authority,
        school=school,
        state=State.REQUESTED,
        offered_on=date(2026, 11, 9),
        agreed_start_on=date(2026, 11, 16),
        request_sent_on=date(2026, 11, 10),
        year_group="Year 5",
    )


@pytest.fixture
def allocation_context(case):
    """The context the Fair Access allocation letter needs."""
    return {
        "child": case.child,
        "school": case.school,
        "case": case,
        "year_group": "Year 5",
        "panel_on": date(2026, 12, 2),
        "admit_by_on": date(2026, 12, 11),
    }


def closed_port() -> int:
    """Return a loopback port that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RefusingMailbox:
    """An SMTP handler that answers every recipient with the given reply."""

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.tries = 0

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802 (aiosmtpd hook name)
        self.tries += 1
        return self.reply


@pytest.fixture
def refusing_smtp_server(settings):
    """Start a loopback SMTP server that refuses recipients; set its reply on it."""
    mailbox = RefusingMailbox("451 4.3.0 Try again later")
    controller = Controller(mailbox, hostname="127.0.0.1", port=closed_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    yield mailbox
    controller.stop()
