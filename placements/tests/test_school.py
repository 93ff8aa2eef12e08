"""School pages and the signed one-time reply link, through Django's test client."""

import re
import threading
from datetime import date, timedelta

import pytest
from django.db import connection
from pytest_django.asserts import assertContains, assertNotContains

from audit.models import AuditEntry
from casework.timeline import events_for
from cme.models import CmeCase
from correspondence import outbox
from placements import actions, links, sweep
from placements.deadlines import set_deadline
from placements.models import Placement, SchoolReplyLink
from placements.states import TRANSITIONS, State
from placements.tests.test_sweep import _at
from placements.tests.test_views import _date
from schools.calendars import CalendarCache

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]


@pytest.fixture
def school_client(client, school_user):
    client.force_login(school_user)
    return client


@pytest.fixture
def pending(placement_in):
    """A placement in the given state with its deadline set, as the actions set it."""

    def build(state: str = State.REQUESTED, **overrides) -> Placement:
        placement = placement_in(state, **overrides)
        set_deadline(placement, CalendarCache())
        placement.save()
        return placement

    return build


# School pages -----------------------------------------------------------------


def test_school_list_shows_own_requests(school_client, pending, other_school):
    waiting = pending(State.REQUESTED, year_group="Year 5")
    started = pending(State.ON_ROLL)
    elsewhere = pending(State.REQUESTED, school=other_school)
    attending = pending(State.ATTENDING)

    response = school_client.get("/school/")

    assertContains(response, waiting.child.full_name)
    assertContains(response, started.child.full_name)
    assertNotContains(response, elsewhere.child.full_name)
    assertNotContains(response, attending.child.full_name)
    assertContains(response, "14 March 2015")  # date of birth
    assertContains(response, "Year 5")
    assertContains(response, "16 November 2026")  # agreed start date
    assertContains(response, "24 November 2026")  # 10 school days after the request
    assertContains(response, f'href="/school/requests/{waiting.pk}/confirm_on_roll/"')
    assertContains(
        response, f'href="/school/requests/{started.pk}/confirm_attendance/"'
    )
    assertNotContains(
        response, f'href="/school/requests/{waiting.pk}/confirm_attendance/"'
    )
    assertContains(response, "On-roll requests")
    assertNotContains(response, "Worklist")


def test_school_list_refuses_officer(client, officer):
    client.force_login(officer)

    response = client.get("/school/")

    assert response.status_code == 403
    assertContains(response, "for school staff", status_code=403)


def test_school_list_redirects_anonymous(client):
    response = client.get("/school/")

    assert response.status_code == 302
    assert response.url == "/sign-in/?next=/school/"


@pytest.mark.parametrize(
    "name", ["confirm_on_roll", "confirm_attendance", "report_not_arrived"]
)
def test_other_school_request_not_found(client, other_school_user, pending, name):
    state = State.ON_ROLL if name == "confirm_attendance" else State.REQUESTED
    placement = pending(state)
    client.force_login(other_school_user)

    get = client.get(f"/school/requests/{placement.pk}/{name}/")
    post = client.post(
        f"/school/requests/{placement.pk}/{name}/",
        {
            "version": placement.version,
            "note": "x",
            **_date("starting_on", "7/12/2026"),
        },
    )

    assert get.status_code == 404
    assert post.status_code == 404
    placement.refresh_from_db()
    assert placement.state == state


def test_unknown_answer_not_found(school_client, pending):
    placement = pending()

    response = school_client.get(f"/school/requests/{placement.pk}/check_off/")

    assert response.status_code == 404


def test_answer_refused_in_wrong_state(school_client, pending):
    placement = pending(State.REQUESTED)

    response = school_client.get(f"/school/requests/{placement.pk}/confirm_attendance/")

    assertContains(response, "while the case is on-roll request sent", status_code=403)


def test_school_confirms_on_roll(school_client, pending, school_user):
    placement = pending()

    response = school_client.post(
        f"/school/requests/{placement.pk}/confirm_on_roll/",
        {"version": placement.version, **_date("starting_on", date(2026, 12, 7))},
        follow=True,
    )

    assertContains(response, "On roll confirmed")
    placement.refresh_from_db()
    assert placement.state == State.ON_ROLL
    assert placement.starting_on == date(2026, 12, 7)
    assert events_for(placement).get(kind="placement.confirm_on_roll").actor == (
        school_user
    )


def test_school_confirms_attendance(school_client, pending):
    placement = pending(State.ON_ROLL)

    response = school_client.post(
        f"/school/requests/{placement.pk}/confirm_attendance/",
        {"version": placement.version, **_date("confirmed_on", date(2026, 11, 17))},
    )

    assert response.status_code == 302
    assert response.url == "/school/"
    placement.refresh_from_db()
    assert placement.state == State.ATTENDING
    assert placement.attendance_confirmed_with == "school"
    assert placement.attendance_confirmed_on == date(2026, 11, 17)


def test_school_reports_not_arrived(school_client, pending):
    placement = pending()

    response = school_client.post(
        f"/school/requests/{placement.pk}/report_not_arrived/",
        {"version": placement.version, "note": "No sign of the child."},
    )

    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.state == State.REFERRED_CME
    assert CmeCase.objects.get().reason == "No sign of the child."


def test_school_form_errors_keep_input(school_client, pending):
    placement = pending()

    response = school_client.post(
        f"/school/requests/{placement.pk}/confirm_on_roll/",
        {
            "version": placement.version,
            "note": "Starts after half term.",
            **_date("starting_on", "1/11/2026"),
        },
    )

    assertContains(response, "There is a problem")
    assertContains(response, "is before the place was offered on 9 November 2026")
    assertContains(response, 'value="1"')
    assertContains(response, "Starts after half term.")
    assertContains(response, f'name="version" value="{placement.version}"')
    placement.refresh_from_db()
    assert placement.state == State.REQUESTED


def test_school_form_blank_note_shows_error(school_client, pending):
    placement = pending()

    response = school_client.post(
        f"/school/requests/{placement.pk}/report_not_arrived/",
        {"version": placement.version, "note": ""},
    )

    assertContains(response, "Enter why the child is being referred")
    placement.refresh_from_db()
    assert placement.state == State.REQUESTED


def test_school_stale_form_refused(school_client, pending, officer):
    placement = pending()
    stale_version = placement.version
    actions.confirm_on_roll(placement, actor=officer, starting_on=date(2026, 12, 7))

    response = school_client.post(
        f"/school/requests/{placement.pk}/report_not_arrived/",
        {"version": stale_version, "note": "Not here."},
    )

    assertContains(response, "changed by someone else")
    placement.refresh_from_db()
    assert placement.state == State.ON_ROLL


# Sign-in ----------------------------------------------------------------------


@pytest.mark.parametrize("next_url", ["", "/"])
def test_school_user_signs_in_to_school_page(client, school_user, next_url):
    response = client.post(
        "/sign-in/",
        {"username": "school", "password": "correct horse battery", "next": next_url},
    )

    assert response.status_code == 302
    assert response.url == "/school/"


def test_officer_still_signs_in_to_worklist(client, officer):
    response = client.post(
        "/sign-in/", {"username": "officer", "password": "correct horse battery"}
    )

    assert response.url == "/"


# Signed link ------------------------------------------------------------------


LINK_PATTERN = re.compile(r"http://testserver\.invalid(/school/reply/[^/\s]+/)")


@pytest.fixture
def linked_email(settings, smtp_server, officer):
    """Send the on-roll request over SMTP and return the link path in its text."""
    settings.ONROLL_BASE_URL = "http://testserver.invalid"

    def send(placement: Placement) -> str:
        actions.send_request(placement, actor=officer)
        outbox.deliver_due()
        message = smtp_server.messages[-1]
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        match = LINK_PATTERN.search(text)
        assert match, text
        assert f'href="http://testserver.invalid{match.group(1)}"' in html
        return match.group(1)

    return send


@pytest.fixture
def offered(placement_in):
    return placement_in(State.OFFERED)


def test_link_in_email_opens_request(client, offered, linked_email):
    path = linked_email(offered)

    response = client.get(path)

    assertContains(response, offered.child.full_name)
    assertContains(response, "16 November 2026")  # agreed start date
    assertContains(response, f'href="{path}confirm_on_roll/"')
    assertContains(response, f'href="{path}report_not_arrived/"')
    assertNotContains(response, "14 March 2015")  # no date of birth without sign-in
    assert "no-cache" in response["Cache-Control"]


def test_link_page_view_is_audited(client, offered, linked_email):
    path = linked_email(offered)

    client.get(path)

    entry = AuditEntry.objects.get(action="placement.viewed")
    assert entry.actor is None
    assert entry.child_ref == offered.child_id
    assert entry.data["via"] == "signed link"


def test_school_list_view_is_audited(school_client, pending):
    placement = pending()

    school_client.get("/school/")

    entry = AuditEntry.objects.get(action="placement.list_viewed")
    assert entry.data == {"placements": [placement.pk]}


def test_link_confirms_on_roll_once(client, offered, linked_email):
    path = linked_email(offered)
    placement = Placement.objects.get(pk=offered.pk)

    response = client.post(
        f"{path}confirm_on_roll/",
        {"version": placement.version, **_date("starting_on", date(2026, 12, 7))},
        follow=True,
    )

    assertContains(response, "Answer received")
    assertContains(response, "On roll confirmed")
    placement.refresh_from_db()
    assert placement.state == State.ON_ROLL
    event = events_for(placement).get(kind="placement.confirm_on_roll")
    assert event.actor is None
    assert event.data["via"] == "signed link"
    link = SchoolReplyLink.objects.get(placement=placement)
    assert link.used_for == "confirm_on_roll"
    assert link.used_at is not None

    again = client.get(path)
    assertContains(again, "This link has already been used", status_code=410)
    assertNotContains(again, placement.child.full_name, status_code=410)
    resend = client.post(
        f"{path}report_not_arrived/",
        {"version": placement.version, "note": "Second try."},
    )
    assert resend.status_code == 410
    placement.refresh_from_db()
    assert placement.state == State.ON_ROLL


def test_link_reports_not_arrived(client, offered, linked_email):
    path = linked_email(offered)
    placement = Placement.objects.get(pk=offered.pk)

    response = client.post(
        f"{path}report_not_arrived/",
        {"version": placement.version, "note": "Family moved away."},
    )

    assert response.status_code == 302
    assert response.url == "/school/reply/done/"
    placement.refresh_from_db()
    assert placement.state == State.REFERRED_CME
    assert CmeCase.objects.get().reason == "Family moved away."


def test_link_form_errors_keep_input_and_link(client, offered, linked_email):
    path = linked_email(offered)
    placement = Placement.objects.get(pk=offered.pk)

    response = client.post(
        f"{path}confirm_on_roll/",
        {
            "version": placement.version,
            "note": "Uniform ordered.",
            **_date("starting_on", "31/2/2026"),
        },
    )

    assertContains(response, "There is a problem")
    assertContains(response, "Starting day must be a real date")
    assertContains(response, 'value="31"')
    assertContains(response, "Uniform ordered.")
    link = SchoolReplyLink.objects.get(placement=placement)
    assert link.used_at is None


def test_link_rejected_action_leaves_link_unused(client, offered, linked_email):
    path = linked_email(offered)
    placement = Placement.objects.get(pk=offered.pk)

    response = client.post(
        f"{path}confirm_on_roll/",
        {"version": placement.version, **_date("starting_on", "1/11/2026")},
    )

    assertContains(response, "is before the place was offered")
    assert SchoolReplyLink.objects.get(placement=placement).used_at is None
    placement.refresh_from_db()
    assert placement.state == State.REQUESTED


@pytest.mark.parametrize(
    "alter",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: "x" + token,
        lambda token: "not-a-token",
    ],
    ids=["last character", "prefix", "garbage"],
)
def test_altered_link_not_valid(client, offered, linked_email, alter):
    path = linked_email(offered)
    token = path.removeprefix("/school/reply/").rstrip("/")

    response = client.get(f"/school/reply/{alter(token)}/")

    assertContains(response, "This link is not valid", status_code=404)
    assertNotContains(response, offered.child.full_name, status_code=404)


def test_signed_but_unknown_nonce_not_valid(client, offered):
    link = links.issue(offered)
    path = links.url_for(link).removeprefix("http://127.0.0.1:8000")
    link.delete()

    response = client.get(path)

    assertContains(response, "This link is not valid", status_code=404)


def test_link_expires(client, offered, linked_email, time_machine, settings):
    path = linked_email(offered)
    placement = Placement.objects.get(pk=offered.pk)
    assert settings.ONROLL_SCHOOL_LINK_DAYS == 20
    link = SchoolReplyLink.objects.get(placement=placement)
    assert link.expires_at - link.created_at == timedelta(days=20)

    time_machine.move_to(link.expires_at - timedelta(minutes=1), tick=False)
    assert client.get(path).status_code == 200

    time_machine.move_to(link.expires_at, tick=False)
    response = client.get(path)
    assertContains(response, "This link has expired", status_code=410)
    post = client.post(
        f"{path}confirm_on_roll/",
        {"version": placement.version, **_date("starting_on", date(2026, 12, 7))},
    )
    assert post.status_code == 410
    placement.refresh_from_db()
    assert placement.state == State.REQUESTED


def test_link_fails_after_case_moved_on(client, offered, linked_email, officer):
    path = linked_email(offered)
    placement = Placement.objects.get(pk=offered.pk)
    actions.withdraw(placement, actor=officer, note="Family chose another school.")

    response = client.get(path)

    assertContains(response, "already been answered", status_code=410)
    assertNotContains(response, placement.child.full_name, status_code=410)


def test_earlier_link_works_after_later_one_used(client, offered, linked_email):
    first = linked_email(offered)
    placement = Placement.objects.get(pk=offered.pk)
    later = links.issue(placement)
    links.answer(later, "confirm_on_roll", starting_on=date(2026, 12, 7), note="")

    response = client.get(first)

    assertContains(response, f'href="{first}confirm_attendance/"')
    assertNotContains(response, f'href="{first}confirm_on_roll/"')


@pytest.mark.parametrize(("chases_done", "subject"), [(0, "Reminder 1"), (2, "head")])
def test_chase_and_escalation_carry_fresh_link(
    pending, smtp_server, chases_done, subject
):
    placement = pending(State.REQUESTED, request_sent_on=date(2026, 12, 3))
    # Set after the deadline, which starts a step with no reminders sent.
    placement.reminders_sent = chases_done
    placement.save()
    first = links.issue(placement)

    sweep.act_on(placement, _at(date(2026, 12, 18)), CalendarCache())
    outbox.deliver_due()

    message = smtp_server.messages[-1]
    assert subject in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"http://127\.0\.0\.1:8000/school/reply/([^/\s]+)/", text)
    assert match, text
    sent = links.resolve(match.group(1))
    assert sent.pk != first.pk
    assert sent.placement_id == placement.pk
    links.check_usable(first)  # the earlier link still works


def test_second_use_refused_by_conditional_update(offered, officer):
    """Two requests that both read the link unused: only the first answer counts."""
    placement = Placement.objects.get(pk=offered.pk)
    actions.send_request(placement, actor=officer)
    link = SchoolReplyLink.objects.get(placement=placement)
    first_copy = SchoolReplyLink.objects.select_related("placement").get(pk=link.pk)
    second_copy = SchoolReplyLink.objects.select_related("placement").get(pk=link.pk)
    links.check_usable(first_copy)
    links.check_usable(second_copy)

    links.answer(first_copy, "confirm_on_roll", starting_on=date(2026, 12, 7))
    # The second request's answer is allowed by the new state, so only the
    # link's own conditional UPDATE can stop it.
    second_copy.placement.refresh_from_db()
    with pytest.raises(links.LinkUsed):
        links.answer(second_copy, "report_not_arrived", note="Not here.")

    placement.refresh_from_db()
    assert placement.state == State.ON_ROLL
    kinds = [event.kind for event in events_for(placement)]
    assert "placement.report_not_arrived" not in kinds
    assert SchoolReplyLink.objects.get(pk=link.pk).used_for == "confirm_on_roll"


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_link_answers_at_once_one_wins(placement_in, officer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    placement = placement_in(State.OFFERED)
    actions.send_request(placement, actor=officer)
    link = SchoolReplyLink.objects.get(placement=placement)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def run(name: str, data: dict) -> None:
        copy = SchoolReplyLink.objects.select_related("placement").get(pk=link.pk)
        try:
            start.wait()
            links.answer(copy, name, **data)
            outcomes.append("answered")
        except links.LinkUsed:
            outcomes.append("used")
        except Exception as error:
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=run,
            args=("confirm_on_roll", {"starting_on": date(2026, 12, 7)}),
        ),
        threading.Thread(target=run, args=("report_not_arrived", {"note": "Gone."})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["answered", "used"]
    link.refresh_from_db()
    placement.refresh_from_db()
    assert placement.state == TRANSITIONS[link.used_for].target
