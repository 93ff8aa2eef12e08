"""A removal from notice to challenge letter, through the pages and real SMTP."""

import pytest
from pytest_django.asserts import assertContains

from cme.models import CmeCase
from correspondence import outbox
from removals.models import Challenge, ChallengeLetter, RemovalNotice
from removals.tests.test_views import _form_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("friday_4_december"),
]


def test_unknown_destination_to_challenge_letter(
    client, school, school_user, officer, smtp_server
):
    client.force_login(school_user)
    client.post("/school/removals/new/", _form_data(destination="unknown"))
    notice = RemovalNotice.objects.get()

    case = CmeCase.objects.get()
    assert case.source == CmeCase.Source.UNKNOWN_DESTINATION
    assert case.child == notice.child

    client.force_login(officer)
    assertContains(client.get(f"/removals/{notice.pk}/"), "Challenge this removal")
    opened = client.post(
        f"/removals/{notice.pk}/challenge/",
        {"reason": "The family told us they never asked to leave."},
    )
    challenge = Challenge.objects.get()
    assert opened.url == f"/removals/challenges/{challenge.pk}/"
    sent = client.post(
        f"/removals/challenges/{challenge.pk}/send_informal/",
        {"version": challenge.version, "note": ""},
    )

    assert sent.status_code == 302
    letter = ChallengeLetter.objects.select_related("message").get()
    challenge.refresh_from_db()
    assert challenge.state == "informal"
    outbox.deliver_due()
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert smtp_server.envelopes[0][1] == [school.email]
    assert message["Subject"] == (
        "Removal from roll of Maya Testpupil: please tell us more"
    )
    assert message["Message-ID"] == letter.message.message_id
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for part in (text, html):
        assert "Maya Testpupil" in part
        assert "The family told us they never asked to leave." in part
        assert "11 December 2026" in part  # 5 school days after 4 December
    page = client.get(f"/removals/challenges/{challenge.pk}/")
    assertContains(page, "Informal challenge sent")
    assertContains(page, letter.message.subject)
    assertContains(page, "Email: Sent.")
