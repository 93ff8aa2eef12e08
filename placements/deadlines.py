"""Time limits of placement tracking and what happens when one is missed.

Each open state waits on one person: the officer to decide, offer or confirm
attendance, or the school to confirm the child on roll. The wait starts from
a date on the case and lasts a number of school days from the settings in
ONROLL_PLACEMENT_DEADLINES. When it runs out, the sweep chases, emailing the
school when the school is the one waited on. Then it escalates to the service
manager, and to the head teacher when the school is waited on. Finally, for a
child who has an offer but has not started, it refers the child to the
Inclusion Service. The Children missing education statutory guidance
(September 2025) counts a child offered a place who has not started as
missing education.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from casework.deadlines import end_of_day
from placements.states import State
from schools.calendars import CalendarCache
from schools.schooldays import SchoolCalendar, add_school_days


@dataclass(frozen=True)
class Step:
    starts_from: str  # the Placement date field the wait counts from
    days_setting: str  # the key of ONROLL_PLACEMENT_DEADLINES
    waits_on_school: bool = False
    refers_when_exhausted: bool = False


STEPS: dict[str, Step] = {
    State.RECEIVED: Step("received_on", "decision_days"),
    State.ASSESSED: Step("received_on", "decision_days"),
    State.OFFERED: Step("offered_on", "request_days"),
    State.REQUESTED: Step(
        "request_sent_on",
        "school_reply_days",
        waits_on_school=True,
        refers_when_exhausted=True,
    ),
    State.ON_ROLL: Step("starting_on", "attendance_days", refers_when_exhausted=True),
}


def limit(key: str) -> int:
    return settings.ONROLL_PLACEMENT_DEADLINES[key]


def calendar_for(placement, calendars: CalendarCache) -> SchoolCalendar:
    if placement.school is not None:
        return calendars.for_school(placement.school)
    return calendars.for_authority(placement.authority_id)


def set_deadline(placement, calendars: CalendarCache) -> None:
    """Set the due day and sweep instant of the placement's current state."""
    placement.reminders_sent = 0
    step = STEPS.get(placement.state)
    if step is None:
        placement.due_on = placement.due_at = None
        return
    start: date = getattr(placement, step.starts_from)
    due_on = add_school_days(
        calendar_for(placement, calendars), start, limit(step.days_setting)
    )
    placement.due_on = due_on
    placement.due_at = end_of_day(due_on)


def extend_deadline(placement, today: date, calendars: CalendarCache) -> None:
    """Give the chased or escalated party `chase_days` more school days from today."""
    due_on = add_school_days(
        calendar_for(placement, calendars), today, limit("chase_days")
    )
    placement.due_on = due_on
    placement.due_at = end_of_day(due_on)
