"""The referral acknowledgement, emailed to the person who referred a child.

cme.actions.refer queues it through correspondence.outbox in the referral's
own transaction, so a referral that rolls back leaves no email behind and a
committed one is sent by the outbox worker. The email gives the referrer the
case number to quote and the day of the first review.
"""

import logging

from casework.timeline import record_event
from cme.models import CmeCase
from correspondence import outbox
from correspondence.models import Message

logger = logging.getLogger(__name__)

ACKNOWLEDGEMENT_TEMPLATE = "cme_referral_acknowledgement"

# The salutation when the referrer gave an address but no name.
UNNAMED_REFERRER = "Sir or Madam"


def acknowledgement_context(
    case: CmeCase, referrer_name: str | None = None, received_on=None
) -> dict:
    """Return the merge fields of the acknowledgement (correspondence.shipped).

    The referrer and the day received are the case's own unless a later
    referral added to the case gives its own.
    """
    if referrer_name is None:
        referrer_name = case.referrer_name
    return {
        "child": case.child,
        "referrer_name": referrer_name or UNNAMED_REFERRER,
        "authority": case.authority,
        "case": case,
        "received_on": received_on or case.referred_on,
        # The first review day, counted by cme.deadlines.set_review_deadline.
        "review_due_on": case.due_on,
    }


def queue_acknowledgement(
    case: CmeCase,
    actor=None,
    *,
    to: str | None = None,
    referrer_name: str | None = None,
    received_on=None,
) -> Message | None:
    """Queue the acknowledgement to the referrer's email, if there is one.

    The referrer is the case's own, or the one of a later referral added to
    the case when `to` (and its name and day) are given.

    Returns the message, or None when nothing was queued. The email names
    the day of the first review, so a case whose review day could not be
    counted (the authority's term dates stop too soon) gets no email. An
    event on its timeline then tells the officer to acknowledge the referral
    another way.
    """
    to = case.referrer_email if to is None else to
    if not to:
        return None
    if case.due_on is None:
        logger.warning(
            "CME case %s: referral acknowledgement not queued because the review "
            "day is not known",
            case.pk,
        )
        record_event(
            case,
            "cme.acknowledgement_not_sent",
            actor=actor,
            note=f"No acknowledgement was emailed to {to}: the "
            "review day cannot be counted until the authority's term dates are "
            "added. Acknowledge the referral another way.",
        )
        return None
    return outbox.queue(
        ACKNOWLEDGEMENT_TEMPLATE,
        to=to,
        context=acknowledgement_context(case, referrer_name, received_on),
        case=case,
        actor=actor,
    )
