"""Sending through the outbox: SMTP on loopback, retries, failures and crashes."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from casework.models import Event
from correspondence import backends, outbox
from correspondence.models import EmailTemplate, Message

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("friday_4_december"),
]


def _queue(case, context, **kwargs):
    return outbox.queue(
        "fair_access_allocation",
        to=kwargs.pop("to", case.school.email),
        context=context,
        case=case,
        **kwargs,
    )


def test_smtp_delivery_parts_and_fields(case, allocation_context, smtp_server, officer):
    case.school.name = "St Mary & St John Primary"
    case.school.head_teacher = "Ms Example"
    message = _queue(case, allocation_context, actor=officer)

    outcomes = outbox.deliver_due()

    assert outcomes == {"sent": 1}
    assert smtp_server.envelopes[0][1] == [case.school.email]
    received = smtp_server.messages[0]
    assert received["To"] == case.school.email
    assert received["Message-ID"] == message.message_id
    child = case.child
    assert received["Subject"] == (
        f"Fair Access: {child.full_name} allocated to St Mary & St John Primary"
    )
    text = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    assert text.startswith("Dear Ms Example,")
    assert "St Mary & St John Primary in Year 5" in text
    assert "meeting on 2 December 2026" in text
    assert "admit the child by 11 December 2026" in text
    assert f"Fair Access case {case.pk}" in text
    # The HTML part escapes every field.
    assert "St Mary &amp; St John Primary" in html
    assert "<strong>11 December 2026</strong>" in html
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 1
    assert message.template_version.number == 1
    assert message.template_version.template.name == "fair_access_allocation"
    assert message.actor == officer


def test_queued_message_rolls_back_with_the_case_change(case, allocation_context):
    def failing_action():
        with transaction.atomic():
            _queue(case, allocation_context)
            raise RuntimeError("the action failed after queueing")

    with pytest.raises(RuntimeError):
        failing_action()

    assert not Message.objects.exists()


def test_missing_context_field_named(case, allocation_context):
    del allocation_context["panel_on"]

    with pytest.raises(ValueError, match="uses panel_on, which the context"):
        _queue(case, allocation_context)


def test_temporary_failure_backoff_then_failed(
    case,
    allocation_context,
    refusing_smtp_server,
    settings,
    time_machine,
    client,
    officer,
):
    settings.ONROLL_OUTBOX = {
        **settings.ONROLL_OUTBOX,
        "max_attempts": 3,
        "retry_seconds": 60,
    }
    message = _queue(case, allocation_context)
    start = timezone.now()

    assert outbox.deliver_due() == {"retrying": 1}
    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED
    assert message.next_attempt_at == start + timedelta(seconds=60)
    assert "451" in message.last_error
    # Not due yet: nothing is tried before the back-off has passed.
    assert outbox.deliver_due() == {}

    time_machine.move_to(start + timedelta(seconds=60), tick=False)
    assert outbox.deliver_due() == {"retrying": 1}
    message.refresh_from_db()
    assert message.next_attempt_at == start + timedelta(seconds=60 + 120)

    time_machine.move_to(start + timedelta(seconds=180), tick=False)
    assert outbox.deliver_due() == {"failed": 1}

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.attempts == 3
    assert refusing_smtp_server.tries == 3
    assert "Gave up after 3 attempts" in message.last_error
    failure = Event.objects.get(case_id=case.pk, kind="email.failed")
    assert failure.note.startswith(f"Fair Access allocation to {case.school.email}")
    client.force_login(officer)
    worklist = client.get("/")
    assert "Email not delivered" in worklist.content.decode()
    page = client.get(f"/placements/{case.pk}/").content.decode()
    assert "Not delivered" in page
    assert "Email not delivered" in page  # the timeline event


def test_refused_connection_is_retried(case, allocation_context, settings):
    from correspondence.tests.conftest import closed_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_TIMEOUT = 2
    message = _queue(case, allocation_context)

    assert outbox.deliver_due() == {"retrying": 1}

    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED
    assert "Could not reach the mail server" in message.last_error


def test_permanent_failure_is_not_retried(
    case, allocation_context, refusing_smtp_server
):
    refusing_smtp_server.reply = "550 5.1.1 No such mailbox"
    message = _queue(case, allocation_context)

    assert outbox.deliver_due() == {"failed": 1}

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.attempts == 1
    assert "550" in message.last_error
    assert Event.objects.filter(case_id=case.pk, kind="email.failed").exists()


def test_crash_after_claim_sends_once(
    case, allocation_context, smtp_server, time_machine, settings
):
    message = _queue(case, allocation_context)
    now = timezone.now()
    # A worker claims the message and dies before sending it.
    [(claimed, _token)] = outbox.claim(now, 10)
    assert claimed.pk == message.pk

    # While the lease holds, no other worker takes the message.
    assert outbox.deliver_due() == {}
    assert smtp_server.messages == []

    lease = settings.ONROLL_OUTBOX["lease_seconds"]
    time_machine.move_to(now + timedelta(seconds=lease), tick=False)
    assert outbox.deliver_due() == {"sent": 1}
    assert outbox.deliver_due() == {}

    assert len(smtp_server.messages) == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 2


def test_crash_after_send_resends_same_id(
    case, allocation_context, smtp_server, time_machine, settings, monkeypatch
):
    message = _queue(case, allocation_context)
    now = timezone.now()

    def crash(*args, **kwargs):
        raise SystemExit("worker killed after the server took the message")

    with monkeypatch.context() as patch:
        patch.setattr(outbox, "mark_sent", crash)
        with pytest.raises(SystemExit):
            outbox.deliver_due()

    message.refresh_from_db()
    assert message.status == Message.Status.SENDING
    assert outbox.deliver_due() == {}  # the dead worker's lease still holds

    lease = settings.ONROLL_OUTBOX["lease_seconds"]
    time_machine.move_to(now + timedelta(seconds=lease), tick=False)
    assert outbox.deliver_due() == {"sent": 1}

    # At least once: the copy carries the first try's Message-ID, so the
    # receiving side can tell it is the same email.
    ids = [received["Message-ID"] for received in smtp_server.messages]
    assert ids == [message.message_id, message.message_id]
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert outbox.deliver_due() == {}


def test_claim_goes_to_one_worker(case, allocation_context):
    _queue(case, allocation_context)
    now = timezone.now()

    first = outbox.claim(now, 10)
    second = outbox.claim(now, 10)

    assert len(first) == 1
    assert second == []


def test_late_worker_cannot_mark_a_message_taken_over(
    case, allocation_context, smtp_server, settings
):
    message = _queue(case, allocation_context)
    now = timezone.now()
    [(_, stale_token)] = outbox.claim(now, 10)
    later = now + timedelta(seconds=settings.ONROLL_OUTBOX["lease_seconds"])
    [(claimed, token)] = outbox.claim(later, 10)

    outbox.mark_sent(claimed, stale_token)
    message.refresh_from_db()
    assert message.status == Message.Status.SENDING

    outbox.mark_sent(claimed, token)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT


def test_send_outbox_once_command(case, allocation_context, smtp_server, capsys):
    _queue(case, allocation_context)

    call_command("send_outbox", "--once")

    assert len(smtp_server.messages) == 1
    assert "1 sent" in capsys.readouterr().out

    call_command("send_outbox", "--once")

    assert capsys.readouterr().out == "Outbox: nothing due.\n"


def test_cancelled_message_is_not_sent(case, allocation_context, smtp_server):
    message = _queue(case, allocation_context)

    cancelled = outbox.cancel_for_case(case, reason="Cancelled in a test.")
    outbox.deliver_due()

    assert cancelled == 1
    message.refresh_from_db()
    assert message.status == Message.Status.CANCELLED
    assert smtp_server.messages == []


def test_message_records_template_version(case, allocation_context):
    template = EmailTemplate.objects.get(name="fair_access_allocation")
    first = _queue(case, allocation_context)
    template.subject = "Allocated: {{ child.full_name }}"
    template.version = 2
    template.save()
    template.versions.create(
        number=2,
        subject=template.subject,
        text=template.text,
        html=template.html,
        saved_at=timezone.now(),
    )

    second = _queue(case, allocation_context)

    assert first.template_version.number == 1
    assert second.template_version.number == 2
    assert second.subject == f"Allocated: {case.child.full_name}"


def test_malformed_address_fails_without_a_try(case, allocation_context, smtp_server):
    message = _queue(case, allocation_context, to="admissions at school")

    assert outbox.deliver_due() == {}

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.attempts == 0
    failure = Event.objects.get(case_id=case.pk, kind="email.failed")
    assert "not a valid email address" in failure.note
    assert smtp_server.messages == []


@pytest.mark.postgresql
def test_two_workers_at_once_send_each_message_once(
    case, allocation_context, smtp_server
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    queued = [_queue(case, allocation_context) for _ in range(10)]
    start = threading.Barrier(2)
    results: list = []

    def work() -> None:
        try:
            start.wait()
            results.append(outbox.deliver_due(limit=3))
        except Exception as error:
            results.append(repr(error))
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert sum(result["sent"] for result in results) == 10
    ids = sorted(received["Message-ID"] for received in smtp_server.messages)
    assert ids == sorted(message.message_id for message in queued)
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}


def test_send_outbox_loop_sends_until_stopped(
    case, allocation_context, smtp_server, monkeypatch
):
    _queue(case, allocation_context)
    rounds = []

    def sleep(seconds: float) -> None:
        rounds.append(seconds)
        raise KeyboardInterrupt

    monkeypatch.setattr(
        "correspondence.management.commands.send_outbox.time.sleep", sleep
    )

    call_command("send_outbox")

    assert rounds == [10]
    assert len(smtp_server.messages) == 1


def test_unexpected_error_spares_the_batch(
    case, allocation_context, smtp_server, monkeypatch
):
    first = _queue(case, allocation_context)
    second = _queue(case, allocation_context)
    send = backends.send

    def fail_first(message):
        if message.pk == first.pk:
            raise ValueError("a bug in a backend")
        return send(message)

    monkeypatch.setattr(backends, "send", fail_first)

    assert outbox.deliver_due() == {"retrying": 1, "sent": 1}

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Message.Status.QUEUED
    assert "a bug in a backend" in first.last_error
    assert second.status == Message.Status.SENT
    assert len(smtp_server.messages) == 1


def test_worker_dying_every_try_gives_up(
    case, allocation_context, smtp_server, time_machine, settings
):
    settings.ONROLL_OUTBOX = settings.ONROLL_OUTBOX | {"max_attempts": 2}
    lease = timedelta(seconds=settings.ONROLL_OUTBOX["lease_seconds"])
    message = _queue(case, allocation_context)
    now = timezone.now()
    # Two workers in turn claim the message and die before recording anything.
    for _ in range(2):
        assert len(outbox.claim(now, 10)) == 1
        now += lease
        time_machine.move_to(now, tick=False)

    assert outbox.deliver_due() == {"failed": 1}

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "Gave up after 2 attempts" in message.last_error
    assert smtp_server.messages == []
    assert Event.objects.filter(case_id=case.pk, kind="email.failed").exists()
