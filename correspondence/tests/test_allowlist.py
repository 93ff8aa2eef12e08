"""A deployment that is not production emails only its allow-list."""

import pytest

from casework.models import Event
from correspondence import allowlist, outbox
from correspondence.models import Message

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("friday_4_december"),
]


@pytest.mark.parametrize(
    ("entries", "address", "allowed"),
    [
        (["@example.org"], "admissions@school-1.example.org", True),
        (["@example.org"], "head@example.org", True),
        (["@example.org"], "parent@notexample.org", False),
        (["@example.org"], "parent@example.org.attacker.test", False),
        (["Head@School.example.net"], "head@school.example.net", True),
        (["head@school.example.net"], "office@school.example.net", False),
        ([], "admissions@school-1.example.org", False),
    ],
)
def test_allow_list_entries(settings, entries, address, allowed):
    settings.ONROLL_PRODUCTION = False
    settings.ONROLL_EMAIL_ALLOW_LIST = entries

    assert allowlist.is_allowed(address) is allowed


def test_production_sends_anywhere(settings):
    settings.ONROLL_PRODUCTION = True
    settings.ONROLL_EMAIL_ALLOW_LIST = []

    assert allowlist.is_allowed("family@real-school.test")


def test_address_outside_the_list_is_refused_and_recorded(
    case, allocation_context, smtp_server, settings
):
    settings.ONROLL_PRODUCTION = False
    settings.ONROLL_EMAIL_ALLOW_LIST = ["@example.org"]

    message = outbox.queue(
        "fair_access_allocation",
        to="office@real-school.test",
        context=allocation_context,
        case=case,
    )
    outbox.deliver_due()

    assert smtp_server.messages == []
    message.refresh_from_db()
    assert message.status == Message.Status.REFUSED
    assert message.attempts == 0
    refusal = Event.objects.get(case_id=case.pk, kind="email.refused")
    assert "office@real-school.test" in refusal.note
    assert "ONROLL_EMAIL_ALLOW_LIST" in refusal.note


def test_list_narrowed_after_queueing_still_refuses(
    case, allocation_context, smtp_server, settings
):
    settings.ONROLL_EMAIL_ALLOW_LIST = ["@example.org"]
    message = outbox.queue(
        "fair_access_allocation",
        to=case.school.email,
        context=allocation_context,
        case=case,
    )
    settings.ONROLL_EMAIL_ALLOW_LIST = ["@example.net"]

    assert outbox.deliver_due() == {"refused": 1}

    assert smtp_server.messages == []
    message.refresh_from_db()
    assert message.status == Message.Status.REFUSED


def test_every_page_says_it_is_a_test_system(client, settings):
    settings.ONROLL_PRODUCTION = False
    settings.ONROLL_EMAIL_ALLOW_LIST = ["@example.org", "clerk@school.example.net"]

    page = client.get("/sign-in/").content.decode()

    assert "Test system" in page
    assert "It sends email only to @example.org, clerk@school.example.net." in page


def test_banner_says_no_email_with_an_empty_list(client, settings):
    settings.ONROLL_EMAIL_ALLOW_LIST = []

    assert "It sends no email." in client.get("/sign-in/").content.decode()


def test_production_has_no_banner(client, settings):
    settings.ONROLL_PRODUCTION = True
    settings.SECURE_SSL_REDIRECT = False

    assert "Test system" not in client.get("/sign-in/").content.decode()


@pytest.mark.parametrize("url", ["/admin/", "/admin/correspondence/emailtemplate/"])
def test_admin_pages_say_it_is_a_test_system(admin_client, settings, url):
    settings.ONROLL_PRODUCTION = False
    settings.ONROLL_EMAIL_ALLOW_LIST = ["@example.org"]

    page = admin_client.get(url).content.decode()

    assert "Test system: this is not the live service." in page
    assert "It sends email only to @example.org." in page


def test_production_admin_has_no_banner(admin_client, settings):
    settings.ONROLL_PRODUCTION = True
    settings.SECURE_SSL_REDIRECT = False

    assert "Test system" not in admin_client.get("/admin/").content.decode()
