"""A school's answer stops the chase sequence, however it arrives."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.timeline import events_for
from correspondence import outbox
from correspondence.models import Message
from placements import actions, emails, links, sweep
from placements.deadlines import set_deadline
from placements.models import Placement
from placements.states import State
from placements.tests.test_sweep import _at
from placements.tests.test_views import _date
from schools.calendars import CalendarCache

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]


@pytest.fixture
def chased(placement_in):
    """A requested placement the sweep has just chased, its chase not yet sent."""
    placement = placement_in(State.REQUESTED, request_sent_on=date(2026, 11, 20))
    set_deadline(placement, CalendarCache())
    placement.save()
    sweep.act_on(placement, _at(date(2026, 12, 4)), CalendarCache())
    placement.refresh_from_db()
    return placement


def _statuses(placement: Placement) -> dict[str, str]:
    return {
        message.template_version.template.name: message.status
        for message in outbox.for_case(placement)
    }


def test_sequence_uses_each_template_in_turn(chased):
    for day in (date(2026, 12, 11), date(2026, 12, 18)):
        sweep.act_on(chased, _at(day), CalendarCache())
        chased.refresh_from_db()

    names = [
        m.template_version.template.name
        for m in outbox.for_case(chased).order_by("created_at", "pk")
    ]
    assert names == ["chase_first", "chase_second", "escalation_head_teacher"]


def test_answer_through_signed_link_cancels_queued_chase(chased):
    assert _statuses(chased) == {"chase_first": Message.Status.QUEUED}
    link = links.issue(chased)

    links.answer(link, "confirm_on_roll", starting_on=date(2026, 12, 1))

    assert _statuses(chased) == {"chase_first": Message.Status.CANCELLED}


def test_answer_through_school_pages_cancels_queued_chase(chased, school_user):
    actions.confirm_on_roll(chased, actor=school_user, starting_on=date(2026, 12, 1))

    assert _statuses(chased) == {"chase_first": Message.Status.CANCELLED}


def test_claimed_chase_is_left_to_its_worker(chased):
    from django.utils import timezone

    outbox.claim(timezone.now(), 10)

    actions.confirm_on_roll(
        chased, actor=None, starting_on=date(2026, 12, 1), via_link=True
    )

    assert _statuses(chased) == {"chase_first": Message.Status.SENDING}


def test_officer_records_a_phone_reply(client, officer, chased):
    client.force_login(officer)
    url = f"/placements/{chased.pk}/reply/"

    form = client.get(url)
    response = client.post(
        url,
        {
            "version": chased.version,
            **_date("received_on", date(2026, 12, 4)),
            "received_by": "phone",
            "note": "The office says the child starts on Monday.",
        },
    )

    assert "Record a reply from the school" in form.content.decode()
    assert response.status_code == 302
    chased.refresh_from_db()
    assert chased.state == State.REQUESTED
    assert chased.school_replied_on == date(2026, 12, 4)
    assert chased.school_replied_by == "phone"
    assert _statuses(chased) == {"chase_first": Message.Status.CANCELLED}
    event = events_for(chased).get(kind="placement.record_reply")
    assert event.actor == officer
    assert event.note.startswith("The school replied by phone on 4 December 2026.")

    # The sweep now reminds the case owner and emails the school no more.
    sweep.act_on(chased, _at(date(2026, 12, 11)), CalendarCache())
    assert outbox.for_case(chased).count() == 1
    last = events_for(chased).filter(kind="placement.chased").last()
    assert last.note.startswith("Reminder to the case owner (2)")


def test_reply_form_future_date_error(client, officer, chased):
    client.force_login(officer)

    response = client.post(
        f"/placements/{chased.pk}/reply/",
        {
            "version": chased.version,
            **_date("received_on", date(2026, 12, 7)),
            "received_by": "email",
            "note": "Will confirm next week.",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "The date, 7 December 2026, is in the future." in page
    assert "Will confirm next week." in page
    chased.refresh_from_db()
    assert chased.school_replied_on is None
    assert _statuses(chased) == {"chase_first": Message.Status.QUEUED}


def test_reply_needs_a_waiting_request(officer, placement_in):
    placement = placement_in(State.ON_ROLL)

    with pytest.raises(actions.TransitionNotAllowed, match="waiting for one"):
        actions.record_reply(
            placement,
            actor=officer,
            received_on=date(2026, 12, 4),
            received_by="phone",
            note="Called.",
        )


def test_new_state_clears_the_recorded_reply(officer, chased):
    actions.record_reply(
        chased,
        actor=officer,
        received_on=date(2026, 12, 4),
        received_by="email",
        note="Starting Monday.",
    )

    actions.confirm_on_roll(chased, actor=officer, starting_on=date(2026, 12, 7))

    chased.refresh_from_db()
    assert chased.school_replied_on is None
    assert chased.school_replied_by == ""


def test_case_page_emails_queries_do_not_grow(client, officer, chased):
    client.force_login(officer)
    url = f"/placements/{chased.pk}/"
    client.get(url)  # Warm the content type and session caches.

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries.captured_queries)

    with_1 = count()
    for number in range(2, 12):
        emails.queue_chase(chased, number)
    with_11 = count()

    assert with_11 == with_1
    assert outbox.for_case(chased).count() == 11
