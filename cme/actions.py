"""Every change to a CME case goes through one of these actions.

Each action checks that the case's state and the user's role allow it
(cme.states) and that the user's organisation may act on the case
(access.policy), validates its input, changes the rows, recomputes the
review deadline, and records the timeline event and the audit entry, all in
one transaction. Invalid input raises a ValidationError keyed by form field
and nothing is saved.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from access import policy
from access.models import User
from audit import changes as audit_changes
from audit.log import record
from casework.deadlines import london_today
from casework.models import Event
from casework.timeline import events_for, record_event
from casework.transitions import StaleCase, TransitionNotAllowed, claim
from children.models import Child
from children.upn import check_upn, validate_upn
from cme import emails, outcomes
from cme.compulsory import csa_ends_on
from cme.deadlines import set_review_deadline
from cme.enquiries import required_before_not_found
from cme.models import (
    CmeCase,
    Enquiry,
    EnquiryKind,
    InterimProvision,
    MissingPeriod,
    ReferralPackSent,
    SafeguardingReferral,
    Transfer,
)
from cme.priority import priority_for
from cme.states import SYSTEM, TRANSITIONS, State, Transition
from onroll.formatters import long_date
from schools.calendars import CalendarCache
from schools.models import Authority, School

# Sources whose child is waiting for a school place, and the primary reason
# the termly return gives each source by default.
_WAITING_SOURCES = frozenset({CmeCase.Source.PLACE_NOT_TAKEN_UP})
# Sources referred by another journey or a school's return rather than by an
# officer at /cme/refer/. A referral from one of them for a child with an open
# case is added to that case, because no officer sees possible duplicates first.
AUTOMATIC_SOURCES = frozenset(
    {
        CmeCase.Source.PLACE_NOT_TAKEN_UP,
        CmeCase.Source.UNKNOWN_DESTINATION,
        CmeCase.Source.ABSENCE_RETURN,
    }
)
_DEFAULT_REASONS = {
    CmeCase.Source.PLACE_NOT_TAKEN_UP: CmeCase.Reason.AWAITING_PLACE,
    CmeCase.Source.UNKNOWN_DESTINATION: CmeCase.Reason.REMOVED_FROM_ROLL,
}


# Referral ---------------------------------------------------------------------


@transaction.atomic
def refer(
    *,
    child: Child,
    authority: Authority,
    source: str,
    reason: str,
    referred_by=None,
    last_known_school: School | None = None,
    source_case=None,
    referred_on: date | None = None,
    referrer_name: str = "",
    referrer_organisation: str = "",
    referrer_email: str = "",
    last_known_address: str | None = None,
    calendars: CalendarCache | None = None,
) -> CmeCase:
    """Open a CME case for the child, carrying the source case's timeline.

    A second referral from the same source case returns the case already
    opened, or the case it was added to, rather than creating another. A
    referral from an AUTOMATIC_SOURCES source for a child with an open case
    in `authority` is added to that case's timeline and returns that case.
    `referred_by` is None when Onroll refers the child itself, as the
    placements sweep does. A new case with a `referrer_email` queues the
    referral acknowledgement (cme.emails) in this transaction.
    """
    history = []
    source_case_type = ""
    source_case_id = None
    if source in AUTOMATIC_SOURCES:
        # Lock the child so that two referrals at once cannot both open a case.
        Child.objects.select_for_update().filter(pk=child.pk).first()
    if source_case is not None:
        source_case_type = source_case._meta.label_lower
        source_case_id = source_case.pk
        existing = CmeCase.objects.filter(
            source_case_type=source_case_type, source_case_id=source_case_id
        ).first() or _case_added_to(source_case_type, source_case_id)
        if existing is not None:
            return existing
    if source in AUTOMATIC_SOURCES:
        open_case = (
            CmeCase.objects.filter(child=child, authority=authority, is_open=True)
            .order_by("opened_at", "pk")
            .first()
        )
        if open_case is not None:
            _add_referral(
                open_case,
                source=source,
                reason=reason,
                referred_by=referred_by,
                referred_on=referred_on or london_today(),
                source_case_type=source_case_type,
                source_case_id=source_case_id,
            )
            return open_case
    if source_case is not None:
        history = [
            {
                "at": event.at.isoformat(),
                "kind": event.kind,
                "actor": event.actor_label,
                "note": event.note,
            }
            for event in events_for(source_case)
        ]
    if last_known_address is None:
        address = child.addresses.order_by("-moved_in").first()
        last_known_address = str(address) if address else ""
    referred_on = referred_on or london_today()
    case = CmeCase(
        authority=authority,
        child=child,
        state=State.OPEN,
        opened_at=timezone.now(),
        referred_on=referred_on,
        source=source,
        referred_by=referred_by,
        referrer_name=referrer_name,
        referrer_organisation=referrer_organisation,
        referrer_email=referrer_email,
        reason=reason,
        last_known_school=last_known_school,
        last_known_address=last_known_address,
        history=history,
        source_case_type=source_case_type,
        source_case_id=source_case_id,
        priority=priority_for(child),
        waiting_for_place=source in _WAITING_SOURCES,
        primary_reason=_DEFAULT_REASONS.get(source, ""),
    )
    set_review_deadline(case, calendars or CalendarCache())
    case.save()
    MissingPeriod.objects.create(case=case, started_on=referred_on)
    record_event(
        case, "cme.referred", actor=referred_by, to_state=State.OPEN, note=reason
    )
    emails.queue_acknowledgement(case, actor=referred_by)
    record(
        "cme.refer",
        actor=referred_by,
        target=case,
        changes=audit_changes.created(case),
    )
    return case


def _case_added_to(source_case_type: str, source_case_id: int) -> CmeCase | None:
    """Return the case a referral from this source case was added to, if any."""
    event = (
        Event.objects.filter(
            case_type=ContentType.objects.get_for_model(CmeCase),
            kind="cme.referred_again",
            data__source_case_type=source_case_type,
            data__source_case_id=source_case_id,
        )
        .order_by("pk")
        .first()
    )
    if event is None:
        return None
    return CmeCase.objects.get(pk=event.case_id)


def _add_referral(
    case: CmeCase,
    *,
    source: str,
    reason: str,
    referred_by: User | None,
    referred_on: date,
    source_case_type: str,
    source_case_id: int | None,
    extra: dict | None = None,
) -> None:
    """Record a further referral of the child on their open case.

    The timeline event names the source and the reason, and its data keeps
    the link to the source case, since the case's own source fields name
    the first referral.
    """
    data = {
        "source": source,
        "referred_on": referred_on.isoformat(),
        "source_case_type": source_case_type,
        "source_case_id": source_case_id,
    }
    # The referrer's details go on the case's timeline, which retention
    # blanks, and not in the audit log, which it cannot.
    record_event(
        case,
        "cme.referred_again",
        actor=referred_by,
        note=f"{CmeCase.Source(source).label}: {reason}",
        data={**data, **(extra or {})},
    )
    record("cme.referred_again", actor=referred_by, target=case, data=data)


def possible_duplicates(
    *,
    authority_id: int,
    child: Child | None = None,
    upn: str = "",
    first_name: str = "",
    last_name: str = "",
    date_of_birth: date | None = None,
) -> QuerySet:
    """Return the authority's open cases that may be about the same child.

    A match is the same child record, the same UPN, or the same legal name
    and date of birth (names compared without regard to case).
    """
    match = Q()
    if child is not None:
        match |= Q(child=child)
    if upn:
        match |= Q(child__upn=upn.replace(" ", "").upper())
    if first_name and last_name and date_of_birth:
        match |= Q(
            child__legal_first_name__iexact=first_name.strip(),
            child__legal_last_name__iexact=last_name.strip(),
            child__date_of_birth=date_of_birth,
        )
    if not match:
        return CmeCase.objects.none()
    return (
        CmeCase.objects.filter(match, authority_id=authority_id, is_open=True)
        .select_related("child")
        .order_by("-opened_at")
    )


def _same_child(child: Child, first_name: str, last_name: str, born: date) -> bool:
    """Return whether the details fit the child: the same birth date and a name.

    Either legal name may have changed (marriage of a parent, adoption), so
    one of them matching is enough.
    """
    return child.date_of_birth == born and (
        child.legal_first_name.casefold() == first_name.strip().casefold()
        or child.legal_last_name.casefold() == last_name.strip().casefold()
    )


def _find_or_create_child(
    *,
    actor: User,
    authority_id: int,
    legal_first_name: str,
    legal_last_name: str,
    date_of_birth: date,
    sex: str,
    upn: str,
    match_by_name: bool = True,
) -> Child:
    """Return the child with this UPN, or this name and birth date, or a new child.

    With match_by_name False (the officer has confirmed this is a different child
    from one with the same name and birth date) only the UPN finds a child.
    """
    errors = {}
    if date_of_birth >= london_today():
        errors["date_of_birth"] = [
            f"Date of birth, {long_date(date_of_birth)}, must be in the past"
        ]
    if upn:
        try:
            validate_upn(upn)
        except ValidationError as error:
            errors["upn"] = error.messages
        else:
            upn = check_upn(upn)
    if errors:
        raise ValidationError(errors)
    children = Child.objects.filter(authority_id=authority_id)
    existing = None
    if upn:
        existing = children.filter(upn=upn).first()
        if existing is not None and not _same_child(
            existing, legal_first_name, legal_last_name, date_of_birth
        ):
            # The message names no one: a school making its return may not
            # see the other child's record.
            raise ValidationError(
                {
                    "upn": f"UPN {upn} belongs to a child with a different date of "
                    "birth or name in the authority's records. Check the UPN, or "
                    "leave it empty"
                }
            )
    if existing is None and match_by_name:
        existing = children.filter(
            legal_first_name__iexact=legal_first_name.strip(),
            legal_last_name__iexact=legal_last_name.strip(),
            date_of_birth=date_of_birth,
        ).first()
    if existing is not None:
        return existing
    child = Child.objects.create(
        authority_id=authority_id,
        legal_first_name=legal_first_name.strip(),
        legal_last_name=legal_last_name.strip(),
        date_of_birth=date_of_birth,
        sex=sex,
        upn=upn,
    )
    record(
        "child.create",
        actor=actor,
        target=child,
        changes=audit_changes.created(child),
        data={"from": "cme referral"},
    )
    return child


# Sources an officer records on the referral page. Places not taken up come
# from placements, unknown destinations from removals, and absence returns
# from the schools' own page.
OFFICER_SOURCES = (
    CmeCase.Source.PARTNER_AGENCY,
    CmeCase.Source.PUBLIC,
    CmeCase.Source.OTHER_AUTHORITY,
)


def _check_referral(
    *,
    source: str,
    referred_on: date,
    referrer_name: str,
    referrer_email: str,
    reason: str,
) -> None:
    """Raise ValidationError naming each problem with an officer's referral."""
    errors = {}
    if source not in OFFICER_SOURCES:
        errors["source"] = [
            f"{source} is not a referral an officer records here. Choose a "
            "partner agency, a member of the public or another authority."
        ]
    if referred_on > london_today():
        errors["referred_on"] = [
            f"The date of referral, {long_date(referred_on)}, is in the future"
        ]
    if not referrer_name.strip():
        errors["referrer_name"] = ["Enter who made the referral"]
    referrer_email = referrer_email.strip()
    if referrer_email:
        try:
            validate_email(referrer_email)
        except ValidationError:
            errors["referrer_email"] = [
                f"{referrer_email} is not a valid email address. Enter an email "
                "address like name@example.org, or leave it empty"
            ]
    if not reason.strip():
        errors["reason"] = ["Enter why the child is thought to be missing education"]
    if errors:
        raise ValidationError(errors)


def _check_upn_not_on_open_case(authority_id: int, upn: str) -> None:
    """Refuse a "different child" whose UPN is that of a child with an open case."""
    taken = possible_duplicates(authority_id=authority_id, upn=upn).first()
    if taken is not None:
        raise ValidationError(
            {
                "upn": f"UPN {upn} is {taken.child.full_name}'s, whose case "
                f"{taken.pk} is open. A different child has a different UPN: "
                "check it, or add this referral to that case"
            }
        )


@transaction.atomic
def record_referral(
    *,
    actor: User,
    source: str,
    legal_first_name: str,
    legal_last_name: str,
    date_of_birth: date,
    sex: str,
    reason: str,
    referred_on: date,
    upn: str = "",
    referrer_name: str = "",
    referrer_organisation: str = "",
    referrer_email: str = "",
    last_known_address: str = "",
    last_known_school: School | None = None,
    different_child: bool = False,
) -> CmeCase:
    """Open a case from a referral by an agency, the public or another authority.

    The caller shows possible_duplicates first; this action opens a new case
    once the officer has confirmed it is not one of them (different_child),
    so a child with the same name and birth date gets a record of its own.
    """
    if not policy.can_refer_cme(actor):
        raise TransitionNotAllowed(
            "Only local authority caseworkers can record a CME referral."
        )
    _check_referral(
        source=source,
        referred_on=referred_on,
        referrer_name=referrer_name,
        referrer_email=referrer_email,
        reason=reason,
    )
    authority_id = actor.organisation.authority_id
    if different_child and upn:
        _check_upn_not_on_open_case(authority_id, upn)
    child = _find_or_create_child(
        actor=actor,
        authority_id=authority_id,
        legal_first_name=legal_first_name,
        legal_last_name=legal_last_name,
        date_of_birth=date_of_birth,
        sex=sex,
        upn=upn,
        match_by_name=not different_child,
    )
    return refer(
        child=child,
        authority=Authority.objects.get(pk=authority_id),
        source=source,
        reason=reason.strip(),
        referred_by=actor,
        last_known_school=last_known_school,
        referred_on=referred_on,
        referrer_name=referrer_name.strip(),
        referrer_organisation=referrer_organisation.strip(),
        referrer_email=referrer_email.strip(),
        last_known_address=last_known_address.strip(),
    )


@transaction.atomic
def add_referral_to_case(
    case: CmeCase,
    *,
    actor: User,
    source: str,
    reason: str,
    referred_on: date,
    referrer_name: str = "",
    referrer_organisation: str = "",
    referrer_email: str = "",
    **child_fields: Any,
) -> None:
    """Record an officer's referral of a child who already has this open case.

    The child's details in child_fields identified the case and are not
    stored again; the referral goes on the case's timeline.
    """
    if not policy.can_act_on_cme_case(actor, case) or not case.is_open:
        raise TransitionNotAllowed(
            "Only caseworkers of the authority that owns this open case can add "
            "a referral to it."
        )
    _check_referral(
        source=source,
        referred_on=referred_on,
        referrer_name=referrer_name,
        referrer_email=referrer_email,
        reason=reason,
    )
    referrer = ", ".join(
        part.strip() for part in (referrer_name, referrer_organisation) if part.strip()
    )
    details = {
        name: str(value)
        for name, value in child_fields.items()
        if value not in (None, "")
        and name in ("upn", "last_known_address", "last_known_school")
    }
    _add_referral(
        case,
        source=source,
        reason=f"{reason.strip()} (referred by {referrer})",
        referred_by=actor,
        referred_on=referred_on,
        source_case_type="",
        source_case_id=None,
        extra={
            "referrer_name": referrer_name.strip(),
            "referrer_organisation": referrer_organisation.strip(),
            "referrer_email": referrer_email.strip(),
            **details,
        },
    )
    emails.queue_acknowledgement(
        case,
        actor=actor,
        to=referrer_email.strip(),
        referrer_name=referrer_name.strip(),
        received_on=referred_on,
    )


@transaction.atomic
def record_absence_return(
    *,
    actor: User,
    legal_first_name: str,
    legal_last_name: str,
    date_of_birth: date,
    sex: str,
    upn: str,
    first_day_absent: date,
    school_days_absent: int,
    last_known_address: str,
    note: str = "",
) -> tuple[CmeCase, bool]:
    """Refer a pupil a school reports absent without authorisation for ten school days.

    The attendance return: a pupil absent without authorisation for a
    continuous period of not less than ten school days (School Attendance
    (Pupil Registration) (England) Regulations 2006 reg 12(1), carried into
    the 2024 regulations). Returns the case and whether it is new. A pupil
    who already has an open case gets the report added to that case's
    timeline instead of a second case, because the school cannot see the
    authority's cases to check.
    """
    if not policy.is_school_user(actor):
        raise TransitionNotAllowed("Only a school's staff can make its absence return.")
    errors = {}
    if school_days_absent < 10:
        errors["school_days_absent"] = [
            f"{school_days_absent} school days is fewer than 10. The return is for "
            "pupils absent without authorisation for 10 school days or more"
        ]
    if first_day_absent > london_today():
        errors["first_day_absent"] = [
            f"The first day of absence, {long_date(first_day_absent)}, is in the future"
        ]
    if errors:
        raise ValidationError(errors)
    school = actor.organisation.school
    child = _find_or_create_child(
        actor=actor,
        authority_id=school.authority_id,
        legal_first_name=legal_first_name,
        legal_last_name=legal_last_name,
        date_of_birth=date_of_birth,
        sex=sex,
        upn=upn,
    )
    reason = (
        f"{school.name} reports {school_days_absent} school days of unauthorised "
        f"absence from {long_date(first_day_absent)}."
    )
    if note.strip():
        reason = f"{reason}\n\n{note.strip()}"
    existing = possible_duplicates(
        authority_id=school.authority_id, child=child
    ).first()
    if existing is not None:
        record_event(existing, "cme.reported_again", actor=actor, note=reason)
        record("cme.reported_again", actor=actor, target=existing)
        return existing, False
    case = refer(
        child=child,
        authority=school.authority,
        source=CmeCase.Source.ABSENCE_RETURN,
        reason=reason,
        referred_by=actor,
        last_known_school=school,
        referred_on=london_today(),
        referrer_name=actor.get_full_name() or actor.username,
        referrer_organisation=school.name,
        last_known_address=last_known_address.strip(),
    )
    return case, True


# Checks and saving --------------------------------------------------------------


def _role(actor: User | None) -> str:
    return SYSTEM if actor is None else actor.role


def _check(
    case: CmeCase, name: str, actor: User | None, version: int | None
) -> Transition:
    transition = TRANSITIONS[name]
    if case.state not in transition.sources:
        raise TransitionNotAllowed(
            f"You cannot {transition.label[0].lower()}{transition.label[1:]} "
            f"while the case is {case.get_state_display().lower()}."
        )
    if _role(actor) not in transition.roles:
        raise TransitionNotAllowed(
            f"Your role does not allow you to {transition.label.lower()}."
        )
    if actor is not None and not _may_act(actor, case, name):
        raise TransitionNotAllowed(
            f"Your organisation cannot {transition.label.lower()} on this case."
        )
    if version is not None and version != case.version:
        raise StaleCase(case)
    return transition


def _may_act(actor: User, case: CmeCase, name: str) -> bool:
    if name in ("accept_transfer", "reject_transfer"):
        return policy.can_decide_cme_transfer(actor, case)
    if name == "confirm_on_roll":
        return policy.can_confirm_cme_on_roll(actor, case)
    return policy.can_act_on_cme_case(actor, case)


def _save(
    case: CmeCase,
    name: str,
    actor: User | None,
    before: dict,
    from_state: str,
    *,
    note: str = "",
    data: dict | None = None,
    calendars: CalendarCache | None = None,
    reschedule: bool = True,
) -> None:
    """Claim the case, recompute its review deadline, save it, and record the change."""
    claim(case)
    if reschedule:
        set_review_deadline(case, calendars or CalendarCache())
    case.save()
    record(
        f"cme.{name}",
        actor=actor,
        target=case,
        changes=audit_changes.diff(before, case),
        data=data,
    )
    record_event(
        case,
        f"cme.{name}",
        actor=actor,
        from_state=from_state if from_state != case.state else "",
        to_state=case.state if from_state != case.state else "",
        note=note,
        data=data,
    )


def _before(case: CmeCase) -> dict:
    return audit_changes.snapshot(CmeCase.objects.get(pk=case.pk))


def _require(value: str, field: str, what: str) -> str:
    if not value or not value.strip():
        raise ValidationError({field: f"Enter {what}"})
    return value.strip()


def _not_future(day: date, field: str, label: str) -> None:
    if day > london_today():
        raise ValidationError({field: f"{label}, {long_date(day)}, is in the future"})


def _close_missing_period(case: CmeCase, on: date) -> None:
    """End the open missing period on the day before `on`, the outcome date.

    `on` is the first day the child is no longer missing education (the
    first day on roll, the day of a move, and so on), so it is not a day
    missing. A child already in education on the period's first day gets a
    period that ends the day before it starts and counts no days.
    """
    period = MissingPeriod.objects.filter(case=case, ended_on__isnull=True).first()
    if period is None:
        return
    period.ended_on = max(on, period.started_on) - timedelta(days=1)
    period.save(update_fields=["ended_on"])


def _close(case: CmeCase, on: date) -> None:
    case.state = State.CLOSED
    case.is_open = False
    case.closed_at = timezone.now()
    _close_missing_period(case, on)


# Enquiries, safeguarding, reviews -------------------------------------------------


@transaction.atomic
def record_enquiry(
    case: CmeCase,
    *,
    actor: User,
    kind: EnquiryKind,
    made_on: date,
    result: str,
    note: str = "",
    version: int | None = None,
) -> Enquiry:
    _check(case, "record_enquiry", actor, version)
    if kind.authority_id != case.authority_id:
        raise ValidationError(
            {"kind": f"{kind} is not on {case.authority.name}'s checklist."}
        )
    _not_future(made_on, "made_on", "The date of the enquiry")
    before = _before(case)
    enquiry = Enquiry.objects.create(
        case=case, kind=kind, made_on=made_on, made_by=actor, result=result, note=note
    )
    _save(
        case,
        "record_enquiry",
        actor,
        before,
        case.state,
        note=f"{kind.label}: {enquiry.get_result_display()}. {note}".strip(),
        data={"enquiry_id": enquiry.pk, "kind": kind.code},
        reschedule=False,
    )
    return enquiry


@transaction.atomic
def record_safeguarding(
    case: CmeCase,
    *,
    actor: User,
    agency: str,
    referred_on: date,
    concern: str,
    version: int | None = None,
) -> SafeguardingReferral:
    """Record a referral to social care or the police about safeguarding concerns.

    The case becomes high priority, so its reviews come at the shorter
    interval.
    """
    _check(case, "record_safeguarding", actor, version)
    concern = _require(concern, "concern", "the concern that led to the referral")
    _not_future(referred_on, "referred_on", "The date of referral")
    before = _before(case)
    from_state = case.state
    referral = SafeguardingReferral.objects.create(
        case=case,
        agency=agency,
        referred_on=referred_on,
        referred_by=actor,
        concern=concern,
    )
    case.safeguarding_concerns = True
    case.priority = priority_for(case.child, safeguarding_concerns=True)
    _save(
        case,
        "record_safeguarding",
        actor,
        before,
        from_state,
        note=f"Referred to {referral.get_agency_display().lower()}.",
        data={"referral_id": referral.pk},
    )
    return referral


@transaction.atomic
def record_safeguarding_outcome(
    case: CmeCase,
    *,
    actor: User,
    referral: SafeguardingReferral,
    outcome: str,
    version: int | None = None,
) -> None:
    _check(case, "record_safeguarding_outcome", actor, version)
    if referral.case_id != case.pk:
        raise ValidationError({"referral": "That referral belongs to another case."})
    referral.outcome = _require(outcome, "outcome", "the outcome of the referral")
    referral.save(update_fields=["outcome"])
    _save(
        case,
        "record_safeguarding_outcome",
        actor,
        _before(case),
        case.state,
        note=f"{referral.get_agency_display()} replied.",
        data={"referral_id": referral.pk},
        reschedule=False,
    )


@transaction.atomic
def review(
    case: CmeCase,
    *,
    actor: User,
    reviewed_on: date,
    note: str,
    version: int | None = None,
    calendars: CalendarCache | None = None,
) -> None:
    """Record a review, refresh the priority, and set the next review's due day."""
    _check(case, "review", actor, version)
    note = _require(note, "note", "what the review found and what happens next")
    _not_future(reviewed_on, "reviewed_on", "The date of the review")
    earliest = max(filter(None, [case.referred_on, case.last_reviewed_on]))
    if reviewed_on < earliest:
        raise ValidationError(
            {
                "reviewed_on": f"The date of the review, {long_date(reviewed_on)}, "
                f"is before {long_date(earliest)}, the day of the referral or the "
                "last review. Enter the day the review took place"
            }
        )
    before = _before(case)
    case.last_reviewed_on = reviewed_on
    case.priority = priority_for(
        case.child, safeguarding_concerns=case.safeguarding_concerns
    )
    _save(case, "review", actor, before, case.state, note=note, calendars=calendars)


@transaction.atomic
def set_reason(
    case: CmeCase,
    *,
    actor: User,
    primary_reason: str,
    waiting_for_place: bool,
    version: int | None = None,
) -> None:
    _check(case, "set_reason", actor, version)
    before = _before(case)
    case.primary_reason = primary_reason
    case.waiting_for_place = waiting_for_place
    _save(case, "set_reason", actor, before, case.state, reschedule=False)


@transaction.atomic
def record_provision(
    case: CmeCase,
    *,
    actor: User,
    provider: str,
    hours_per_week: Decimal,
    started_on: date,
    ended_on: date | None = None,
    version: int | None = None,
) -> InterimProvision:
    """Record education arranged under Education Act 1996 s19 while the child waits."""
    _check(case, "record_provision", actor, version)
    provider = _require(provider, "provider", "who provides the education")
    if not Decimal(0) < hours_per_week <= Decimal(40):
        raise ValidationError(
            {
                "hours_per_week": f"{hours_per_week} hours a week is not possible. "
                "Enter a number of hours from 0.5 to 40"
            }
        )
    if ended_on is not None and ended_on < started_on:
        raise ValidationError(
            {
                "ended_on": f"The end date, {long_date(ended_on)}, is before the "
                f"start date, {long_date(started_on)}"
            }
        )
    provision = InterimProvision.objects.create(
        case=case,
        provider=provider,
        hours_per_week=hours_per_week,
        started_on=started_on,
        ended_on=ended_on,
    )
    _save(
        case,
        "record_provision",
        actor,
        _before(case),
        case.state,
        note=f"{provider}, {hours_per_week} hours a week from {long_date(started_on)}.",
        data={"provision_id": provision.pk},
        reschedule=False,
    )
    return provision


@transaction.atomic
def end_provision(
    case: CmeCase,
    *,
    actor: User,
    provision: InterimProvision,
    ended_on: date,
    version: int | None = None,
) -> None:
    """Record the last day of interim provision that had no end date."""
    _check(case, "end_provision", actor, version)
    if provision.case_id != case.pk:
        raise ValidationError({"provision": "That provision belongs to another case."})
    if provision.ended_on is not None:
        raise ValidationError(
            {
                "provision": f"{provision} already ended on "
                f"{long_date(provision.ended_on)}."
            }
        )
    if ended_on < provision.started_on:
        raise ValidationError(
            {
                "ended_on": f"The end date, {long_date(ended_on)}, is before the "
                f"start date, {long_date(provision.started_on)}"
            }
        )
    provision.ended_on = ended_on
    provision.save(update_fields=["ended_on"])
    _save(
        case,
        "end_provision",
        actor,
        _before(case),
        case.state,
        note=f"{provision.provider} ended on {long_date(ended_on)}.",
        data={"provision_id": provision.pk},
        reschedule=False,
    )


# Outcomes -------------------------------------------------------------------------


@transaction.atomic
def record_outcome(
    case: CmeCase,
    *,
    actor: User,
    outcome: str,
    outcome_on: date | None = None,
    outcome_school: School | None = None,
    outcome_destination: str = "",
    outcome_evidence: str = "",
    version: int | None = None,
) -> None:
    """Record how the search ended, with the evidence cme.outcomes requires.

    An outcome that needs sign-off waits for a manager; "on roll" waits for
    the school to confirm; the others close the case at once.
    """
    _check(case, "record_outcome", actor, version)
    if outcome not in outcomes.RULES:
        raise ValidationError(
            {"outcome": f"{outcome!r} is not an outcome. Choose one."}
        )
    given = {
        "outcome_on": outcome_on,
        "outcome_school": outcome_school,
        "outcome_destination": outcome_destination.strip(),
        "outcome_evidence": outcome_evidence.strip(),
    }
    label = CmeCase.Outcome(outcome).label
    errors = {
        name: f"Enter {outcomes.EVIDENCE_LABELS[name]}: the outcome '{label}' needs it"
        for name in outcomes.missing_evidence(outcome, given)
    }
    if outcome_on is not None and outcome_on > london_today():
        errors.setdefault(
            "outcome_on", f"The date, {long_date(outcome_on)}, is in the future"
        )
    if errors:
        raise ValidationError(errors)
    _check_outcome_facts(case, outcome, outcome_on)

    before = _before(case)
    from_state = case.state
    rule = outcomes.RULES[outcome]
    case.outcome = outcome
    case.outcome_on = outcome_on
    case.outcome_school = outcome_school
    case.outcome_destination = given["outcome_destination"]
    case.outcome_evidence = given["outcome_evidence"]
    case.outcome_recorded_by = actor
    case.signed_off_by = None
    case.signed_off_at = None
    if rule.needs_sign_off:
        case.state = State.AWAITING_SIGN_OFF
    elif rule.settles_in == State.CLOSED:
        _close(case, outcome_on or london_today())
    else:
        case.state = rule.settles_in
    _save(
        case,
        "record_outcome",
        actor,
        before,
        from_state,
        note=f"{label}. {given['outcome_evidence']}".strip(),
        data={"outcome": outcome},
    )


def _check_outcome_facts(case: CmeCase, outcome: str, outcome_on: date | None) -> None:
    if outcome == CmeCase.Outcome.NOT_FOUND:
        done = set(case.enquiries.values_list("kind_id", flat=True))
        missing = [
            kind.label
            for kind in required_before_not_found(case.authority_id)
            if kind.pk not in done
        ]
        if missing:
            raise ValidationError(
                {
                    "outcome": "A child is recorded as not found only after every "
                    "required enquiry on the checklist. Still to record: "
                    + ", ".join(missing)
                    + "."
                }
            )
    if outcome == CmeCase.Outcome.OVER_CSA and outcome_on is not None:
        ends_on = csa_ends_on(case.child.date_of_birth)
        if outcome_on <= ends_on:
            raise ValidationError(
                {
                    "outcome_on": f"{case.child} is of compulsory school age until "
                    f"{long_date(ends_on)} (Education Act 1996 s8). Enter a date "
                    "after that, or choose another outcome"
                }
            )


@transaction.atomic
def sign_off(
    case: CmeCase, *, actor: User, note: str = "", version: int | None = None
) -> None:
    """Sign off an outcome that needs a manager: "moved abroad" or "not found"."""
    _check(case, "sign_off", actor, version)
    if actor.pk == case.outcome_recorded_by_id:
        raise TransitionNotAllowed(
            "A manager other than the one who recorded the outcome must sign it off."
        )
    before = _before(case)
    from_state = case.state
    rule = outcomes.RULES[case.outcome]
    case.signed_off_by = actor
    case.signed_off_at = timezone.now()
    if rule.settles_in == State.CLOSED:
        _close(case, case.outcome_on or london_today())
    else:
        case.state = rule.settles_in
    _save(case, "sign_off", actor, before, from_state, note=note)


@transaction.atomic
def return_outcome(
    case: CmeCase, *, actor: User, note: str, version: int | None = None
) -> None:
    """Send the recorded outcome back, so enquiries go on."""
    _check(case, "return_outcome", actor, version)
    note = _require(note, "note", "why the outcome is returned")
    before = _before(case)
    from_state = case.state
    _clear_outcome(case)
    case.state = State.OPEN
    _save(case, "return_outcome", actor, before, from_state, note=note)


def _clear_outcome(case: CmeCase) -> None:
    case.outcome = ""
    case.outcome_on = None
    case.outcome_school = None
    case.outcome_destination = ""
    case.outcome_evidence = ""
    case.outcome_recorded_by = None
    case.signed_off_by = None
    case.signed_off_at = None


@transaction.atomic
def confirm_on_roll(
    case: CmeCase, *, actor: User, note: str = "", version: int | None = None
) -> None:
    """Close the case on the named school's confirmation that the child is on roll."""
    _check(case, "confirm_on_roll", actor, version)
    before = _before(case)
    from_state = case.state
    _close(case, case.outcome_on)
    _save(case, "confirm_on_roll", actor, before, from_state, note=note)


@transaction.atomic
def reopen(
    case: CmeCase,
    *,
    actor: User,
    missing_since: date,
    note: str,
    version: int | None = None,
) -> None:
    """Reopen a closed case for a child found missing education again.

    A new missing period starts, so the days missing count both periods and
    leave out the time in between.
    """
    _check(case, "reopen", actor, version)
    note = _require(note, "note", "why the child is missing education again")
    _not_future(missing_since, "missing_since", "The date")
    last = case.missing_periods.order_by("-started_on").first()
    if last is not None and last.ended_on and missing_since <= last.ended_on:
        raise ValidationError(
            {
                "missing_since": f"The child was missing until "
                f"{long_date(last.ended_on)}. Enter a later date"
            }
        )
    before = _before(case)
    from_state = case.state
    _clear_outcome(case)
    case.state = State.OPEN
    case.is_open = True
    case.closed_at = None
    case.last_reviewed_on = missing_since
    MissingPeriod.objects.create(case=case, started_on=missing_since)
    _save(case, "reopen", actor, before, from_state, note=note)


# Transfers --------------------------------------------------------------------------


def pending_transfer(case: CmeCase) -> Transfer | None:
    return case.transfers.filter(status=Transfer.Status.REQUESTED).first()


@transaction.atomic
def request_transfer(
    case: CmeCase,
    *,
    actor: User,
    to_authority: Authority,
    note: str,
    version: int | None = None,
) -> Transfer:
    """Ask another authority of this deployment to take the case on."""
    _check(case, "request_transfer", actor, version)
    note = _require(note, "note", "why the child is now that authority's to find")
    if to_authority.pk == case.authority_id:
        raise ValidationError(
            {"to_authority": f"The case is already {to_authority.name}'s."}
        )
    if pending_transfer(case) is not None:
        raise ValidationError(
            "A transfer is already waiting for a decision. Revoke it first."
        )
    transfer = Transfer.objects.create(
        case=case,
        from_authority_id=case.authority_id,
        to_authority=to_authority,
        requested_by=actor,
        requested_at=timezone.now(),
        note=note,
    )
    _save(
        case,
        "request_transfer",
        actor,
        _before(case),
        case.state,
        note=f"Transfer to {to_authority.name} requested. {note}",
        data={"transfer_id": transfer.pk, "to_authority": to_authority.code},
        reschedule=False,
    )
    return transfer


def _decide(
    case: CmeCase,
    name: str,
    actor: User,
    status: str,
    reason: str,
    version: int | None,
) -> Transfer:
    _check(case, name, actor, version)
    transfer = pending_transfer(case)
    if transfer is None:
        raise ValidationError("There is no transfer waiting for a decision.")
    transfer.status = status
    transfer.decided_by = actor
    transfer.decided_at = timezone.now()
    transfer.decision_reason = reason
    transfer.save()
    return transfer


@transaction.atomic
def accept_transfer(
    case: CmeCase,
    *,
    actor: User,
    note: str = "",
    version: int | None = None,
) -> None:
    """Make the receiving authority the case's owner; the sender loses access."""
    transfer = _decide(
        case, "accept_transfer", actor, Transfer.Status.ACCEPTED, note, version
    )
    before = _before(case)
    case.authority_id = transfer.to_authority_id
    case.owner = None
    _save(
        case,
        "accept_transfer",
        actor,
        before,
        case.state,
        note=f"{transfer.to_authority.name} accepted the case. {note}".strip(),
        data={"transfer_id": transfer.pk},
    )


@transaction.atomic
def reject_transfer(
    case: CmeCase, *, actor: User, reason: str, version: int | None = None
) -> None:
    reason = _require(reason, "reason", "why the case is not your authority's")
    transfer = _decide(
        case, "reject_transfer", actor, Transfer.Status.REJECTED, reason, version
    )
    _save(
        case,
        "reject_transfer",
        actor,
        _before(case),
        case.state,
        note=f"{transfer.to_authority.name} rejected the transfer: {reason}",
        data={"transfer_id": transfer.pk},
        reschedule=False,
    )


@transaction.atomic
def revoke_transfer(
    case: CmeCase, *, actor: User, reason: str, version: int | None = None
) -> None:
    reason = _require(reason, "reason", "why the transfer is revoked")
    transfer = _decide(
        case, "revoke_transfer", actor, Transfer.Status.REVOKED, reason, version
    )
    _save(
        case,
        "revoke_transfer",
        actor,
        _before(case),
        case.state,
        note=f"Transfer to {transfer.to_authority.name} revoked: {reason}",
        data={"transfer_id": transfer.pk},
        reschedule=False,
    )


@transaction.atomic
def send_referral_pack(
    case: CmeCase,
    *,
    actor: User,
    authority_name: str,
    sent_on: date,
    note: str = "",
    version: int | None = None,
) -> ReferralPackSent:
    """Record that the referral pack went to an authority outside this Onroll."""
    _check(case, "send_referral_pack", actor, version)
    authority_name = _require(
        authority_name, "authority_name", "the authority the pack was sent to"
    )
    _not_future(sent_on, "sent_on", "The date sent")
    sent = ReferralPackSent.objects.create(
        case=case,
        authority_name=authority_name,
        sent_on=sent_on,
        sent_by=actor,
        note=note,
    )
    _save(
        case,
        "send_referral_pack",
        actor,
        _before(case),
        case.state,
        note=f"Referral pack sent to {authority_name}. {note}".strip(),
        data={"referral_pack_id": sent.pk},
        reschedule=False,
    )
    return sent


# Deferred places ----------------------------------------------------------------------


@transaction.atomic
def record_deferred_place(
    *, actor: User, child: Child, school: School, deferred_to: date
):
    """Record a reception place deferred for a child below compulsory school age."""
    from cme.compulsory import csa_starts_on
    from cme.models import DeferredPlace

    if not policy.can_change_child(actor, child):
        raise TransitionNotAllowed(
            "Only staff of the child's authority can record a deferred place."
        )
    starts = csa_starts_on(child.date_of_birth)
    if london_today() >= starts:
        raise ValidationError(
            {
                "child": f"{child} has been of compulsory school age since "
                f"{long_date(starts)}, so the place cannot be deferred. Refer the "
                "child as missing education if they have no school place"
            }
        )
    place = DeferredPlace.objects.create(
        authority_id=child.authority_id,
        child=child,
        school=school,
        deferred_to=deferred_to,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    record(
        "cme.record_deferred_place",
        actor=actor,
        target=place,
        child=child,
        changes=audit_changes.created(place),
    )
    return place
