"""The deadline sweep's part for CME cases: flag reviews that have fallen due.

The sweep selects open CME cases whose `due_at` has passed (the partial
index `cme_sweep_due` serves this query). It claims each with a conditional
UPDATE on the `version` and `due_at` it read. When two sweeps run at once,
exactly one of them flags each case. Flagging clears `due_at`: the case stays
overdue on the worklist and the exception report until an officer reviews
it, which sets the next due day.
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
from casework.timeline import record_event
from cme.deadlines import set_review_deadline
from cme.models import CmeCase
from cme.states import SEARCHING
from onroll.formatters import long_date
from schools.calendars import CalendarCache

logger = logging.getLogger(__name__)


def due_cases(now: datetime):
    return CmeCase.objects.filter(is_open=True, due_at__lte=now)


def sweep(now: datetime | None = None, batch_size: int | None = None) -> Counter:
    """Flag every CME case whose review is due by `now`; return a count per outcome."""
    now = now or timezone.now()
    batch_size = batch_size or settings.ONROLL_SWEEP_BATCH_SIZE
    outcomes: Counter = Counter()
    last_pk = 0
    while True:
        batch = list(due_cases(now).filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        if not batch:
            return outcomes
        calendars = CalendarCache()
        for case in batch:
            with transaction.atomic():
                outcomes[_act(case, now, calendars)] += 1
        last_pk = batch[-1].pk


def _act(case: CmeCase, now: datetime, calendars: CalendarCache) -> str:
    claimed = CmeCase.objects.filter(
        pk=case.pk, version=case.version, due_at=case.due_at
    ).update(version=F("version") + 1)
    if claimed != 1:
        return "claimed_elsewhere"
    case.version += 1
    before = audit_changes.snapshot(case)

    if case.state not in SEARCHING:
        # Outcomes waiting for sign-off or a school are not reviewed.
        case.due_at = None
        case.save()
        return "not_searching"
    if case.due_on is None:
        # The review day could not be counted for want of term dates.
        set_review_deadline(case, calendars)
        case.save()
        if case.due_on is None:
            case.due_at = now + timedelta(days=1)
            case.save()
            return "calendar_missing"
        return "rescheduled"

    case.reminders_sent += 1
    case.due_at = None
    case.save()
    note = f"The review due {long_date(case.due_on)} has not been recorded."
    record(
        "cme.flag_review_overdue",
        target=case,
        changes=audit_changes.diff(before, case),
    )
    record_event(case, "cme.flag_review_overdue", note=note)
    return "review_overdue"
