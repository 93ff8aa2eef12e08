"""When a CME case's next review falls due.

A case is reviewed every ONROLL_CME_REVIEW_DAYS school days, or every
ONROLL_CME_HIGH_RISK_REVIEW_DAYS for a high-priority case, counted on the
authority's calendar from the last review (or the referral). The CME
guidance sets no interval, so both are local settings.
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from casework.deadlines import end_of_day
from cme.models import CmeCase, Priority
from cme.states import SEARCHING
from schools.calendars import CalendarCache
from schools.schooldays import CalendarNotKnown, add_school_days

logger = logging.getLogger(__name__)


def review_interval(priority: int) -> int:
    if priority == Priority.HIGH:
        return settings.ONROLL_CME_HIGH_RISK_REVIEW_DAYS
    return settings.ONROLL_CME_REVIEW_DAYS


def set_review_deadline(case: CmeCase, calendars: CalendarCache) -> None:
    """Set `due_on` and `due_at` for the next review, or clear them once settled.

    With no term dates far enough ahead the review day cannot be counted, so
    the case is left for the sweep to try again tomorrow, and the error is
    logged for an administrator to add the terms.
    """
    case.reminders_sent = 0
    if case.state not in SEARCHING:
        case.due_on = None
        case.due_at = None
        return
    start = case.last_reviewed_on or case.referred_on
    calendar = calendars.for_authority(case.authority_id)
    try:
        case.due_on = add_school_days(calendar, start, review_interval(case.priority))
    except CalendarNotKnown as error:
        logger.error("CME case %s review not scheduled: %s", case.pk, error)
        case.due_on = None
        case.due_at = timezone.now() + timedelta(days=1)
        return
    case.due_at = end_of_day(case.due_on)


def is_review_overdue(case: CmeCase, today: date) -> bool:
    return case.due_on is not None and case.due_on < today
