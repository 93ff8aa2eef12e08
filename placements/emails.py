"""Emails of placement tracking, queued in the outbox with the case change.

Each email comes from a named template (correspondence.models.EmailTemplate)
and is queued by correspondence.outbox in the transaction that changed the
case, so a rolled-back change neither emails a school nor leaves a message
behind; the outbox worker sends it after commit. Every email to a school
carries a new one-time reply link (placements.links), stored in the same
transaction.
"""

from django.conf import settings

from correspondence import outbox
from correspondence.models import Message
from placements import links

# The templates of the on-roll request and its chase sequence: a school's
# answer cancels those not yet sent.
CHASE_SEQUENCE = (
    "on_roll_request",
    "chase_first",
    "chase_second",
    "escalation_head_teacher",
)


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


def _queue(placement, template_name: str, actor=None, **extra) -> Message:
    return outbox.queue(
        template_name,
        to=placement.school.email,
        context=_context(placement, **extra),
        case=placement,
        actor=actor,
    )


def queue_on_roll_request(placement, actor=None) -> Message:
    return _queue(placement, "on_roll_request", actor=actor)


def chase_template(number: int) -> str:
    """Return the template of chase `number`; later chases reuse the second."""
    return "chase_first" if number == 1 else "chase_second"


def queue_chase(placement, number: int) -> Message:
    return _queue(placement, chase_template(number), number=number)


def queue_escalation(placement) -> Message:
    return _queue(placement, "escalation_head_teacher")


def stop_chasing(placement, reason: str) -> int:
    """Cancel the placement's request and chases not yet sent; return how many."""
    return outbox.cancel_for_case(
        placement, templates=list(CHASE_SEQUENCE), reason=reason
    )
