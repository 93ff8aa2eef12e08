"""Signed one-time links that let a school answer one on-roll request by email.

Every on-roll request, chase and escalation email carries a fresh link to
/school/reply/<token>/. The token is a random nonce stored in
SchoolReplyLink, signed by django.core.signing.dumps with SECRET_KEY and a
salt of its own, so an altered or made-up token is rejected before any
database lookup. The expiry is kept in the database row, not in the
signature's timestamp, so that one rule decides it. A link stops working at
the first of:

- its expiry, ONROLL_SCHOOL_LINK_DAYS calendar days after it was issued;
- its first use, which is claimed by a conditional UPDATE in the same
  transaction as the action, so of two submissions at once only one succeeds;
- the placement leaving the requested and on-roll states, whoever moved it.

Earlier unused links for the same placement keep working until one of these
happens to them, because a school may answer from any of the emails.
"""

import logging
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from placements import actions
from placements.models import Placement, SchoolReplyLink
from placements.states import SCHOOL_LINK, State, Transition, allowed_transitions

logger = logging.getLogger(__name__)

SALT = "placements.school_reply_link"
# The states in which a school still has something to answer.
ANSWERABLE_STATES = frozenset({State.REQUESTED, State.ON_ROLL})


class LinkProblem(Exception):
    """A reply link that cannot be used. The texts never name the child."""

    status = 410  # the HTTP status of the page that explains the problem
    title = ""
    explanation = ""


class LinkInvalid(LinkProblem):
    status = 404
    title = "This link is not valid"
    explanation = (
        "The web address is not one Onroll sent. If you copied it from an email, "
        "check that you copied all of it."
    )


class LinkExpired(LinkProblem):
    title = "This link has expired"
    explanation = (
        "Links in on-roll request emails work for a limited time, and this one "
        "has run out."
    )


class LinkUsed(LinkProblem):
    title = "This link has already been used"
    explanation = (
        "Each link in an on-roll request email works once, and someone has "
        "already answered with this one."
    )


class RequestClosed(LinkProblem):
    title = "This request has already been answered"
    explanation = (
        "The local authority has already recorded an answer to this request, so "
        "there is nothing more to do through this link."
    )


def issue(placement: Placement) -> SchoolReplyLink:
    """Store a new link for the placement, valid for ONROLL_SCHOOL_LINK_DAYS."""
    now = timezone.now()
    return SchoolReplyLink.objects.create(
        placement=placement,
        nonce=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + timedelta(days=settings.ONROLL_SCHOOL_LINK_DAYS),
    )


def url_for(link: SchoolReplyLink) -> str:
    """Return the link's absolute address, under ONROLL_BASE_URL."""
    token = signing.dumps(link.nonce, salt=SALT)
    path = reverse("school:reply", kwargs={"token": token})
    return settings.ONROLL_BASE_URL.rstrip("/") + path


def resolve(token: str) -> SchoolReplyLink:
    """Return the usable link behind a token, or raise the LinkProblem that stops it."""
    try:
        nonce = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        logger.warning("School reply link rejected: bad signature")
        raise LinkInvalid from None
    link = (
        SchoolReplyLink.objects.select_related("placement__child", "placement__school")
        .filter(nonce=nonce)
        .first()
    )
    if link is None:
        logger.warning("School reply link rejected: signed nonce not stored")
        raise LinkInvalid
    check_usable(link)
    return link


def check_usable(link: SchoolReplyLink) -> None:
    """Raise the LinkProblem that stops the link being used now, if any."""
    if link.used_at is not None:
        problem: LinkProblem = LinkUsed()
    elif link.placement.state not in ANSWERABLE_STATES:
        problem = RequestClosed()
    elif link.expires_at <= timezone.now():
        problem = LinkExpired()
    else:
        return
    logger.info(
        "School reply link %s for placement %s rejected: %s",
        link.pk,
        link.placement_id,
        problem.title,
    )
    raise problem


def answers(link: SchoolReplyLink) -> list[Transition]:
    """Return the answers the link offers in the placement's current state."""
    return allowed_transitions(link.placement.state, SCHOOL_LINK)


def _action(name: str) -> Callable[..., Any]:
    # Looked up at call time because placements.actions imports this module
    # (through placements.emails) while it loads.
    link_actions = {
        "confirm_on_roll": actions.confirm_on_roll,
        "confirm_attendance": actions.confirm_attendance,
        "report_not_arrived": actions.report_not_arrived,
    }
    return link_actions[name]


@transaction.atomic
def answer(link: SchoolReplyLink, name: str, **action_data: Any) -> None:
    """Spend the link and carry out the school's answer, or change nothing.

    The conditional UPDATE claims the link: of two requests holding the same
    unused link, the database lets exactly one match the row, and the other
    gets LinkUsed. A failing action (ValidationError, StaleCase,
    TransitionNotAllowed) rolls the claim back, so the link stays unused.
    """
    now = timezone.now()
    claimed = SchoolReplyLink.objects.filter(
        pk=link.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now, used_for=name)
    if claimed != 1:
        link.refresh_from_db()
        check_usable(link)
        raise LinkUsed
    if link.placement.state not in ANSWERABLE_STATES:
        raise RequestClosed
    _action(name)(link.placement, actor=None, via_link=True, **action_data)
    link.used_at = now
    link.used_for = name
