"""Emails of placement tracking, rendered from templates and sent after commit.

Each email has a subject, a plain-text part and an HTML part rendered from
one context. Sending waits until the transaction that changed the case
commits, so a rolled-back change never emails a school. Every email to a
school carries a new one-time reply link (placements.links), stored in the
same transaction, so a rolled-back change leaves no link behind either.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from casework.timeline import record_event
from placements import links

logger = logging.getLogger(__name__)


def _render(name: str, context: dict) -> EmailMultiAlternatives:
    subject = render_to_string(f"placements/email/{name}_subject.txt", context)
    text = render_to_string(f"placements/email/{name}.txt", context)
    html = render_to_string(f"placements/email/{name}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[context["placement"].school.email],
    )
    message.attach_alternative(html, "text/html")
    return message


def _context(placement, **extra) -> dict:
    reply_link = links.issue(placement)
    return {
        "placement": placement,
        "child": placement.child,
        "school": placement.school,
        "reply_days": settings.ONROLL_PLACEMENT_DEADLINES["school_reply_days"],
        "reply_url": links.url_for(reply_link),
        "reply_link_expires_at": reply_link.expires_at,
        **extra,
    }


def _send_after_commit(placement, name: str, context: dict) -> None:
    message = _render(name, context)

    def send() -> None:
        try:
            message.send()
        except OSError as error:
            # The case change is kept, and the failure goes on the timeline so
            # that an officer sees it and can send again.
            logger.error(
                "Sending %s for placement %s failed: %s",
                name,
                placement.pk,
                error,
                extra={"placement_id": placement.pk},
            )
            record_event(placement, "placement.email_failed", note=f"{name}: {error}")

    transaction.on_commit(send)


def queue_on_roll_request(placement) -> None:
    _send_after_commit(placement, "on_roll_request", _context(placement))


def queue_chase(placement, number: int) -> None:
    _send_after_commit(placement, "chase", _context(placement, number=number))


def queue_escalation(placement) -> None:
    _send_after_commit(placement, "escalation", _context(placement))
