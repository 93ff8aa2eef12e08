"""Every change to a removal notice or a removal challenge goes through here.

Each action checks the user's permission through access.policy, validates
its input, changes the rows, and records the timeline event and the audit
entry, all in one transaction. Invalid input raises a ValidationError keyed
by form field, and nothing is saved.
"""

import hashlib
import json
import logging
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from access import policy
from access.models import Share, User
from audit import changes as audit_changes
from audit.log import record
from casework.deadlines import end_of_day, london_today
from casework.timeline import record_event
from casework.transitions import StaleCase, TransitionNotAllowed, claim
from children import actions as child_actions
from children.models import Child
from children.upn import check_upn, validate_upn
from cme import actions as cme_actions
from cme.models import CmeCase
from onroll.formatters import long_date
from removals import checks, letters, uploads
from removals.models import (
    Challenge,
    Destination,
    PartnerFlag,
    RemovalNotice,
    RemovalUpload,
)
from removals.states import (
    CLOSED_STATES,
    TRANSITIONS,
    State,
    allowed_transitions,
    school_kind,
)
from schools.calendars import CalendarCache
from schools.models import School
from schools.schooldays import CalendarNotKnown, add_school_days

logger = logging.getLogger(__name__)

_KIND_LABELS = {"academy": "an academy", "maintained": "a maintained school"}

# The actor label on the timeline of a challenge that failed checks opened.
AUTOMATIC_CHECKS = "Onroll (automatic checks)"
# The reason of such a challenge. Its letters list the failed checks under
# "What concerns us" and the challenge page shows them, so the reason does
# not repeat them.
AUTOMATIC_REASON = "The notice failed one or more of the authority's checks."

# Each letter's reply deadline, as a key of ONROLL_REMOVALS.
_REPLY_DAYS = {
    State.INFORMAL: "informal_reply_days",
    State.FORMAL: "formal_reply_days",
    State.GOVERNING_BOARD: "escalation_reply_days",
    State.TRUST: "escalation_reply_days",
    State.DFE: "escalation_reply_days",
}


# Notices ---------------------------------------------------------------------


def fingerprint(school: School, fields: dict[str, Any]) -> str:
    """Return the SHA-256 of what identifies one deletion: pupil, ground and date.

    The same pupil deleted on the same day on the same ground is one
    notice, however often it is typed or uploaded.
    """
    identity = {
        "school": school.pk,
        "pupil": fields.get("upn")
        or [
            fields["first_name"].strip().lower(),
            fields["last_name"].strip().lower(),
            str(fields["date_of_birth"]),
        ],
        "ground": fields["ground"],
        "deletion_on": str(fields["deletion_on"]),
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def _clean_upn(upn: str, errors: dict) -> str:
    if not upn.strip():
        return ""
    try:
        validate_upn(upn)
    except ValidationError as error:
        errors["upn"] = error.messages
        return ""
    return check_upn(upn)


def validate_notice(school: School, fields: dict[str, Any]) -> dict[str, Any]:
    """Return the notice's fields cleaned, or raise ValidationError by field."""
    errors: dict[str, Any] = {}
    cleaned = dict(fields)
    for name, label in (
        ("first_name", "the pupil's first name"),
        ("last_name", "the pupil's last name"),
        ("notifier_name", "your name"),
        ("notifier_role", "your role at the school"),
    ):
        cleaned[name] = (fields.get(name) or "").strip()
        if not cleaned[name]:
            errors[name] = f"Enter {label}."
    date_of_birth = fields.get("date_of_birth")
    if date_of_birth is None:
        errors["date_of_birth"] = "Enter the pupil's date of birth."
    elif date_of_birth >= london_today():
        errors["date_of_birth"] = (
            f"The date of birth, {long_date(date_of_birth)}, must be in the past."
        )
    deletion_on = fields.get("deletion_on")
    if deletion_on is None:
        errors["deletion_on"] = "Enter the date of deletion, or the planned date."
    else:
        days_ahead = checks.limit("max_days_ahead")
        latest = london_today() + timedelta(days=days_ahead)
        if deletion_on > latest:
            errors["deletion_on"] = (
                f"The date of deletion, {long_date(deletion_on)}, is more than "
                f"{days_ahead} days ahead. Enter a date no later than "
                f"{long_date(latest)}, or notify the removal nearer the time."
            )
    cleaned["upn"] = _clean_upn(fields.get("upn") or "", errors)
    try:
        cleaned["answers"] = checks.clean_answers(
            fields["ground"], school, fields.get("answers") or {}
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    _validate_destination(cleaned, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _validate_destination(cleaned: dict[str, Any], errors: dict) -> None:
    destination = cleaned.get("destination")
    if destination not in Destination.values:
        errors["destination"] = (
            f"“{destination}” is not a destination. Choose one of: "
            + ", ".join(Destination.values)
            + "."
        )
        return
    if destination == Destination.SCHOOL and not (
        cleaned.get("destination_school") or cleaned.get("destination_school_name")
    ):
        errors["destination_school_name"] = "Enter the name of the new school."
    if destination == Destination.OTHER_AUTHORITY and not (
        cleaned.get("destination_authority")
        or cleaned.get("destination_authority_name")
    ):
        errors["destination_authority_name"] = (
            "Enter the local authority the family has moved to."
        )
    if (
        destination == Destination.ABROAD
        and not (cleaned.get("destination_country") or "").strip()
    ):
        errors["destination_country"] = "Enter the country the family has moved to."
    school = cleaned.get("destination_school")
    if school is not None:
        cleaned["destination_school_name"] = school.name


def match_child(school: School, fields: dict[str, Any]) -> Child | None:
    """Return the school's authority's child with this UPN, or name and birth date.

    None when no child, or more than one, matches by name and birth date.
    """
    children = Child.objects.filter(authority_id=school.authority_id)
    if fields["upn"]:
        child = children.filter(upn=fields["upn"]).first()
        if child is not None:
            return child
    matches = list(
        children.filter(
            legal_first_name__iexact=fields["first_name"],
            legal_last_name__iexact=fields["last_name"],
            date_of_birth=fields["date_of_birth"],
        )[:2]
    )
    return matches[0] if len(matches) == 1 else None


@transaction.atomic
def notify(
    *, actor: User, upload: RemovalUpload | None = None, **fields: Any
) -> tuple[RemovalNotice, bool]:
    """Record a school's removal notice, check it and route it.

    Returns the notice and whether it is new: a notice whose fingerprint the
    school has already sent is returned unchanged. `fields` are the model's
    fields plus `answers` (raw answers keyed by question) and `parents`.
    """
    if not policy.can_notify_removal(actor):
        raise PermissionDenied(
            "Only school staff can notify a removal from roll. Your account is not "
            "linked to a school."
        )
    school = actor.school
    cleaned = validate_notice(school, fields)
    notice_fingerprint = fingerprint(school, cleaned)
    existing = RemovalNotice.objects.filter(
        school=school, fingerprint=notice_fingerprint
    ).first()
    if existing is not None:
        return existing, False

    child = match_child(school, cleaned) or child_actions.register_removed_pupil(
        actor=actor,
        legal_first_name=cleaned["first_name"],
        legal_last_name=cleaned["last_name"],
        date_of_birth=cleaned["date_of_birth"],
        upn=cleaned["upn"],
        parents=cleaned.get("parents"),
    )
    notice = RemovalNotice(
        authority_id=school.authority_id,
        school=school,
        child=child,
        notified_by=actor,
        notified_at=timezone.now(),
        upload=upload,
        fingerprint=notice_fingerprint,
        **{
            name: value
            for name, value in cleaned.items()
            if name in _NOTICE_FIELDS and value is not None
        },
    )
    calendars = CalendarCache()
    notice.findings = checks.evaluate(notice, school, calendars.for_school(school))
    notice.save()
    record(
        "removal.notify",
        actor=actor,
        target=notice,
        changes=audit_changes.created(notice),
    )
    record_event(
        notice,
        "removal.notified",
        actor=actor,
        note=f"Ground {notice.ground}: {notice.ground_title}. Destination: "
        f"{notice.get_destination_display().lower()}.",
        data={"findings": [f["check"] for f in notice.findings]},
    )
    _route(notice, calendars)
    if notice.findings:
        open_challenge(notice, actor=None, reason=AUTOMATIC_REASON)
    return notice, True


_NOTICE_FIELDS = frozenset(
    {
        "first_name",
        "last_name",
        "date_of_birth",
        "upn",
        "address",
        "parents",
        "ground",
        "answers",
        "deletion_on",
        "destination",
        "destination_school",
        "destination_school_name",
        "destination_authority",
        "destination_authority_name",
        "destination_country",
        "new_address",
        "new_start_on",
        "siblings",
        "notifier_name",
        "notifier_role",
    }
)


# Uploads ---------------------------------------------------------------------


@transaction.atomic
def preview_upload(*, actor: User, filename: str, content: bytes) -> RemovalUpload:
    """Read a CSV file of notices and keep its rows for the user to confirm.

    The same file uploaded again by the same school returns the first upload,
    confirmed or not, so no notice is saved twice. If that upload was never
    confirmed and retention has deleted its rows, the file is read again
    into it.
    """
    if not policy.can_notify_removal(actor):
        raise PermissionDenied(
            "Only school staff can upload removal notices. Your account is not "
            "linked to a school."
        )
    school = actor.school
    file_fingerprint = hashlib.sha256(content).hexdigest()
    existing = RemovalUpload.objects.filter(
        school=school, fingerprint=file_fingerprint
    ).first()
    if existing is not None and (
        existing.confirmed_at is not None or existing.rows_cleared_at is None
    ):
        return existing
    rows, problems = uploads.parse(content, school)
    if existing is not None:
        existing.filename = filename[:200]
        existing.uploaded_by = actor
        existing.uploaded_at = timezone.now()
        existing.rows = rows
        existing.problems = problems
        existing.rows_cleared_at = None
        existing.save()
        record(
            "removal.upload",
            actor=actor,
            target=existing,
            data={"rows": len(rows), "problems": len(problems), "again": True},
        )
        return existing
    upload = RemovalUpload.objects.create(
        school=school,
        fingerprint=file_fingerprint,
        filename=filename[:200],
        uploaded_by=actor,
        uploaded_at=timezone.now(),
        rows=rows,
        problems=problems,
    )
    record(
        "removal.upload",
        actor=actor,
        target=upload,
        data={"rows": len(rows), "problems": len(problems)},
    )
    return upload


@transaction.atomic
def confirm_upload(upload: RemovalUpload, *, actor: User) -> tuple[int, int]:
    """Save the upload's valid rows as notices; return how many were new and old.

    A row whose notice the school already sent (in this file or another) is
    counted as old and not saved again. A second confirmation saves nothing.
    The rows and problems are deleted once the notices are saved, because
    the notices now contain what the school sent. The counts stay.
    """
    if not policy.can_notify_removal(actor) or actor.school_id != upload.school_id:
        raise PermissionDenied("Only the school that uploaded the file can confirm it.")
    now = timezone.now()
    claimed = RemovalUpload.objects.filter(
        pk=upload.pk, confirmed_at__isnull=True, rows_cleared_at__isnull=True
    ).update(confirmed_at=now)
    if claimed != 1:
        upload.refresh_from_db()
        if upload.confirmed_at is not None:
            raise TransitionNotAllowed(
                f"{upload.filename} was already confirmed, so its notices are saved."
            )
        raise TransitionNotAllowed(
            f"{upload.filename} was not confirmed in time, so its lines were "
            "deleted. Upload the file again to check and save it."
        )
    created = existing = 0
    for row in upload.rows:
        _, is_new = notify(actor=actor, upload=upload, **uploads.from_json(row))
        created += is_new
        existing += not is_new
    upload.confirmed_at = now
    upload.saved_count = created
    upload.already_notified_count = existing
    upload.rows = []
    upload.problems = []
    upload.rows_cleared_at = now
    upload.save(
        update_fields=[
            "confirmed_at",
            "saved_count",
            "already_notified_count",
            "rows",
            "problems",
            "rows_cleared_at",
        ]
    )
    record(
        "removal.upload_confirm",
        actor=actor,
        target=upload,
        data={"created": created, "existing": existing},
    )
    return created, existing


# Routing ---------------------------------------------------------------------


def _route(notice: RemovalNotice, calendars: CalendarCache) -> None:
    """Send the notice where its destination needs it, and flag it to partners."""
    if notice.destination == Destination.UNKNOWN:
        cme_actions.refer(
            child=notice.child,
            authority=notice.authority,
            source=CmeCase.Source.UNKNOWN_DESTINATION,
            reason=f"{notice.school.name} deleted {notice.pupil_name} from roll on "
            f"{long_date(notice.deletion_on)} (ground {notice.ground}) without "
            "knowing where the pupil has gone.",
            last_known_school=notice.school,
            source_case=notice,
            # None lets refer() fall back to the child's latest address.
            last_known_address=notice.last_known_address or None,
            referrer_name=notice.notifier_name,
            referrer_organisation=notice.school.name,
        )
    elif notice.destination == Destination.SCHOOL and notice.destination_school:
        _await_arrival(notice, calendars)
    elif notice.destination == Destination.OTHER_AUTHORITY:
        # The record of the move is the notice itself, which staff of the
        # destination authority see through access.policy.visible_removals.
        record_event(
            notice,
            "removal.move_recorded",
            note="Move to "
            + (
                str(notice.destination_authority)
                if notice.destination_authority
                else notice.destination_authority_name
            )
            + " recorded.",
        )
    # Home education needs no step here: the home education team's list
    # (removals.views.home_education) selects these notices.
    if notice.child.vulnerabilities.exists():
        _flag_to_partners(notice)


def _await_arrival(notice: RemovalNotice, calendars: CalendarCache) -> None:
    """Give the destination school a deadline to confirm the child on roll."""
    start = max(notice.deletion_on, london_today())
    try:
        due_on = add_school_days(
            calendars.for_school(notice.destination_school),
            start,
            checks.limit("arrival_days"),
        )
    except CalendarNotKnown as error:
        # NOTE: without the new school's term dates, two calendar weeks per 10
        # school days stand in for the limit.
        logger.warning("Arrival deadline for notice %s estimated: %s", notice.pk, error)
        due_on = start + timedelta(days=checks.limit("arrival_days") * 7 // 5)
    notice.arrival = RemovalNotice.Arrival.AWAITED
    notice.arrival_due_on = due_on
    notice.arrival_due_at = end_of_day(due_on)
    notice.save(update_fields=["arrival", "arrival_due_on", "arrival_due_at"])
    record_event(
        notice,
        "removal.arrival_awaited",
        note=f"{notice.destination_school.name} to confirm the pupil on roll by "
        f"{long_date(due_on)}.",
    )


def _flag_to_partners(notice: RemovalNotice) -> None:
    shares = Share.objects.filter(
        child=notice.child, revoked_at__isnull=True
    ).select_related("organisation")
    for share in shares:
        flag = PartnerFlag.objects.create(
            notice=notice, organisation=share.organisation, flagged_at=timezone.now()
        )
        record(
            "removal.partner_flag",
            target=flag,
            child=notice.child,
            data={"notice_id": notice.pk, "organisation_id": share.organisation_id},
        )
        record_event(
            notice,
            "removal.partner_flagged",
            note=f"Flagged to {share.organisation.name}: the child has a "
            "vulnerability alert.",
        )


def _check_awaited_arrival(
    notice: RemovalNotice, actor: User, version: int | None, verb: str
) -> None:
    if not policy.expected_arrivals(
        actor, RemovalNotice.objects.filter(pk=notice.pk)
    ).exists():
        raise PermissionDenied(
            "Only the pupil's new school can confirm or report this arrival."
        )
    if notice.arrival != RemovalNotice.Arrival.AWAITED:
        raise TransitionNotAllowed(
            f"This arrival is {notice.get_arrival_display().lower()}, so it cannot "
            f"be {verb}."
        )
    if version is not None and version != notice.version:
        raise StaleCase(notice)


def refer_missing_arrival(notice: RemovalNotice, reason: str) -> None:
    """Refer a pupil the named new school has not taken on roll as missing education."""
    cme_actions.refer(
        child=notice.child,
        authority=notice.authority,
        source=CmeCase.Source.UNKNOWN_DESTINATION,
        reason=reason,
        last_known_school=notice.school,
        source_case=notice,
        # None lets refer() fall back to the child's latest address.
        last_known_address=notice.last_known_address or None,
    )


@transaction.atomic
def report_not_arrived(
    notice: RemovalNotice, *, actor: User, note: str, version: int | None = None
) -> None:
    """Record the new school's report that the pupil has not arrived, and refer them.

    The school need not wait for the arrival deadline, so a pupil it does not
    expect is referred as missing education at once.
    """
    _check_awaited_arrival(notice, actor, version, "reported as not arrived")
    note = note.strip()
    if not note:
        raise ValidationError(
            {"note": "Enter what the school knows, such as the family's last contact"}
        )
    before = audit_changes.snapshot(notice)
    claim(notice)
    notice.arrival = RemovalNotice.Arrival.REFERRED_CME
    notice.arrival_due_at = None
    notice.save()
    record(
        "removal.report_not_arrived",
        actor=actor,
        target=notice,
        changes=audit_changes.diff(before, notice),
    )
    school = notice.destination_school.name
    record_event(notice, "removal.not_arrived", actor=actor, note=note)
    refer_missing_arrival(
        notice,
        f"{notice.school.name} removed {notice.pupil_name} from roll on "
        f"{long_date(notice.deletion_on)}, naming {school} as the new school. "
        f"{school} reports the pupil has not arrived: {note}",
    )


@transaction.atomic
def confirm_arrival(
    notice: RemovalNotice, *, actor: User, starting_on: date, version: int | None = None
) -> None:
    """Record the destination school's confirmation that the child is on roll."""
    _check_awaited_arrival(notice, actor, version, "confirmed")

    if starting_on > london_today():
        raise ValidationError(
            {
                "starting_on": f"The starting day, {long_date(starting_on)}, is in the "
                "future. Confirm once the pupil has started."
            }
        )

    before = audit_changes.snapshot(notice)
    claim(notice)
    notice.arrival = RemovalNotice.Arrival.CONFIRMED
    notice.arrival_confirmed_on = starting_on
    notice.arrival_due_at = None
    notice.save()
    record(
        "removal.confirm_arrival",
        actor=actor,
        target=notice,
        changes=audit_changes.diff(before, notice),
    )
    record_event(
        notice,
        "removal.arrival_confirmed",
        actor=actor,
        note=f"On roll at {notice.destination_school.name} from "
        f"{long_date(starting_on)}.",
    )


# Challenges ------------------------------------------------------------------


@transaction.atomic
def open_challenge(
    notice: RemovalNotice, *, actor: User | None, reason: str
) -> tuple[Challenge, bool]:
    """Open a challenge to the notice and return it with whether it is new.

    `actor` is None when a failed check opens it. A notice has at most one
    open challenge. A second call returns that challenge, and an officer's
    reason is added to its timeline as a note so that it is not lost.
    """
    if actor is not None and not policy.can_act_on_removal(actor, notice):
        raise TransitionNotAllowed(
            "Only officers of the school's local authority can challenge a removal."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the removal is being challenged."})
    existing = Challenge.objects.filter(notice=notice, is_open=True).first()
    if existing is not None:
        if actor is not None:
            record("removal_challenge.add_note", actor=actor, target=existing)
            record_event(
                existing,
                "removal_challenge.note_added",
                actor=actor,
                note=reason.strip(),
            )
        return existing, False
    challenge = Challenge.objects.create(
        authority_id=notice.authority_id,
        child_id=notice.child_id,
        notice=notice,
        owner=actor,
        state=State.OPENED,
        opened_at=timezone.now(),
        reason=reason.strip(),
    )
    record(
        "removal_challenge.open",
        actor=actor,
        target=challenge,
        changes=audit_changes.created(challenge),
    )
    record_event(
        challenge,
        "removal_challenge.opened",
        actor=actor,
        to_state=State.OPENED,
        note=reason.strip(),
        # Event.actor_label shows acted_by when no user acted, so the
        # timeline names the checks and not the deadline sweep.
        data={} if actor is not None else {"acted_by": AUTOMATIC_CHECKS},
    )
    return challenge, True


def _reply_due_on(challenge: Challenge, state: str) -> date | None:
    key = _REPLY_DAYS.get(state)
    if key is None:
        return None
    return add_school_days(
        CalendarCache().for_school(challenge.notice.school),
        london_today(),
        checks.limit(key),
    )


@transaction.atomic
def move_challenge(
    challenge: Challenge,
    name: str,
    *,
    actor: User,
    note: str = "",
    version: int | None = None,
) -> None:
    """Take one transition of the challenge, sending the stage's letter if any.

    Raises CalendarNotKnown when the school has no term dates for the reply
    deadline, with nothing changed.
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise TransitionNotAllowed(f"A challenge has no step called {name}.")
    school = challenge.notice.school
    if transition not in allowed_transitions(challenge.state, school):
        reason = f"the challenge is {challenge.get_state_display().lower()}"
        if transition.school_kind and transition.school_kind != school_kind(school):
            reason = f"{school.name} is not {_KIND_LABELS[transition.school_kind]}"
        raise TransitionNotAllowed(
            f"You cannot {transition.label.lower()} because {reason}."
        )
    if not policy.can_act_on_challenge(actor, challenge):
        raise TransitionNotAllowed(
            f"Your role does not allow you to {transition.label.lower()}."
        )
    if version is not None and version != challenge.version:
        raise StaleCase(challenge)
    if transition.target in CLOSED_STATES and not note.strip():
        raise ValidationError({"note": "Enter the outcome and how it was reached."})

    before = audit_changes.snapshot(Challenge.objects.get(pk=challenge.pk))
    claim(challenge)
    from_state = challenge.state
    challenge.state = transition.target
    challenge.due_on = _reply_due_on(challenge, transition.target)
    if challenge.state in CLOSED_STATES:
        challenge.outcome_note = note.strip()
    challenge.save()
    record(
        f"removal_challenge.{transition.name}",
        actor=actor,
        target=challenge,
        changes=audit_changes.diff(before, challenge),
    )
    record_event(
        challenge,
        f"removal_challenge.{transition.name}",
        actor=actor,
        from_state=from_state,
        to_state=challenge.state,
        note=note.strip(),
    )
    if transition.letter:
        letters.SENDERS[transition.letter](
            challenge, reply_due_on=challenge.due_on, actor=actor
        )
