"""Letters of a removal challenge, queued in the outbox.

One function per letter. Each renders the letter's email template
(correspondence, removal_challenge_<stage>) and queues it in the outbox in
the transaction that moves the challenge, so a rolled-back change sends
nothing and a committed one is sent by the outbox worker, with retries. It
keeps a ChallengeLetter naming the stage and the addressee, and notes the
letter on the challenge's timeline.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from access.models import User
from casework.timeline import record_event
from correspondence import outbox
from removals.grounds import GROUNDS
from removals.models import Challenge, ChallengeLetter


def _context(challenge: Challenge, reply_due_on: date | None, addressee: str) -> dict:
    notice = challenge.notice
    ground = GROUNDS[notice.ground]
    return {
        # The pupil as the school's notice names them.
        "child": {
            "full_name": notice.pupil_name,
            "date_of_birth": notice.date_of_birth,
            "upn": notice.upn,
        },
        "school": notice.school,
        "authority": challenge.authority,
        "case": challenge,
        "addressee": addressee,
        "deletion_on": notice.deletion_on,
        "ground": f"{ground.letter} ({ground.source}): {ground.title}",
        "destination": notice.get_destination_display(),
        "concerns": "\n".join(
            f"- {finding['title']}: {finding['message']} (Rule: {finding['source']})"
            for finding in notice.findings
        ),
        "reason": challenge.reason,
        "reply_due_on": reply_due_on,
    }


def _send(
    challenge: Challenge,
    stage: str,
    *,
    to: str,
    addressee: str,
    reply_due_on: date | None,
    actor: User | None,
) -> ChallengeLetter:
    message = outbox.queue(
        f"removal_challenge_{stage}",
        to=to,
        context=_context(challenge, reply_due_on, addressee),
        case=challenge,
        actor=actor,
    )
    letter = ChallengeLetter.objects.create(
        challenge=challenge,
        stage=challenge.state,
        message=message,
        addressee=addressee,
        created_at=timezone.now(),
        reply_due_on=reply_due_on,
    )
    record_event(
        challenge,
        "removal_challenge.letter_sent",
        actor=actor,
        note=f"{message.subject} queued for {addressee} at {to}.",
        data={"letter_id": letter.pk, "message_id": message.pk},
    )
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
    challenge: Challenge, *, reply_due_on: date | None, actor: User | None = None
) -> ChallengeLetter:
    school = challenge.notice.school
    return _send(
        challenge,
        "informal",
        to=_school_address(challenge),
        addressee=school.head_teacher or f"The head teacher, {school.name}",
        reply_due_on=reply_due_on,
        actor=actor,
    )


def send_formal(
    challenge: Challenge, *, reply_due_on: date | None, actor: User | None = None
) -> ChallengeLetter:
    school = challenge.notice.school
    return _send(
        challenge,
        "formal",
        to=_school_address(challenge),
        addressee=school.head_teacher or f"The head teacher, {school.name}",
        reply_due_on=reply_due_on,
        actor=actor,
    )


def send_governing_board(
    challenge: Challenge, *, reply_due_on: date | None, actor: User | None = None
) -> ChallengeLetter:
    school = challenge.notice.school
    return _send(
        challenge,
        "governing_board",
        to=school.governing_board_email or _school_address(challenge),
        addressee=f"The chair of the governing board, {school.name}",
        reply_due_on=reply_due_on,
        actor=actor,
    )


def send_trust(
    challenge: Challenge, *, reply_due_on: date | None, actor: User | None = None
) -> ChallengeLetter:
    school = challenge.notice.school
    return _send(
        challenge,
        "trust",
        to=school.trust_email or _school_address(challenge),
        addressee=f"The chief executive, {school.trust or 'the academy trust'}",
        reply_due_on=reply_due_on,
        actor=actor,
    )


def send_dfe(
    challenge: Challenge, *, reply_due_on: date | None, actor: User | None = None
) -> ChallengeLetter:
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
        actor=actor,
    )


SENDERS = {
    "informal": send_informal,
    "formal": send_formal,
    "governing_board": send_governing_board,
    "trust": send_trust,
    "dfe": send_dfe,
}
