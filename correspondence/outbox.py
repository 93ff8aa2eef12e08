"""The outbox: the one way Onroll sends an email about a case.

Other apps call three functions:

``queue(template_name, *, to, context, case, child=None, actor=None)``
    Render the named template's current version with `context` and store
    the Message, in the caller's transaction, and return it. Call it inside
    the action that changes the case: if the action rolls back, so does the
    email, and if it commits, the email will be sent. `case` is any model
    with a timeline (casework.Case); `child` defaults to `case.child`. Every
    merge field the template uses must have its first name in `context`
    (ValueError otherwise, naming it). An address that this deployment may
    not email (correspondence.allowlist) is stored as refused, with an event
    on the case's timeline, and never sent.

``cancel_for_case(case, *, templates=None, reason)``
    Cancel the case's messages not yet sent (all, or only those from the
    named templates), for example chases once the school has answered.

``deliver_due(now=None)``
    Send what is due; the worker (manage.py send_outbox) calls it.

Delivery is at least once. A worker claims each message with a conditional
UPDATE that sets a lease: status sending, next_attempt_at the lease's end
and a fresh claim_token. It sends the message, then marks it sent in a
transaction of its own, but only if its claim_token is still on the row.
If the worker dies after claiming and before sending, the lease runs out
and another worker sends the message, once.
If it dies after the mail service accepted the message and before marking it
sent, the message is sent again when the lease runs out: that gap cannot be
closed without the mail service taking part, so every try carries the same
Message-ID (and, through GOV.UK Notify, the same reference) for the receiving
side to recognise the copy.
"""

import logging
import secrets
import uuid
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.log import record
from casework.timeline import record_event
from correspondence import allowlist, backends, merge
from correspondence.models import EmailTemplate, Message

logger = logging.getLogger(__name__)

UNSENT = (Message.Status.QUEUED, Message.Status.SENDING)


def _message_id() -> str:
    sender = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">").strip()
    return f"<{uuid.uuid4().hex}@{sender or 'onroll.invalid'}>"


def queue(
    template_name: str,
    *,
    to: str,
    context: dict,
    case,
    child=None,
    actor=None,
) -> Message:
    """Render the template into a new Message for `to`; see the module docstring."""
    template = EmailTemplate.objects.get(name=template_name)
    version = template.versions.get(number=template.version)
    parts = {"subject": version.subject, "text": version.text, "html": version.html}
    for part, source in parts.items():
        missing = {f.split(".")[0] for f in merge.fields_used(source, part)} - set(
            context
        )
        if missing:
            raise ValueError(
                f"The {template_name} email's {merge.PARTS[part]} uses "
                f"{', '.join(sorted(missing))}, which the context does not give. "
                f"Pass them in context."
            )
    now = timezone.now()
    message = Message(
        template_version=version,
        case_type=ContentType.objects.get_for_model(case),
        case_id=case.pk,
        child=child or getattr(case, "child", None),
        actor=actor,
        to=to,
        subject=" ".join(merge.render(version.subject, context, html=False).split()),
        text=merge.render(version.text, context, html=False),
        html=merge.render(version.html, context, html=True),
        message_id=_message_id(),
        created_at=now,
        next_attempt_at=now,
    )
    try:
        validate_email(to)
    except ValidationError:
        # A malformed address fails the same way on every try.
        message.status = Message.Status.FAILED
        message.next_attempt_at = None
        message.last_error = f"\u201c{to}\u201d is not a valid email address."
    else:
        if not allowlist.is_allowed(to):
            message.status = Message.Status.REFUSED
            message.next_attempt_at = None
            message.last_error = allowlist.refusal(to)
    message.save()
    if message.status == Message.Status.REFUSED:
        _record_outcome(message, "email.refused", case=case)
    elif message.status == Message.Status.FAILED:
        _record_outcome(message, "email.failed", case=case)
    return message


def cancel_for_case(case, *, templates: list[str] | None = None, reason: str) -> int:
    """Cancel the case's queued messages; return how many were cancelled.

    A message a worker has already claimed is left alone: it may be on its
    way to the mail service already.
    """
    pending = Message.objects.filter(
        case_type=ContentType.objects.get_for_model(case),
        case_id=case.pk,
        status=Message.Status.QUEUED,
    )
    if templates is not None:
        pending = pending.filter(template_version__template__name__in=templates)
    return pending.update(
        status=Message.Status.CANCELLED, next_attempt_at=None, last_error=reason
    )


def for_case(case):
    return (
        Message.objects.filter(
            case_type=ContentType.objects.get_for_model(case), case_id=case.pk
        )
        .select_related("template_version__template")
        .order_by("-created_at", "-pk")
    )


# The worker -----------------------------------------------------------------


def _due(now: datetime) -> Q:
    return Q(status__in=UNSENT, next_attempt_at__lte=now)


def claim(now: datetime, limit: int) -> list[tuple[Message, str]]:
    """Claim up to `limit` due messages; return each with its claim token.

    Each claim is a conditional UPDATE on the row as it was read, so of two
    workers reading the same message only one claims it. A message still
    sending whose lease has run out is claimed again: its worker is taken to
    have died.
    """
    lease = timedelta(seconds=settings.ONROLL_OUTBOX["lease_seconds"])
    candidates = list(
        Message.objects.filter(_due(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "attempts")[:limit]
    )
    claimed = []
    for pk, attempts in candidates:
        token = secrets.token_hex(16)
        won = (
            Message.objects.filter(_due(now), pk=pk, attempts=attempts).update(
                status=Message.Status.SENDING,
                next_attempt_at=now + lease,
                claim_token=token,
                attempts=F("attempts") + 1,
            )
            == 1
        )
        if won:
            claimed.append((Message.objects.get(pk=pk), token))
    return claimed


def _holding(message: Message, token: str):
    return Message.objects.filter(
        pk=message.pk, status=Message.Status.SENDING, claim_token=token
    )


def deliver(message: Message, token: str, now: datetime) -> str:
    """Send one claimed message and record the outcome; return the outcome."""
    if not allowlist.is_allowed(message.to):
        # The allow-list may have changed since the message was queued.
        with transaction.atomic():
            if _holding(message, token).update(
                status=Message.Status.REFUSED,
                next_attempt_at=None,
                last_error=allowlist.refusal(message.to),
            ):
                message.refresh_from_db()
                _record_outcome(message, "email.refused")
        return "refused"
    max_attempts = settings.ONROLL_OUTBOX["max_attempts"]
    if message.attempts > max_attempts:
        # Every earlier try ended with its worker stopping before it could
        # record the outcome, so this message may be what stops them.
        return _fail(
            message,
            token,
            f"Gave up after {max_attempts} attempts: the worker stopped during "
            "each one. Check the worker's log for the cause.",
        )
    try:
        reference = backends.send(message)
    except backends.TemporaryFailure as error:
        return _retry_or_fail(message, token, now, str(error))
    except backends.PermanentFailure as error:
        return _fail(message, token, str(error))
    except Exception as error:
        # An error no backend expected. Treat it as temporary, so one bad
        # message neither stops the worker nor holds up the rest of the batch.
        logger.exception("Message %s: unexpected error while sending", message.pk)
        return _retry_or_fail(
            message, token, now, f"Unexpected error while sending: {error!r}."
        )
    mark_sent(message, token, reference)
    return "sent"


def mark_sent(message: Message, token: str, reference: str = "") -> None:
    with transaction.atomic():
        updated = _holding(message, token).update(
            status=Message.Status.SENT,
            sent_at=timezone.now(),
            next_attempt_at=None,
            provider_reference=reference,
            last_error="",
        )
        if updated:
            record("email.sent", target=message, child=message.child)
        else:
            # Another worker took the message over after this one's lease ran
            # out; it will record the outcome of its own try.
            logger.warning("Message %s was sent after its lease ran out", message.pk)


def retry_delay(attempts: int) -> timedelta:
    """Return the wait before the next try, doubling from retry_seconds to an hour."""
    base = settings.ONROLL_OUTBOX["retry_seconds"]
    return timedelta(seconds=min(base * 2 ** (attempts - 1), 3600))


def _retry_or_fail(message: Message, token: str, now: datetime, error: str) -> str:
    message.refresh_from_db(fields=["attempts"])
    if message.attempts >= settings.ONROLL_OUTBOX["max_attempts"]:
        return _fail(
            message, token, f"{error} Gave up after {message.attempts} attempts."
        )
    logger.warning("Message %s not sent, will try again: %s", message.pk, error)
    _holding(message, token).update(
        status=Message.Status.QUEUED,
        next_attempt_at=now + retry_delay(message.attempts),
        last_error=error,
    )
    return "retrying"


def _fail(message: Message, token: str, error: str) -> str:
    logger.error("Message %s not delivered: %s", message.pk, error)
    with transaction.atomic():
        if _holding(message, token).update(
            status=Message.Status.FAILED, next_attempt_at=None, last_error=error
        ):
            message.refresh_from_db()
            _record_outcome(message, "email.failed")
    return "failed"


def _record_outcome(message: Message, kind: str, case=None) -> None:
    """Put a refused or undelivered email on the case's timeline and the audit log."""
    case = case or message.case
    title = message.template_version.template.title
    record_event(
        case,
        kind,
        note=f"{title} to {message.to}: {message.last_error}",
        data={"message_id": message.pk, "to": message.to},
    )
    record(kind, target=message, child=message.child, data={"to": message.to})


def deliver_due(now: datetime | None = None, limit: int | None = None) -> Counter:
    """Claim and send messages due by `now`, batch by batch; count the outcomes."""
    limit = limit or settings.ONROLL_OUTBOX["batch_size"]
    outcomes: Counter = Counter()
    while True:
        now_for_batch = now or timezone.now()
        batch = claim(now_for_batch, limit)
        if not batch:
            return outcomes
        for message, token in batch:
            outcomes[deliver(message, token, now_for_batch)] += 1
