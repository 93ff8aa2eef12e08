"""Letters of a removal challenge, rendered from templates and sent after commit.

One function per letter. Each renders a subject, a plain-text part and an
HTML part from the templates in removals/templates/removals/letters. It
stores the rendered letter on the challenge (ChallengeLetter) and its
timeline. It sends the letter once the transaction that moved the challenge
commits, so a rolled-back change sends nothing.
"""

import logging
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from casework.timeline import record_event
from removals.grounds import GROUNDS
from removals.models import Challenge, ChallengeLetter

logger = logging.getLogger(__name__)


def _context(challenge: Challenge, reply_due_on: date | None, addressee: str) -> dict:
    notice = challenge.notice
    return {
        "challenge": challenge,
        "notice": notice,
        "school": notice.school,
        "ground": GROUNDS[notice.ground],
        "findings": notice.findings,
        "reply_due_on": reply_due_on,
        "addressee": addressee,
        "authority": challenge.authority,
    }


def _send(
    challenge: Challenge,
    name: str,
    *,
    to: str,
    addressee: str,
    reply_due_on: date | None,
) -> ChallengeLetter:
    context = _context(challenge, reply_due_on, addressee)
    subject = render_to_string(f"removals/letters/{name}_subject.txt", context)
    letter = ChallengeLetter.objects.create(
        challenge=challenge,
        stage=challenge.state,
        to=to,
        addressee=addressee,
        subject=" ".join(subject.split()),
        text=render_to_string(f"removals/letters/{name}.txt", context),
        html=render_to_string(f"removals/letters/{name}.html", context),
        created_at=timezone.now(),
        reply_due_on=reply_due_on,
    )
    record_event(
        challenge,
        "removal_challenge.letter_sent",
        note=f"{letter.subject} sent to {addressee} at {to}.",
        data={"letter_id": letter.pk},
    )
    message = EmailMultiAlternatives(
        subject=letter.subject,
        body=letter.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(letter.html, "text/html")

    def send() -> None:
        try:
            message.send()
        except OSError as error:
            # The challenge keeps its new stage and the letter stays recorded;
            # the failure goes on the timeline so an officer can send it again.
            logger.error(
                "Sending letter %s for challenge %s failed: %s",
                letter.pk,
                challenge.pk,
                error,
            )
            record_event(
                challenge,
                "removal_challenge.letter_failed",
                note=f"{letter.subject}: {error}",
                data={"letter_id": letter.pk},
            )

    transaction.on_commit(send)
    return letter


def _school_address(challenge: Challenge) -> str:
    school = challenge.notice.school
    if not school.email:
        raise ValidationError(
            f"{school} has no email address. Add one to the school's record in the "
            "administration pages, then try again."
        )
    return school.email


def send_informal(
    challenge: Challenge, *, reply_due_on: date | None
) -> ChallengeLetter:
    school = challenge.notice.school
    return _send(
        challenge,
        "informal",
        to=_school_address(challenge),
        addressee=school.head_teacher or f"The head teacher, {school.name}",
        reply_due_on=reply_due_on,
    )


def send_formal(challenge: Challenge, *, reply_due_on: date | None) -> ChallengeLetter:
    school = challenge.notice.school
    return _send(
        challenge,
        "formal",
        to=_school_address(challenge),
        addressee=school.head_teacher or f"The head teacher, {school.name}",
        reply_due_on=reply_due_on,
    )


def send_governing_board(
    challenge: Challenge, *, reply_due_on: date | None
) -> ChallengeLetter:
    # NOTE: schools.School has no address for the governing board, so the
    # letter goes to the school's address for the chair's attention.
    school = challenge.notice.school
    return _send(
        challenge,
        "governing_board",
        to=_school_address(challenge),
        addressee=f"The chair of the governing board, {school.name}",
        reply_due_on=reply_due_on,
    )


def send_trust(challenge: Challenge, *, reply_due_on: date | None) -> ChallengeLetter:
    # NOTE: schools.School has the trust's name but no address, so the
    # letter goes to the school's address for the trust's attention.
    school = challenge.notice.school
    return _send(
        challenge,
        "trust",
        to=_school_address(challenge),
        addressee=f"The chief executive, {school.trust or 'the academy trust'}",
        reply_due_on=reply_due_on,
    )


def send_dfe(challenge: Challenge, *, reply_due_on: date | None) -> ChallengeLetter:
    address = settings.ONROLL_DFE_EMAIL
    if not address:
        raise ValidationError(
            "No address is set for the Department for Education. Set "
            "ONROLL_DFE_EMAIL to the address your regional team gave, then try "
            "again."
        )
    return _send(
        challenge,
        "dfe",
        to=address,
        addressee="The Department for Education, regions group",
        reply_due_on=reply_due_on,
    )


SENDERS = {
    "informal": send_informal,
    "formal": send_formal,
    "governing_board": send_governing_board,
    "trust": send_trust,
    "dfe": send_dfe,
}
