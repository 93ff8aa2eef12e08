"""Demo placement cases at every stage, with dates and timelines that agree.

Every step happens on a school day of the case's calendar, counted back from
today: an application arrives within the last RECEIVED_WITHIN_SCHOOL_DAYS
school days and each later step comes on the same day or after the one before.
Open cases are placed so that `placements.deadlines.set_deadline` makes about
OVERDUE_SHARE of them overdue, and chased cases carry the chase and escalation
events that the deadline sweep would have written, at the instants it would
have written them.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType

from access.models import User
from casework.deadlines import LONDON, end_of_day, london_today
from casework.models import Event
from children.models import Child
from demo.identities import year_group_label
from demo.vulnerability import SOCIAL_WORKER_CME_FACTOR
from onroll.formatters import long_date
from placements.deadlines import STEPS, calendar_for, limit, set_deadline
from placements.models import Placement
from placements.states import CLOSED_STATES, State
from schools.calendars import CalendarCache
from schools.models import School
from schools.schooldays import SchoolCalendar, add_school_days

# Shares of cases by state, in percent. Every state gets at least one case
# when there are at least as many cases as states.
STATE_WEIGHTS = {
    State.RECEIVED: 12,
    State.ASSESSED: 10,
    State.OFFERED: 8,
    State.REQUESTED: 18,
    State.ON_ROLL: 10,
    State.ATTENDING: 10,
    State.CHECKED_OFF: 14,
    State.REFUSED: 5,
    State.WITHDRAWN: 5,
    State.MOVED_OUT: 4,
    State.REFERRED_CME: 4,
}
# Share of open cases whose due day has passed.
OVERDUE_SHARE = 0.20
# Share of the other open cases with a deadline that were chased once and
# have a new due day not yet passed.
CHASED_ON_TIME_SHARE = 0.10
# Weights for how many chases and escalations the sweep has already made on
# an overdue case: 0, 1, 2 or 3. The sweep escalates after ONROLL_MAX_CHASES
# chases, so with the default of 2 the last weight is for escalated cases.
OVERDUE_REMINDER_WEIGHTS = (50, 25, 15, 10)
RECEIVED_WITHIN_SCHOOL_DAYS = 60
# Minutes after the due day ends at which the sweep is taken to have acted.
SWEEP_DELAY = timedelta(minutes=5)

ORDER = [
    State.RECEIVED,
    State.ASSESSED,
    State.OFFERED,
    State.REQUESTED,
    State.ON_ROLL,
    State.ATTENDING,
    State.CHECKED_OFF,
]
# The states each way of closing a case early may be reached from. Checked
# off is the end of the journey itself, reached from attending.
CLOSED_FROM = {
    State.REFUSED: [State.RECEIVED, State.ASSESSED],
    State.WITHDRAWN: [State.RECEIVED, State.ASSESSED, State.OFFERED, State.REQUESTED],
    State.MOVED_OUT: [
        State.RECEIVED,
        State.ASSESSED,
        State.OFFERED,
        State.REQUESTED,
        State.ON_ROLL,
    ],
    State.REFERRED_CME: [State.OFFERED, State.REQUESTED, State.ON_ROLL],
}

REASONS = [
    "Moved into the area",
    "Moved within the area, previous school too far",
    "Returning from elective home education",
    "Arrived from abroad",
    "Left previous school after a suspension",
    "Fair access referral",
    "Left a refuge in another area",
    "Placed with foster carers in the area",
]
REFUSE_NOTES = [
    "A place was offered at a nearer school with room in the year group.",
    "Year group full at every preferred school; referred to the fair access panel.",
]
WITHDRAW_NOTES = [
    "Parent withdrew the application: the child is staying at the current school.",
    "Family chose elective home education; the home education team has been told.",
    "Duplicate of an application received the same week.",
]
MOVE_OUT_NOTES = [
    "Family moved to Nottinghamshire; its admissions team has the details.",
    "Family moved to Northamptonshire; the case was passed to its CME officer.",
    "Family moved to Derby; its admissions team confirmed the application.",
    "Family moved abroad, according to the previous school.",
]
REFER_NOTES = [
    "No contact with the family since the offer; a home visit found no one in.",
    "Parent stopped answering calls after the offer and the address is vacant.",
]
NOT_ARRIVED_NOTES = [
    "The child did not arrive on the agreed start day and the school cannot "
    "reach the parent.",
]


@dataclass
class Staff:
    """The demo users who act on one authority's cases."""

    officer: User
    manager: User
    school_user: User | None = None


@dataclass
class SchoolPool:
    """One authority's open schools, grouped by what they can admit."""

    primary: list[School] = field(default_factory=list)
    secondary: list[School] = field(default_factory=list)
    special: list[School] = field(default_factory=list)
    open: list[School] = field(default_factory=list)

    @classmethod
    def build(cls, schools: Sequence[School]) -> "SchoolPool":
        pool = cls()
        mainstream = {School.Type.MAINTAINED, School.Type.ACADEMY}
        for school in schools:
            if not school.is_open:
                continue
            pool.open.append(school)
            if school.type == School.Type.SPECIAL:
                pool.special.append(school)
            elif school.type in mainstream or school.type_and_phase_provisional:
                if school.phase in (School.Phase.PRIMARY, School.Phase.ALL_THROUGH):
                    pool.primary.append(school)
                if school.phase in (School.Phase.SECONDARY, School.Phase.ALL_THROUGH):
                    pool.secondary.append(school)
        return pool

    def choose(
        self,
        rng: random.Random,
        year_group: int,
        has_ehc_plan: bool,
        preferred: School | None,
    ) -> School:
        """Choose a school of the child's phase: primary up to Year 6.

        A child with an EHC plan goes to a special school in some cases, and
        `preferred` (the demo school user's school) is chosen for some children
        it fits, so that the school user has cases to see.
        """
        fitting = self.primary if year_group <= 6 else self.secondary
        fitting = fitting or self.open
        if has_ehc_plan and self.special and rng.random() < 0.4:
            return rng.choice(self.special)
        if preferred is not None and preferred in fitting and rng.random() < 0.5:
            return preferred
        return rng.choice(fitting)


class NoSchoolDays(ValueError):
    """The calendar has no school days in the period the demo needs."""


class Clock:
    """School days before today and deadline arithmetic, memoised per calendar."""

    def __init__(self, now: datetime, calendars: CalendarCache) -> None:
        self.now = now
        self.today = london_today(now)
        self.calendars = calendars
        self._days: dict[int, list[date]] = {}
        self._added: dict[tuple[int, date, int], date] = {}

    def school_days(self, calendar: SchoolCalendar) -> list[date]:
        """Return the school days up to and including today, latest first."""
        key = id(calendar)
        if key not in self._days:
            days = []
            day = self.today
            while len(days) < RECEIVED_WITHIN_SCHOOL_DAYS + 20:
                if calendar.is_school_day(day):
                    days.append(day)
                day -= timedelta(days=1)
                if (self.today - day).days > 400:
                    break
            if len(days) < 2:
                raise NoSchoolDays(
                    f"{calendar.name} has no school days in the 400 days before "
                    f"{long_date(self.today)}. Load term dates with load_calendars."
                )
            self._days[key] = days
        return self._days[key]

    def add(self, calendar: SchoolCalendar, start: date, days: int) -> date:
        key = (id(calendar), start, days)
        if key not in self._added:
            self._added[key] = add_school_days(calendar, start, days)
        return self._added[key]


@dataclass
class Plan:
    """How far along the journey a case is and how late its current step is."""

    state: str
    reached: str  # the last state of ORDER the case reached
    closing: str = ""  # the transition that closed it, if closed
    by_sweep: bool = False  # closed by the sweep's CME referral
    overdue: bool = False
    reminders: int = 0


@dataclass
class SweepAction:
    at: datetime
    number: int
    due_on: date


@dataclass
class Case:
    """A placement before saving, with its timeline and CME referral note."""

    placement: Placement
    events: list[Event]
    received_on: date
    assessed_on: date | None
    cme_note: str = ""
    cme_actor: User | None = None


def allocate(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Split `total` in proportion to `weights` by largest remainder.

    Every key gets at least one when `total` is at least the number of keys.
    """
    weight_sum = sum(weights.values())
    exact = {key: total * weight / weight_sum for key, weight in weights.items()}
    counts = {key: int(value) for key, value in exact.items()}
    if total >= len(weights):
        for key in counts:
            counts[key] = max(counts[key], 1)
    by_remainder = sorted(exact, key=lambda key: exact[key] - int(exact[key]))
    while sum(counts.values()) < total:
        counts[by_remainder.pop()] += 1
    while sum(counts.values()) > total:
        largest = max(counts, key=counts.get)
        counts[largest] -= 1
    return counts


def assign_states(
    rng: random.Random,
    has_social_worker: list[bool],
    of_compulsory_school_age: list[bool],
) -> list[str]:
    """Give each child a final state, in STATE_WEIGHTS proportions.

    Children with a social worker are SOCIAL_WORKER_CME_FACTOR times as likely
    to be the ones referred as missing education (weighted sampling without
    replacement, by the Efraimidis-Spirakis keys u ** (1 / weight)). Only a
    child of compulsory school age today is referred, because a younger
    reception child is not missing education (Education Act 1996 s436A). If
    too few children are of that age, the referrals left over end as received.
    """
    counts = allocate(len(has_social_worker), STATE_WEIGHTS)
    keys = [
        rng.random() ** (1 / (SOCIAL_WORKER_CME_FACTOR if flag else 1.0))
        for flag in has_social_worker
    ]
    eligible = [index for index, flag in enumerate(of_compulsory_school_age) if flag]
    by_key = sorted(eligible, key=lambda index: keys[index], reverse=True)
    referred = by_key[: counts[State.REFERRED_CME]]
    states: list[str] = [""] * len(keys)
    for index in referred:
        states[index] = State.REFERRED_CME
    others = [state for state, count in counts.items() for _ in range(count)]
    others = [state for state in others if state != State.REFERRED_CME]
    others += [State.RECEIVED] * (counts[State.REFERRED_CME] - len(referred))
    rng.shuffle(others)
    rest = iter(others)
    return [state or next(rest) for state in states]


def plan_cases(rng: random.Random, states: list[str]) -> list[Plan]:
    """Decide how far along the journey each case is and whether it is late."""
    plans = []
    for state in states:
        if state in CLOSED_FROM:
            reached = rng.choice(CLOSED_FROM[state])
            closing = _closing_transition(rng, state, reached)
            by_sweep = closing == "refer_cme" and rng.random() < 0.5
            by_sweep = by_sweep and reached in (State.REQUESTED, State.ON_ROLL)
            plans.append(Plan(state, reached, closing, by_sweep))
        else:
            plans.append(Plan(state, state))

    with_deadline = [plan for plan in plans if plan.state in STEPS]
    open_count = sum(1 for plan in plans if plan.state not in CLOSED_STATES)
    rng.shuffle(with_deadline)
    overdue_count = min(round(OVERDUE_SHARE * open_count), len(with_deadline))
    reminder_choices = list(range(len(OVERDUE_REMINDER_WEIGHTS)))
    for plan in with_deadline[:overdue_count]:
        plan.overdue = True
        plan.reminders = rng.choices(reminder_choices, OVERDUE_REMINDER_WEIGHTS)[0]
    on_time = with_deadline[overdue_count:]
    for plan in on_time[: round(CHASED_ON_TIME_SHARE * len(on_time))]:
        plan.reminders = 1
    return plans


def _closing_transition(rng: random.Random, state: str, reached: str) -> str:
    if state == State.REFUSED:
        return "refuse"
    if state == State.WITHDRAWN:
        return "withdraw"
    if state == State.MOVED_OUT:
        return "move_out"
    if reached in (State.REQUESTED, State.ON_ROLL) and rng.random() < 0.3:
        return "report_not_arrived"
    return "refer_cme"


@dataclass
class Context:
    clock: Clock
    staff: dict[int, Staff]  # by authority id
    pools: dict[int, SchoolPool]  # by authority id
    placement_type: ContentType


def build_case(
    context: Context,
    rng: random.Random,
    child: Child,
    year_group: int,
    has_ehc_plan: bool,
    plan: Plan,
) -> Case:
    """Build one placement with its dates, deadline and timeline events."""
    staff = context.staff[child.authority_id]
    placement = Placement(
        authority_id=child.authority_id,
        child=child,
        owner=staff.officer,
        state=plan.state,
        reason=rng.choice(REASONS),
        year_group=year_group_label(year_group),
    )
    if ORDER.index(plan.reached) >= ORDER.index(State.OFFERED):
        preferred = staff.school_user.school if staff.school_user else None
        placement.school = context.pools[child.authority_id].choose(
            rng, year_group, has_ehc_plan, preferred
        )
    calendar = calendar_for(placement, context.clock.calendars)
    builder = _TimelineBuilder(context, rng, calendar, placement, staff, plan)
    return builder.build()


class _TimelineBuilder:
    """Chooses the school days of one case's steps and writes its events."""

    def __init__(
        self,
        context: Context,
        rng: random.Random,
        calendar: SchoolCalendar,
        placement: Placement,
        staff: Staff,
        plan: Plan,
    ) -> None:
        self.context = context
        self.clock = context.clock
        self.rng = rng
        self.calendar = calendar
        self.days = self.clock.school_days(calendar)
        self.oldest = min(RECEIVED_WITHIN_SCHOOL_DAYS, len(self.days)) - 1
        self.placement = placement
        self.staff = staff
        self.plan = plan
        self.sweep_actions: list[SweepAction] = []

    def older(self, index: int, low: int, high: int) -> int:
        """Return a random index `low` to `high` school days before `index`.

        The result is capped at the oldest day an application may arrive on.
        """
        return min(index + self.rng.randint(low, high), self.oldest)

    def build(self) -> Case:
        plan = self.plan
        # Indexes into self.days (0 is the latest school day) for each step.
        steps: dict[str, int] = {}
        # The day an officer closed the case, or the instant the sweep did.
        closed_when: date | datetime | None = None
        if plan.closing:
            if plan.by_sweep:
                closed_when = self._place_sweep_referral(steps)
            if closed_when is None:
                plan.by_sweep = False
                closing_index = self.rng.randint(0, min(30, self.oldest))
                closed_when = self.days[closing_index]
                self._place_steps_before(steps, self.older(closing_index, 0, 10))
        elif plan.reached in STEPS:
            self._place_open_step(steps)
        else:
            self._place_steps_before(steps, self.rng.randint(0, min(25, self.oldest)))
        self._set_dates(steps)
        if self.placement.is_open:
            set_deadline(self.placement, self.clock.calendars)
            if self.sweep_actions:
                last = self.sweep_actions[-1]
                self.placement.due_on = last.due_on
                self.placement.due_at = end_of_day(last.due_on)
                self.placement.reminders_sent = len(self.sweep_actions)
        else:
            self.placement.due_on = self.placement.due_at = None
        return self._write_events(steps, closed_when)

    def _place_open_step(self, steps: dict[str, int]) -> None:
        """Place an open case's steps so that its deadline falls as planned."""
        plan = self.plan
        step = STEPS[plan.reached]
        days = limit(step.days_setting)
        for reminders in range(plan.reminders, -1, -1):
            anchors = self._anchors(days, reminders, plan.overdue)
            if anchors:
                anchor = self.rng.choice(anchors[:12])
                self.sweep_actions = self._simulate(self.days[anchor], days, reminders)
                break
        else:
            plan.overdue = False
            anchor = self.rng.randint(0, 1)
        plan.reminders = len(self.sweep_actions)
        if plan.reached in (State.RECEIVED, State.ASSESSED):
            steps[State.RECEIVED] = anchor
            if plan.reached == State.ASSESSED:
                steps[State.ASSESSED] = anchor - self.rng.randint(0, min(anchor, 6))
            return
        self._place_steps_before(steps, anchor)

    def _anchors(self, days: int, reminders: int, overdue: bool) -> list[int]:
        """Return the day indexes from which the step's deadline ends as planned.

        A case with reminders needs every chase to have happened by now. An
        overdue case needs its last due day before today, and any other case
        needs it today or later.
        """
        anchors = []
        for index in range(self.oldest + 1):
            actions = self._simulate(self.days[index], days, reminders)
            if len(actions) < reminders:
                continue
            due_on = actions[-1].due_on if actions else None
            if due_on is None:
                due_on = self.clock.add(self.calendar, self.days[index], days)
            if (due_on < self.clock.today) == overdue:
                anchors.append(index)
        return anchors

    def _simulate(self, start: date, days: int, reminders: int) -> list[SweepAction]:
        """Replay up to `reminders` sweep actions from a step starting on `start`.

        Stops early when the next action would be after now.
        """
        due_on = self.clock.add(self.calendar, start, days)
        actions = []
        for number in range(1, reminders + 1):
            at = end_of_day(due_on) + SWEEP_DELAY
            if at > self.clock.now:
                break
            due_on = self.clock.add(
                self.calendar, london_today(at), limit("chase_days")
            )
            actions.append(SweepAction(at, number, due_on))
        return actions

    def _place_sweep_referral(self, steps: dict[str, int]) -> datetime | None:
        """Place a case the sweep referred after every chase and the escalation.

        Returns the instant of the referral, or None when the chases do not
        fit in the school days the demo spans.
        """
        days = limit(STEPS[self.plan.reached].days_setting)
        actions_needed = limit("max_chases") + 1
        fitting: list[tuple[int, list[SweepAction], datetime]] = []
        for index in range(self.oldest - 3):
            actions = self._simulate(self.days[index], days, actions_needed)
            if len(actions) < actions_needed:
                continue
            referral_at = end_of_day(actions[-1].due_on) + SWEEP_DELAY
            if referral_at <= self.clock.now:
                fitting.append((index, actions, referral_at))
        if not fitting:
            return None
        index, self.sweep_actions, referral_at = self.rng.choice(fitting[:5])
        self._place_steps_before(steps, index)
        return referral_at

    def _place_steps_before(self, steps: dict[str, int], latest: int) -> None:
        """Fill in the reached state's steps, the latest on day index `latest`."""
        reached = ORDER.index(self.plan.reached)
        index = latest
        if reached >= ORDER.index(State.CHECKED_OFF):
            steps[State.CHECKED_OFF] = index
            index = self.older(index, 0, 5)
        if reached >= ORDER.index(State.ATTENDING):
            steps[State.ATTENDING] = index
            index = self.older(index, 0, 8)
        if reached >= ORDER.index(State.ON_ROLL):
            steps["starting_on"] = index
            # The school confirms the child on roll on or before the first day.
            index = self.older(index, 0, 3)
            steps[State.ON_ROLL] = index
            index = self.older(index, 1, 8)
        if reached >= ORDER.index(State.REQUESTED):
            steps[State.REQUESTED] = index
            index = self.older(index, 0, 2)
        if reached >= ORDER.index(State.OFFERED):
            steps[State.OFFERED] = index
            index = self.older(index, 0, 6)
        if reached >= ORDER.index(State.ASSESSED):
            steps[State.ASSESSED] = index
            index = self.older(index, 0, 8)
        steps[State.RECEIVED] = index

    def _set_dates(self, steps: dict[str, int]) -> None:
        placement = self.placement
        day = self.days.__getitem__
        placement.received_on = day(steps[State.RECEIVED])
        if State.OFFERED in steps:
            offered = steps[State.OFFERED]
            placement.offered_on = day(offered)
            if "starting_on" in steps:
                start = steps["starting_on"]
                agreed = start if self.rng.random() < 0.7 else self.older(start, 1, 3)
                placement.agreed_start_on = day(min(agreed, offered))
            else:
                placement.agreed_start_on = day(
                    max(offered - self.rng.randint(2, 8), 0)
                )
        if State.REQUESTED in steps:
            placement.request_sent_on = day(steps[State.REQUESTED])
        if "starting_on" in steps:
            placement.starting_on = day(steps["starting_on"])
        if State.ATTENDING in steps:
            placement.attendance_confirmed_on = day(steps[State.ATTENDING])
            placement.attendance_confirmed_with = self.rng.choice(
                list(Placement.ConfirmedWith)
            )
        if State.CHECKED_OFF in steps:
            placement.checked_off_on = day(steps[State.CHECKED_OFF])
        placement.is_open = placement.state not in CLOSED_STATES

    def _write_events(
        self, steps: dict[str, int], closed_when: date | datetime | None
    ) -> Case:
        placement = self.placement
        officer = self.staff.officer
        school = placement.school
        entries: list[tuple[date | datetime, dict]] = []

        def officer_step(state: str, **fields) -> None:
            entries.append((self.days[steps[state]], fields))

        officer_step(
            State.RECEIVED,
            kind="placement.received",
            to_state=State.RECEIVED,
            actor=officer,
            note=placement.reason,
        )
        transitions = [
            (State.ASSESSED, "assess", {}),
            (
                State.OFFERED,
                "offer",
                {
                    "school_urn": school.urn,
                    "agreed_start_on": _iso(placement.agreed_start_on),
                }
                if school
                else {},
            ),
            (State.REQUESTED, "send_request", {"to": school.email} if school else {}),
            (
                State.ON_ROLL,
                "confirm_on_roll",
                {"starting_on": _iso(placement.starting_on)},
            ),
            (
                State.ATTENDING,
                "confirm_attendance",
                {"confirmed_with": placement.attendance_confirmed_with},
            ),
            (State.CHECKED_OFF, "check_off", {}),
        ]
        previous = State.RECEIVED
        for state, name, data in transitions:
            if state not in steps:
                break
            actor = officer
            if name == "confirm_on_roll" and self._school_user_for(school):
                actor = self.staff.school_user
            officer_step(
                state,
                kind=f"placement.{name}",
                from_state=previous,
                to_state=state,
                actor=actor,
                note=self._note_for(name),
                data=data,
            )
            previous = state

        step = STEPS.get(previous)
        for action in self.sweep_actions:
            entries.append((action.at, self._sweep_event(action, step)))

        case = Case(
            placement=placement,
            events=[],
            received_on=placement.received_on,
            assessed_on=self.days[steps[State.ASSESSED]]
            if State.ASSESSED in steps
            else None,
        )
        if self.plan.closing:
            closing = self._closing_event(previous)
            entries.append((closed_when, closing))
            case.cme_note = (
                closing["note"] if placement.state == State.REFERRED_CME else ""
            )
            case.cme_actor = closing["actor"]

        case.events = self._timed_events(entries)
        placement.opened_at = case.events[0].at
        placement.closed_at = None if placement.is_open else case.events[-1].at
        placement.version = len(case.events)
        return case

    def _school_user_for(self, school: School | None) -> bool:
        school_user = self.staff.school_user
        return (
            school_user is not None
            and school is not None
            and school_user.school_id == school.pk
        )

    def _note_for(self, name: str) -> str:
        school = self.placement.school
        if name == "assess":
            return "Risk assessment reviewed and vulnerability profile recorded."
        if name == "offer":
            return f"Offered a place at {school.name}."
        if name == "confirm_attendance":
            return "Attendance checked against the school's register."
        return ""

    def _sweep_event(self, action: SweepAction, step) -> dict:
        max_chases = limit("max_chases")
        if action.number <= max_chases:
            who = (
                "Chased the school by email"
                if step.waits_on_school
                else "Reminder to the case owner"
            )
            return {
                "kind": "placement.chased",
                "actor": None,
                "note": f"{who} ({action.number}); now due {long_date(action.due_on)}.",
                "data": {
                    "number": action.number,
                    "school_emailed": step.waits_on_school,
                },
            }
        note = (
            "Escalated to the school's head teacher and the service manager."
            if step.waits_on_school
            else "Escalated to the service manager."
        )
        return {"kind": "placement.escalated", "actor": None, "note": note}

    def _closing_event(self, from_state: str) -> dict:
        plan = self.plan
        placement = self.placement
        actor = self.staff.officer
        data: dict = {}
        if plan.closing == "refuse":
            actor = self.staff.manager
            placement.appeal_lodged = self.rng.random() < 0.3
            note = self.rng.choice(REFUSE_NOTES)
            data = {"appeal_lodged": placement.appeal_lodged}
        elif plan.closing == "withdraw":
            note = self.rng.choice(WITHDRAW_NOTES)
        elif plan.closing == "move_out":
            note = self.rng.choice(MOVE_OUT_NOTES)
        elif plan.closing == "report_not_arrived":
            note = self.rng.choice(NOT_ARRIVED_NOTES)
            if self._school_user_for(placement.school):
                actor = self.staff.school_user
        elif plan.by_sweep:
            actor = None
            if from_state == State.REQUESTED:
                note = (
                    f"{placement.school} has not confirmed the child on roll despite "
                    "chases and escalation: place not taken up."
                )
            else:
                note = (
                    "Attendance was not confirmed despite chases and escalation: "
                    "place not taken up."
                )
        else:
            note = self.rng.choice(REFER_NOTES)
        return {
            "kind": f"placement.{plan.closing}",
            "from_state": from_state,
            "to_state": placement.state,
            "actor": actor,
            "note": note,
            "data": data,
        }

    def _timed_events(self, entries: list[tuple[date | datetime, dict]]) -> list[Event]:
        """Give each entry an instant, in order and no later than now.

        Officers act between 09:00 and 16:30 London time, or just before now
        on today's date. An entry that already has an instant (a sweep action)
        keeps it.
        """
        now = self.clock.now
        instants: list[datetime] = []
        for when, _fields in entries:
            if isinstance(when, datetime):
                instant = when
            else:
                minutes = self.rng.randrange(0, 450)
                instant = datetime.combine(when, time(9), tzinfo=LONDON) + timedelta(
                    minutes=minutes
                )
            if instants and instant <= instants[-1]:
                instant = instants[-1] + timedelta(minutes=self.rng.randint(3, 40))
            instants.append(instant)
        # Steps taken today cannot be later than now: move them to just before it.
        late = [i for i, instant in enumerate(instants) if instant > now]
        for offset, i in enumerate(late):
            instants[i] = now - timedelta(minutes=2 * (len(late) - offset))
        return [
            Event(
                case_type=self.context.placement_type,
                child=self.placement.child,
                at=instant,
                from_state=fields.get("from_state", ""),
                to_state=fields.get("to_state", ""),
                kind=fields["kind"],
                actor=fields.get("actor"),
                note=fields.get("note", ""),
                data=fields.get("data", {}),
            )
            for instant, (_when, fields) in zip(instants, entries, strict=True)
        ]


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""
