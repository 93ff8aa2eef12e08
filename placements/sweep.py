"""The deadline sweep: chase, escalate and refer placements past their limit.

The sweep selects open placements whose `due_at` has passed (the partial
index `placement_sweep_due` serves this query) and acts on each in its own
transaction. It claims a case with a conditional UPDATE on the `version` and
`due_at` it read, so when two sweeps run at once exactly one acts on each
case and the other skips it. Every action moves `due_at` forward or clears
it, so running the sweep again at once does nothing more.
"""

import logging
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit import changes as audit_changes
from audit.log import record
from casework.deadlines import london_today
from casework.timeline import record_event
from onroll.formatters import long_date
from placements import actions, emails
from placements.deadlines import STEPS, extend_deadline, limit
from placements.models import Placement
from schools.calendars import CalendarCache
from schools.schooldays import CalendarNotKnown

logger = logging.getLogger(__name__)


def sweep(now: datetime | None = None, batch_size: int | None = None) -> Counter:
    """Act on every placement due by `now` and return a count per outcome."""
    now = now or timezone.now()
    batch_size = batch_size or settings.ONROLL_SWEEP_BATCH_SIZE
    outcomes: Counter = Counter()
    last_pk = 0
    while True:
        batch = list(
            Placement.objects.filter(is_open=True, due_at__lte=now, pk__gt=last_pk)
            .select_related("school", "child", "authority")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return outcomes
        calendars = CalendarCache()
        for placement in batch:
            outcomes[act_on(placement, now, calendars)] += 1
        last_pk = batch[-1].pk


def act_on(placement: Placement, now: datetime, calendars: CalendarCache) -> str:
    """Take the next step on one overdue placement; return what was done."""
    try:
        with transaction.atomic():
            return _act(placement, now, calendars)
    except CalendarNotKnown as error:
        # Push this case's deadline back a day so that one case with no term
        # dates cannot stop the sweep acting on every other case.
        logger.error(
            "Placement %s skipped: %s",
            placement.pk,
            error,
            extra={"placement_id": placement.pk},
        )
        Placement.objects.filter(pk=placement.pk, due_at=placement.due_at).update(
            due_at=now + timedelta(days=1)
        )
        return "calendar_missing"


def _act(placement: Placement, now: datetime, calendars: CalendarCache) -> str:
    claimed = Placement.objects.filter(
        pk=placement.pk, version=placement.version, due_at=placement.due_at
    ).update(version=F("version") + 1)
    if claimed != 1:
        return "claimed_elsewhere"
    placement.version += 1

    step = STEPS[placement.state]
    # Once an officer has recorded the school's reply, the school is not
    # chased again: the case owner is reminded instead.
    school_waited_on = step.waits_on_school and placement.school_replied_on is None
    today = london_today(now)
    chases_done = placement.reminders_sent
    max_chases = limit("max_chases")

    before = audit_changes.snapshot(placement)
    if chases_done < max_chases:
        placement.reminders_sent += 1
        extend_deadline(placement, today, calendars)
        placement.save()
        record(
            "placement.chase",
            target=placement,
            changes=audit_changes.diff(before, placement),
            data={"number": chases_done + 1, "school_emailed": school_waited_on},
        )
        record_event(
            placement,
            "placement.chased",
            note=_chase_note(placement, chases_done + 1, school_waited_on),
            data={"number": chases_done + 1, "school_emailed": school_waited_on},
        )
        if school_waited_on:
            emails.queue_chase(placement, chases_done + 1)
        return "chased"

    if chases_done == max_chases:
        placement.reminders_sent += 1
        extend_deadline(placement, today, calendars)
        placement.save()
        record(
            "placement.escalate",
            target=placement,
            changes=audit_changes.diff(before, placement),
            data={"school_emailed": school_waited_on},
        )
        record_event(
            placement,
            "placement.escalated",
            note="Escalated to the school's head teacher and the service manager."
            if school_waited_on
            else "Escalated to the service manager.",
        )
        if school_waited_on:
            emails.queue_escalation(placement)
        return "escalated"

    if step.refers_when_exhausted:
        actions.refer_to_cme(
            placement,
            actor=None,
            note=_referral_note(placement),
            calendars=calendars,
        )
        return "referred"

    # Escalated and still waiting on an officer: the case stays overdue on the
    # worklist, and the sweep has nothing more to do until its state changes.
    placement.due_at = None
    placement.save()
    record(
        "placement.leave_with_manager",
        target=placement,
        changes=audit_changes.diff(before, placement),
    )
    return "left_with_manager"


def _chase_note(placement: Placement, number: int, school_emailed: bool) -> str:
    who = (
        "Chased the school by email" if school_emailed else "Reminder to the case owner"
    )
    return f"{who} ({number}); now due {long_date(placement.due_on)}."


def _referral_note(placement: Placement) -> str:
    if placement.state == "requested":
        return (
            f"{placement.school} has not confirmed the child on roll despite chases "
            "and escalation: place not taken up."
        )
    return (
        "Attendance was not confirmed despite chases and escalation: "
        "place not taken up."
    )
