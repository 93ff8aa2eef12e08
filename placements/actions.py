"""Every change to a placement case goes through one of these actions.

Each action checks that the case's state and the user's role allow the
transition, validates its input, changes the case, recomputes its deadline
and records the event on the timeline, all in one transaction. Invalid input
raises a ValidationError keyed by form field and nothing is saved.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access import policy
from access.models import User
from audit import changes as audit_changes
from audit.log import record
from casework.deadlines import london_today
from casework.timeline import record_event
from casework.transitions import StaleCase, TransitionNotAllowed, claim
from children.models import Child
from cme import actions as cme_actions
from cme.models import CmeCase
from onroll.formatters import long_date
from placements import emails
from placements.deadlines import limit, set_deadline
from placements.models import Placement
from placements.states import (
    REPLY_RECORDERS,
    SCHOOL_LINK,
    SYSTEM,
    TRANSITIONS,
    State,
    Transition,
)
from schools.calendars import CalendarCache
from schools.models import School
from schools.schooldays import CalendarNotKnown, add_school_days


def _role(actor: User | None, via_link: bool = False) -> str:
    if via_link:
        if actor is not None:
            raise ValueError(
                f"A reply through a school's signed link has no user, but actor "
                f"{actor} was passed. Pass actor=None with via_link=True."
            )
        return SCHOOL_LINK
    return SYSTEM if actor is None else actor.role


def _link_answer(placement: Placement, note: str) -> tuple[str, dict]:
    """Return the timeline note and data of an answer given through a signed link.

    The event has no user, so its data names the school for the timeline.
    """
    school = placement.school
    data = {
        "via": "signed link",
        "school_urn": school.urn,
        "acted_by": f"{school.name} (emailed link)",
    }
    answered = f"{school.name} answered through the link in the on-roll request email."
    return (f"{answered}\n\n{note}" if note.strip() else answered), data


def can_act_on(actor: User, placement: Placement) -> bool:
    """Return whether the user's organisation owns the case or is its school."""
    return policy.can_act_on_placement(actor, placement)


def _check(
    placement: Placement,
    name: str,
    actor: User | None,
    version: int | None,
    via_link: bool = False,
) -> Transition:
    transition = TRANSITIONS[name]
    if placement.state not in transition.sources:
        raise TransitionNotAllowed(
            f"You cannot {transition.label[0].lower()}{transition.label[1:]} "
            f"while the case is {placement.get_state_display().lower()}."
        )
    if _role(actor, via_link) not in transition.roles or (
        actor and not can_act_on(actor, placement)
    ):
        raise TransitionNotAllowed(
            f"Your role does not allow you to {transition.label.lower()} on this case."
        )
    if version is not None and version != placement.version:
        raise StaleCase(placement)
    return transition


def _move(
    placement: Placement,
    transition: Transition,
    actor: User | None,
    *,
    note: str = "",
    data: dict | None = None,
    calendars: CalendarCache | None = None,
    via_link: bool = False,
) -> None:
    # The row as stored before this action, because the action has already
    # set its fields on the instance.
    before = audit_changes.snapshot(Placement.objects.get(pk=placement.pk))
    if via_link:
        note, link_data = _link_answer(placement, note)
        data = {**(data or {}), **link_data}
    claim(placement)
    from_state = placement.state
    placement.state = transition.target
    # Whatever moved the case, the request and chases not yet sent no longer
    # ask the right question; a recorded reply belonged to the old state.
    emails.stop_chasing(placement, f"Cancelled: the case moved to {transition.name}.")
    placement.school_replied_on = None
    placement.school_replied_by = ""
    set_deadline(placement, calendars or CalendarCache())
    placement.save()
    record(
        f"placement.{transition.name}",
        actor=actor,
        target=placement,
        changes=audit_changes.diff(before, placement),
        data=data,
    )
    record_event(
        placement,
        f"placement.{transition.name}",
        actor=actor,
        from_state=from_state,
        to_state=placement.state,
        note=note,
        data=data,
    )


@transaction.atomic
def open_application(
    *,
    actor: User,
    child: Child,
    received_on: date,
    reason: str = "",
    year_group: str = "",
) -> Placement:
    if received_on > london_today():
        raise ValidationError(
            {
                "received_on": f"The date received, {long_date(received_on)}, "
                "is in the future."
            }
        )
    if not policy.can_change_child(actor, child):
        raise TransitionNotAllowed(
            "Only staff of the child's local authority can open an application."
        )
    placement = Placement(
        authority_id=child.authority_id,
        child=child,
        owner=actor,
        state=State.RECEIVED,
        opened_at=timezone.now(),
        received_on=received_on,
        reason=reason,
        year_group=year_group,
    )
    set_deadline(placement, CalendarCache())
    placement.save()
    record(
        "placement.create",
        actor=actor,
        target=placement,
        changes=audit_changes.created(placement),
    )
    record_event(placement, "placement.received", actor=actor, to_state=State.RECEIVED)
    return placement


@transaction.atomic
def assess(
    placement: Placement, *, actor: User, version: int | None = None, note: str = ""
) -> None:
    transition = _check(placement, "assess", actor, version)
    if not placement.child.risk_assessments.exists():
        raise ValidationError(
            f"Record a risk assessment for {placement.child} before recording the "
            "vulnerability assessment."
        )
    _move(placement, transition, actor, note=note)


@transaction.atomic
def offer(
    placement: Placement,
    *,
    actor: User,
    school: School,
    offered_on: date,
    agreed_start_on: date,
    version: int | None = None,
    note: str = "",
) -> None:
    transition = _check(placement, "offer", actor, version)
    errors = {}
    if not school.is_open:
        errors["school"] = f"{school} is closed. Choose an open school."
    if offered_on < placement.received_on:
        errors["offered_on"] = (
            f"The offer date, {long_date(offered_on)}, is before the application was "
            f"received on {long_date(placement.received_on)}."
        )
    elif offered_on > london_today():
        errors["offered_on"] = (
            f"The offer date, {long_date(offered_on)}, is in the future."
        )
    if agreed_start_on < offered_on:
        errors["agreed_start_on"] = (
            f"The agreed start date, {long_date(agreed_start_on)}, is before the offer "
            f"on {long_date(offered_on)}. Enter a start date on or after the offer."
        )
    elif not errors:
        latest = _latest_start(school, offered_on)
        if latest is None or agreed_start_on > latest:
            last_allowed = long_date(latest) if latest else "the end of the known terms"
            errors["agreed_start_on"] = (
                f"The agreed start date, {long_date(agreed_start_on)}, is more than "
                f"{limit('offer_held_days')} school days after the offer, so the "
                "place would lapse before the child starts. Enter a start date no "
                f"later than {last_allowed}."
            )
    if errors:
        raise ValidationError(errors)
    placement.school = school
    placement.offered_on = offered_on
    placement.agreed_start_on = agreed_start_on
    _move(
        placement,
        transition,
        actor,
        note=note,
        data={"school_urn": school.urn, "agreed_start_on": agreed_start_on.isoformat()},
    )


@transaction.atomic
def send_request(
    placement: Placement, *, actor: User, version: int | None = None
) -> None:
    transition = _check(placement, "send_request", actor, version)
    if not placement.school.email:
        raise ValidationError(
            f"{placement.school} has no email address for on-roll requests. Add one "
            "to the school's record in the administration pages, then send again."
        )
    placement.request_sent_on = london_today()
    _move(placement, transition, actor, data={"to": placement.school.email})
    emails.queue_on_roll_request(placement, actor=actor)


@transaction.atomic
def confirm_on_roll(
    placement: Placement,
    *,
    actor: User | None,
    starting_on: date,
    version: int | None = None,
    note: str = "",
    via_link: bool = False,
) -> None:
    """Record the child's starting day at the school.

    `via_link` is True, with `actor` None, when the school answers through the
    signed link in its email (placements.links). The same goes for
    confirm_attendance and report_not_arrived.
    """
    transition = _check(placement, "confirm_on_roll", actor, version, via_link)
    if starting_on < placement.offered_on:
        raise ValidationError(
            {
                "starting_on": f"The starting day, {long_date(starting_on)}, is before "
                f"the place was offered on {long_date(placement.offered_on)}. "
                "Enter the child's first day at the school."
            }
        )
    placement.starting_on = starting_on
    _move(
        placement,
        transition,
        actor,
        note=note,
        data={"starting_on": starting_on.isoformat()},
        via_link=via_link,
    )


@transaction.atomic
def confirm_attendance(
    placement: Placement,
    *,
    actor: User | None,
    confirmed_on: date,
    confirmed_with: str,
    version: int | None = None,
    note: str = "",
    via_link: bool = False,
) -> None:
    transition = _check(placement, "confirm_attendance", actor, version, via_link)
    answered_by_school = via_link or (
        actor is not None and actor.role == User.Role.SCHOOL_USER
    )
    if answered_by_school and confirmed_with != Placement.ConfirmedWith.SCHOOL:
        raise ValidationError(
            {
                "confirmed_with": f"A school confirms attendance from its own "
                f"register, so it cannot record it as confirmed with "
                f"\u201c{confirmed_with}\u201d. Use \u201cschool\u201d."
            }
        )
    if confirmed_on < placement.starting_on:
        raise ValidationError(
            {
                "confirmed_on": f"The date attendance was confirmed, "
                f"{long_date(confirmed_on)}, is before the child's starting day on "
                f"{long_date(placement.starting_on)}."
            }
        )
    if confirmed_on > london_today():
        raise ValidationError(
            {"confirmed_on": f"The date, {long_date(confirmed_on)}, is in the future."}
        )
    placement.attendance_confirmed_on = confirmed_on
    placement.attendance_confirmed_with = confirmed_with
    _move(
        placement,
        transition,
        actor,
        note=note,
        data={"confirmed_with": confirmed_with},
        via_link=via_link,
    )


@transaction.atomic
def check_off(
    placement: Placement, *, actor: User, version: int | None = None, note: str = ""
) -> None:
    transition = _check(placement, "check_off", actor, version)
    placement.checked_off_on = london_today()
    _move(placement, transition, actor, note=note)


def _latest_start(school: School, offered_on: date) -> date | None:
    """Return the last start date the offer allows, or None past the known terms.

    An offered place is held for ONROLL_PLACEMENT_DEADLINES["offer_held_days"]
    school days (20 in the Leicestershire in-year admissions guide, a local
    rule), so a start agreed later than that would outlive the offer.
    """
    try:
        return add_school_days(
            CalendarCache().for_school(school), offered_on, limit("offer_held_days")
        )
    except CalendarNotKnown:
        return None


def _require_note(note: str, what: str) -> None:
    if not note.strip():
        raise ValidationError({"note": f"Enter {what}."})


@transaction.atomic
def refuse(
    placement: Placement,
    *,
    actor: User,
    note: str,
    appeal_lodged: bool = False,
    version: int | None = None,
) -> None:
    transition = _check(placement, "refuse", actor, version)
    _require_note(note, "the reason for refusing the application")
    placement.appeal_lodged = appeal_lodged
    _move(
        placement, transition, actor, note=note, data={"appeal_lodged": appeal_lodged}
    )


@transaction.atomic
def withdraw(
    placement: Placement, *, actor: User, note: str, version: int | None = None
) -> None:
    transition = _check(placement, "withdraw", actor, version)
    _require_note(note, "why the application was withdrawn")
    _move(placement, transition, actor, note=note)


@transaction.atomic
def move_out(
    placement: Placement, *, actor: User, note: str, version: int | None = None
) -> None:
    transition = _check(placement, "move_out", actor, version)
    _require_note(note, "where the family has moved to, if known")
    _move(placement, transition, actor, note=note)


@transaction.atomic
def refer_to_cme(
    placement: Placement,
    *,
    actor: User | None,
    note: str,
    version: int | None = None,
    transition_name: str = "refer_cme",
    calendars: CalendarCache | None = None,
    via_link: bool = False,
) -> CmeCase:
    """Close the placement and refer the child to the Inclusion Service.

    `actor` is None when the deadline sweep refers a place not taken up, or
    when a school reports through its signed link that the child has not
    arrived.
    """
    transition = _check(placement, transition_name, actor, version, via_link)
    _require_note(note, "why the child is being referred")
    _move(
        placement,
        transition,
        actor,
        note=note,
        calendars=calendars,
        via_link=via_link,
    )
    return cme_actions.refer(
        child=placement.child,
        authority=placement.authority,
        source=CmeCase.Source.PLACE_NOT_TAKEN_UP,
        reason=note,
        referred_by=actor,
        last_known_school=placement.school,
        source_case=placement,
    )


def report_not_arrived(
    placement: Placement,
    *,
    actor: User | None,
    note: str,
    version: int | None = None,
    via_link: bool = False,
) -> CmeCase:
    return refer_to_cme(
        placement,
        actor=actor,
        note=note,
        version=version,
        transition_name="report_not_arrived",
        via_link=via_link,
    )


@transaction.atomic
def record_reply(
    placement: Placement,
    *,
    actor: User,
    received_on: date,
    received_by: str,
    note: str,
    version: int | None = None,
) -> None:
    """Record a school's answer to the on-roll request received by phone or email.

    The case stays requested until an officer records the outcome, but the
    chase sequence stops: the chases not yet sent are cancelled, and the sweep
    reminds the case owner instead of emailing the school again.
    """
    if placement.state != State.REQUESTED:
        raise TransitionNotAllowed(
            "You can record a reply from the school only while the on-roll request "
            f"is waiting for one, and the case is "
            f"{placement.get_state_display().lower()}."
        )
    if actor.role not in REPLY_RECORDERS or not can_act_on(actor, placement):
        raise TransitionNotAllowed(
            "Your role does not allow you to record a reply on this case."
        )
    if version is not None and version != placement.version:
        raise StaleCase(placement)
    if received_on > london_today():
        raise ValidationError(
            {"received_on": f"The date, {long_date(received_on)}, is in the future."}
        )
    if placement.request_sent_on and received_on < placement.request_sent_on:
        raise ValidationError(
            {
                "received_on": f"The date, {long_date(received_on)}, is before the "
                f"request was sent on {long_date(placement.request_sent_on)}."
            }
        )
    if received_by not in Placement.ReplyChannel.values:
        raise ValidationError(
            {"received_by": "Select whether the reply came by phone or by email."}
        )
    _require_note(note, "what the school said")
    before = audit_changes.snapshot(Placement.objects.get(pk=placement.pk))
    claim(placement)
    placement.school_replied_on = received_on
    placement.school_replied_by = received_by
    placement.save()
    cancelled = emails.stop_chasing(placement, "Cancelled: the school has replied.")
    data = {
        "received_on": received_on.isoformat(),
        "received_by": received_by,
        "chases_cancelled": cancelled,
    }
    record(
        "placement.record_reply",
        actor=actor,
        target=placement,
        changes=audit_changes.diff(before, placement),
        data=data,
    )
    channel = Placement.ReplyChannel(received_by).label.lower()
    record_event(
        placement,
        "placement.record_reply",
        actor=actor,
        note=f"The school replied {channel} on {long_date(received_on)}.\n\n{note}",
        data=data,
    )
