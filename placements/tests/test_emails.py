import pytest
from django.core.exceptions import ValidationError

from casework.models import Event
from correspondence import outbox
from placements import actions
from placements.states import State

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("friday_4_december"),
]


def test_on_roll_request_sent_over_smtp(placement_in, officer, school, smtp_server):
    placement = placement_in(State.OFFERED, year_group="Year 5")

    actions.send_request(placement, actor=officer)
    outbox.deliver_due()

    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == school.email
    assert smtp_server.envelopes[0][1] == [school.email]
    child = placement.child
    assert message["Subject"] == (
        f"Please put {child.full_name} on roll: reply by 18 December 2026"
    )
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for part in (text, html):
        assert child.full_name in part
        assert "14 March 2015" in part  # date of birth
        assert school.name in part
        assert "Year 5" in part
        assert "16 November 2026" in part  # agreed start date
        assert "18 December 2026" in part  # 10 school days after 4 December
        assert f"placement {placement.pk}" in part
    assert "<strong>18 December 2026</strong>" in html


def test_failed_send_recorded_on_timeline(placement_in, officer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard port: nothing listens, the connection is refused
    settings.EMAIL_TIMEOUT = 2
    settings.ONROLL_OUTBOX = {**settings.ONROLL_OUTBOX, "max_attempts": 1}
    placement = placement_in(State.OFFERED)

    actions.send_request(placement, actor=officer)
    outbox.deliver_due()

    placement.refresh_from_db()
    assert placement.state == State.REQUESTED
    failure = Event.objects.get(case_id=placement.pk, kind="email.failed")
    assert failure.note.startswith(f"On-roll request to {placement.school.email}")


def test_no_email_when_school_has_no_address(placement_in, officer, smtp_server):
    placement = placement_in(State.OFFERED)
    placement.school.email = ""
    placement.school.save()

    with pytest.raises(ValidationError, match="has no email address"):
        actions.send_request(placement, actor=officer)

    placement.refresh_from_db()
    assert placement.state == State.OFFERED
    assert smtp_server.messages == []
