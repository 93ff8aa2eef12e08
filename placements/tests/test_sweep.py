import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection

from casework.timeline import events_for
from cme.models import CmeCase
from correspondence import outbox
from placements import sweep as sweep_module
from placements.deadlines import set_deadline
from placements.models import Placement
from placements.states import State
from schools.calendars import CalendarCache
from schools.models import Term

LONDON = ZoneInfo("Europe/London")

pytestmark = pytest.mark.django_db


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


@pytest.fixture
def requested(placement_in):
    """A request sent on Thursday 3 December 2026, so due Thursday 17 December."""

    def build(**overrides):
        placement = placement_in(
            State.REQUESTED, request_sent_on=date(2026, 12, 3), **overrides
        )
        set_deadline(placement, CalendarCache())
        placement.save()
        return placement

    return build


def _kinds(placement) -> list[str]:
    return [event.kind for event in events_for(placement)]


@pytest.fixture
def sweep():
    """Run the sweep and then the outbox worker, which sends what it queued."""

    def run(**kwargs):
        outcomes = sweep_module.sweep(**kwargs)
        outbox.deliver_due()
        return outcomes

    return run


def test_deadline_is_ten_school_days(requested):
    placement = requested()

    assert placement.due_on == date(2026, 12, 17)
    assert placement.due_at == _at(date(2026, 12, 18), hour=0)


def test_not_yet_due_left_alone(requested, sweep):
    placement = requested()

    outcomes = sweep(now=_at(date(2026, 12, 17), hour=23))

    assert sum(outcomes.values()) == 0
    placement.refresh_from_db()
    assert placement.reminders_sent == 0
    assert _kinds(placement) == []


def test_due_case_chased_by_email(requested, smtp_server, sweep):
    placement = requested()

    outcomes = sweep(now=_at(date(2026, 12, 18)))

    assert outcomes == {"chased": 1}
    placement.refresh_from_db()
    assert placement.reminders_sent == 1
    # Friday 18 December is the last day of term; 5 school days later is
    # Friday 8 January after the Christmas holiday.
    assert placement.due_on == date(2027, 1, 8)
    assert _kinds(placement) == ["placement.chased"]
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0]["Subject"].startswith("Reminder 1: is ")


def test_running_twice_acts_once(requested, smtp_server, sweep):
    placement = requested()
    now = _at(date(2026, 12, 18))

    sweep(now=now)
    second = sweep(now=now)

    assert sum(second.values()) == 0
    assert _kinds(placement) == ["placement.chased"]
    assert len(smtp_server.messages) == 1


def test_unanswered_request_chased_escalated_then_referred(
    requested, smtp_server, sweep
):
    placement = requested()
    outcomes = []
    now = _at(date(2026, 12, 18))
    for _ in range(4):
        outcomes.append(sweep(now=now))
        placement.refresh_from_db()
        if placement.due_at is None:
            break
        now = placement.due_at

    assert [dict(o) for o in outcomes] == [
        {"chased": 1},
        {"chased": 1},
        {"escalated": 1},
        {"referred": 1},
    ]
    assert placement.state == State.REFERRED_CME
    assert not placement.is_open
    assert _kinds(placement) == [
        "placement.chased",
        "placement.chased",
        "placement.escalated",
        "placement.refer_cme",
    ]
    referral = CmeCase.objects.get()
    assert referral.child == placement.child
    assert referral.referred_by is None
    assert [entry["kind"] for entry in referral.history][-1] == "placement.refer_cme"
    subjects = [message["Subject"] for message in smtp_server.messages]
    assert subjects[0].startswith("Reminder 1")
    assert subjects[1].startswith("Reminder 2")
    assert subjects[2].startswith("For the head teacher")


def test_attendance_not_confirmed_reminds_officer_without_email(
    placement_in, smtp_server, sweep
):
    placement = placement_in(State.ON_ROLL, starting_on=date(2026, 11, 16))
    set_deadline(placement, CalendarCache())
    placement.save()
    assert placement.due_on == date(2026, 11, 30)

    outcomes = sweep(now=_at(date(2026, 12, 1)))

    assert outcomes == {"chased": 1}
    assert smtp_server.messages == []
    (event,) = events_for(placement)
    assert event.note.startswith("Reminder to the case owner")


def test_officer_step_escalates_then_stays_overdue(placement_in, sweep):
    placement = placement_in(State.OFFERED, offered_on=date(2026, 11, 9))
    set_deadline(placement, CalendarCache())
    placement.save()
    now = placement.due_at
    for _ in range(4):
        sweep(now=now)
        placement.refresh_from_db()
        now = placement.due_at or now

    assert placement.state == State.OFFERED
    assert placement.due_at is None
    assert placement.reminders_sent == 3
    assert _kinds(placement)[-1] == "placement.escalated"
    listed = Placement.objects.for_worklist(date(2027, 2, 1)).get(pk=placement.pk)
    assert listed.is_overdue


def test_stale_copy_is_not_acted_on_twice(requested, sweep):
    placement = requested()
    stale_copy = Placement.objects.get(pk=placement.pk)
    now = _at(date(2026, 12, 18))
    sweep(now=now)

    outcome = sweep_module.act_on(stale_copy, now, CalendarCache())

    assert outcome == "claimed_elsewhere"
    assert _kinds(placement) == ["placement.chased"]


def test_case_without_calendar_does_not_stop_sweep(requested, authority, sweep):
    stuck = requested()
    fine = requested()
    # Remove every term after the due day so the chase cannot be counted.
    Term.objects.filter(authority=authority, first_day__gt=date(2026, 12, 1)).delete()

    outcomes = sweep(now=_at(date(2026, 12, 18)))

    assert outcomes == {"calendar_missing": 2}
    stuck.refresh_from_db()
    fine.refresh_from_db()
    assert stuck.due_at == _at(date(2026, 12, 19))
    assert _kinds(stuck) == []


def test_command_reports_counts(requested, time_machine):
    requested()
    time_machine.move_to(_at(date(2026, 12, 18)), tick=False)
    output = []

    call_command("sweep_deadlines", stdout=_Collect(output))
    call_command("sweep_deadlines", "--dry-run", stdout=_Collect(output))

    assert output[0].strip() == "Swept 1 placement: chased 1."
    assert output[1].strip() == "Swept 0 CME cases: none due."
    assert output[-1].strip() == (
        "Due: 0 placements, 0 CME cases, 0 awaited arrivals; nothing changed (dry run)."
    )


class _Collect:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def write(self, text: str) -> None:
        self.lines.append(text)

    def flush(self) -> None:
        pass


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_act_once_per_case(requested, settings, sweep):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    cases = [requested() for _ in range(30)]
    now = _at(date(2026, 12, 18))
    start = threading.Barrier(2)
    results = []

    def run() -> None:
        try:
            start.wait()
            results.append(sweep_module.sweep(now=now, batch_size=5))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    chased = sum(result["chased"] for result in results)
    assert chased == len(cases)
    for placement in cases:
        placement.refresh_from_db()
        assert placement.reminders_sent == 1
        assert _kinds(placement) == ["placement.chased"]
