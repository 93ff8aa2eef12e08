"""Pages of placement tracking, driven through Django's test client."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from access.tests.factories import UserFactory
from casework.timeline import events_for, record_event
from children.models import Address, Child, Contact
from children.tests.factories import (
    ChildFactory,
    RiskAssessmentFactory,
    VulnerabilityFactory,
)
from placements.forms import TRANSITION_FORMS
from placements.models import Placement
from placements.states import TRANSITIONS, State
from placements.tests.factories import PlacementFactory
from placements.views import ACTIONS
from schools.models import School
from schools.tests.factories import AuthorityFactory, SchoolFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def _date(prefix: str, day: date | str) -> dict[str, str]:
    """Return the POST data of a GOV.UK date input for a date or "d/m/y" text."""
    if isinstance(day, date):
        parts = [str(day.day), str(day.month), str(day.year)]
    else:
        parts = day.split("/")
    return {
        f"{prefix}_day": parts[0],
        f"{prefix}_month": parts[1],
        f"{prefix}_year": parts[2],
    }


# Who may see the pages -------------------------------------------------------


def _page_urls(placement: Placement) -> dict[str, str]:
    return {
        "worklist": "/",
        "check-off list": "/check-off/",
        "new application": "/applications/new/",
        "case": f"/placements/{placement.pk}/",
        "confirm on roll": f"/placements/{placement.pk}/confirm_on_roll/",
    }


@pytest.mark.parametrize(
    ("page", "text"),
    [
        ("worklist", "Worklist"),
        ("check-off list", "Check-off list"),
        ("new application", "New application"),
        ("case", "On-roll request sent"),
        ("confirm on roll", "Record that the school has put the child on roll"),
    ],
)
def test_page_renders_for_officer(officer_client, placement_in, page, text):
    placement = placement_in(State.REQUESTED)

    response = officer_client.get(_page_urls(placement)[page])

    assertContains(response, text)
    assertContains(response, "Sign out")
    assertContains(response, 'class="govuk-skip-link"')
    assert response.content.count(b"<h1") == 1


@pytest.mark.parametrize(
    "page", ["worklist", "check-off list", "new application", "case", "confirm on roll"]
)
def test_page_redirects_anonymous_to_sign_in(client, placement_in, page):
    url = _page_urls(placement_in(State.REQUESTED))[page]

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/sign-in/?next={url}"


@pytest.mark.parametrize(
    ("page", "status"),
    [
        ("worklist", 302),
        ("check-off list", 403),
        ("new application", 403),
        ("case", 200),
        ("confirm on roll", 200),
    ],
)
def test_school_user_opens_only_own_case(
    client, school_user, placement_in, page, status
):
    client.force_login(school_user)

    response = client.get(_page_urls(placement_in(State.REQUESTED))[page])

    assert response.status_code == status
    if status == 403:
        assertContains(response, "for local authority staff", status_code=403)


@pytest.mark.parametrize("suffix", ["", "confirm_on_roll/"])
def test_other_authority_case_not_found(
    client, other_authority_officer, placement_in, suffix
):
    placement = placement_in(State.REQUESTED)
    client.force_login(other_authority_officer)

    response = client.get(f"/placements/{placement.pk}/{suffix}")

    assert response.status_code == 404


def test_sign_in_with_password(client, officer):
    response = client.post(
        "/sign-in/", {"username": "officer", "password": "correct horse battery"}
    )

    assert response.status_code == 302
    assert response.url == "/"


def test_sign_in_wrong_password_shows_error(client, officer):
    response = client.post("/sign-in/", {"username": "officer", "password": "wrong"})

    assertContains(response, "There is a problem")
    assertContains(response, "Enter a correct username and password")
    assertContains(response, 'value="officer"')


def test_sign_out_ends_session(officer_client):
    response = officer_client.post("/sign-out/")

    assert response.status_code == 302
    assert officer_client.get("/").status_code == 302


# Worklist ---------------------------------------------------------------------


def test_worklist_orders_overdue_then_risk(officer_client, authority, school):
    def case(first_name: str, level: int, due_on: date, reminders: int = 0):
        child = ChildFactory(authority=authority, legal_first_name=first_name)
        RiskAssessmentFactory(child=child, level=level)
        return PlacementFactory(
            child=child, due_on=due_on, reminders_sent=reminders, school=school
        )

    case("Late", level=1, due_on=date(2026, 12, 1))
    case("Chased", level=2, due_on=date(2026, 12, 10), reminders=1)
    case("Risky", level=3, due_on=date(2026, 12, 18))
    case("Soon", level=1, due_on=date(2026, 12, 7))

    content = officer_client.get("/").content.decode()

    positions = [content.index(f"{name} Testchild") for name in ("Chased", "Late")]
    assert positions == sorted(positions)
    assert content.index("Late Testchild") < content.index("Risky Testchild")
    assert content.index("Risky Testchild") < content.index("Soon Testchild")


def test_worklist_shows_case_columns(officer_client, placement_in):
    placement = placement_in(
        State.REQUESTED, due_on=date(2026, 12, 1), reminders_sent=2
    )
    VulnerabilityFactory(child=placement.child)

    response = officer_client.get("/")

    assertContains(response, f'href="/children/{placement.child_id}/"')
    assertContains(response, f'href="/placements/{placement.pk}/"')
    assertContains(response, "Oakfield Primary School")
    assertContains(response, "On-roll request sent")
    assertContains(response, "1 December 2026")
    assertContains(response, "Overdue")
    assertContains(response, "Alert")
    assertContains(response, "Medium")
    assertContains(
        response, "1 open case, 1 overdue or chased, 1 for a child with an alert"
    )


def test_case_page_tags_chased_case_like_worklist(officer_client, placement_in):
    placement = placement_in(
        State.REQUESTED, due_on=date(2026, 12, 11), reminders_sent=1
    )

    response = officer_client.get(f"/placements/{placement.pk}/")

    assertContains(
        response, '<strong class="govuk-tag govuk-tag--orange">Chased</strong>'
    )
    assertNotContains(
        response, '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
    )


def test_worklist_tags_chased_case_with_new_deadline(officer_client, placement_in):
    placement_in(State.REQUESTED, due_on=date(2026, 12, 11), reminders_sent=1)

    response = officer_client.get("/")

    assertContains(response, "11 December 2026")
    assertContains(
        response, '<strong class="govuk-tag govuk-tag--orange">Chased</strong>'
    )
    assertNotContains(
        response, '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
    )


def test_worklist_hides_closed_and_other_authority(
    officer_client, placement_in, other_authority
):
    placement_in(State.CHECKED_OFF, is_open=False)
    other_child = ChildFactory(authority=other_authority, legal_first_name="Elsewhere")
    PlacementFactory(child=other_child)
    placement_in(State.RECEIVED)

    response = officer_client.get("/")

    assertNotContains(response, "Checked off")
    assertNotContains(response, "Elsewhere")
    assertContains(response, "1 open case,")


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("state=offered", "Offered", "Received"),
        ("owner=mine", "Mine", "Received"),
        ("only=overdue", "Received", "Offered"),
        ("only=alert", "Offered", "Received"),
    ],
)
def test_worklist_filters(
    officer_client, officer, authority, school, query, shown, hidden
):
    received = PlacementFactory(
        child=ChildFactory(authority=authority, legal_first_name="Received"),
        due_on=date(2026, 12, 1),
    )
    offered = PlacementFactory(
        child=ChildFactory(authority=authority, legal_first_name="Offered"),
        state=State.OFFERED,
        school=school,
        due_on=date(2026, 12, 10),
    )
    VulnerabilityFactory(child=offered.child)
    PlacementFactory(
        child=ChildFactory(authority=authority, legal_first_name="Mine"),
        owner=officer,
        due_on=date(2026, 12, 10),
    )
    assert received.owner is None

    response = officer_client.get(f"/?{query}")

    assertContains(response, f"{shown} Testchild")
    assertNotContains(response, f"{hidden} Testchild")
    assertContains(response, "Matching the filters")


def test_worklist_filters_by_school(officer_client, authority, school, other_school):
    for name, chosen in (("Here", school), ("There", other_school)):
        PlacementFactory(
            child=ChildFactory(authority=authority, legal_first_name=name),
            state=State.OFFERED,
            school=chosen,
        )

    response = officer_client.get(f"/?school={school.pk}")

    assertContains(response, "Here Testchild")
    assertNotContains(response, "There Testchild")
    assertContains(response, f'<option value="{school.pk}" selected>')


def test_worklist_paginates_by_50(officer_client, authority):
    children = ChildFactory.create_batch(51, authority=authority)
    for child in children:
        PlacementFactory(child=child)

    first = officer_client.get("/")
    second = officer_client.get("/?page=2")

    assert first.content.count(b'class="govuk-table__row"') == 51  # header + 50
    assert second.content.count(b'class="govuk-table__row"') == 2
    assertContains(first, 'href="?page=2"')
    assertContains(first, "51 open cases")
    assertNotContains(second, "Matching the filters")


def _add_cases(authority, school, officer, count: int) -> None:
    for _ in range(count):
        child = ChildFactory(authority=authority)
        VulnerabilityFactory(child=child)
        RiskAssessmentFactory(child=child)
        placement = PlacementFactory(
            child=child, state=State.OFFERED, school=school, owner=officer
        )
        record_event(placement, "placement.offer", actor=officer)


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("url", ["/", "/check-off/"])
def test_list_queries_do_not_grow_with_cases(
    officer_client, authority, school, officer, url
):
    _add_cases(authority, school, officer, 2)
    officer_client.get(url)  # Warm the content type and session caches.
    with_2 = _count_queries(officer_client, url)

    _add_cases(authority, school, officer, 18)
    with_20 = _count_queries(officer_client, url)

    assert with_20 == with_2
    # 8 for the page, plus one lookup of a TOTP device and three to save the
    # session, which every request does to keep the idle timeout sliding.
    assert with_2 <= 12


# Check-off list ------------------------------------------------------------------


def test_check_off_lists_open_vulnerable_cases(officer_client, placement_in):
    attending = placement_in(State.ATTENDING, received_on=date(2026, 10, 5))
    requested = placement_in(State.REQUESTED, received_on=date(2026, 10, 1))
    checked_off = placement_in(State.CHECKED_OFF, is_open=False)
    not_vulnerable = placement_in(State.ON_ROLL)
    for placement in (attending, requested, checked_off):
        VulnerabilityFactory(child=placement.child)

    response = officer_client.get("/check-off/")
    content = response.content.decode()

    assertContains(response, attending.child.full_name)
    assertContains(response, requested.child.full_name)
    assertNotContains(response, checked_off.child.full_name)
    assertNotContains(response, not_vulnerable.child.full_name)
    assert content.index(requested.child.full_name) < content.index(
        attending.child.full_name
    )
    assertContains(response, f'href="/placements/{attending.pk}/check_off/"')
    assertNotContains(response, f'href="/placements/{requested.pk}/check_off/"')
    assertContains(response, "1 October 2026")


def test_check_off_link_checks_off(officer_client, placement_in):
    placement = placement_in(State.ATTENDING)
    VulnerabilityFactory(child=placement.child)

    response = officer_client.post(
        f"/placements/{placement.pk}/check_off/",
        {"version": placement.version, "note": "Seen in class."},
        follow=True,
    )

    placement.refresh_from_db()
    assert placement.state == State.CHECKED_OFF
    assertContains(response, "govuk-notification-banner--success")
    assertContains(response, "Checked off")
    assertNotContains(officer_client.get("/check-off/"), placement.child.full_name)


# New application --------------------------------------------------------------


def _application(**overrides: str) -> dict[str, str]:
    data = {
        "legal_first_name": "Ruby",
        "legal_last_name": "Okafor",
        "preferred_name": "Rubes",
        "sex": "F",
        "upn": "b801200005001",
        "address_line_1": "1 High Street",
        "address_town": "Hinckley",
        "address_postcode": "le10 1aa",
        "contact_name": "Ada Okafor",
        "contact_relationship": "Mother",
        "contact_phone": "07700 900123",
        "contact_email": "",
        "reason": "Moved into the area",
        "year_group": "Year 5",
        **_date("date_of_birth", "27/3/2015"),
        **_date("received_on", "2/12/2026"),
    }
    data.update(overrides)
    return data


def test_new_application_opens_case(officer_client, officer, authority):
    response = officer_client.post("/applications/new/", _application())

    placement = Placement.objects.get()
    assert response.status_code == 302
    assert response.url == f"/placements/{placement.pk}/"
    child = placement.child
    assert child.authority == authority
    assert child.full_name == "Ruby Okafor"
    assert child.date_of_birth == date(2015, 3, 27)
    assert child.upn == "B801200005001"
    assert child.addresses.get().postcode == "LE10 1AA"
    assert child.contacts.get().relationship == "Mother"
    assert placement.received_on == date(2026, 12, 2)
    assert placement.year_group == "Year 5"
    assert placement.owner == officer
    assertContains(
        officer_client.get(response.url), "Application for Ruby Okafor received"
    )


def test_new_application_invalid_upn_keeps_input(officer_client):
    response = officer_client.post(
        "/applications/new/", _application(upn="B801200005002")
    )

    assertContains(response, "There is a problem")
    assertContains(response, 'href="#id_upn"')
    assertContains(response, "UPN B801200005002 has the wrong check letter", count=2)
    assertContains(response, 'value="B801200005002"')
    assertContains(response, 'value="Ruby"')
    assertContains(response, 'value="Okafor"')
    assertContains(response, 'value="27"')
    assertContains(response, 'value="F" checked')
    assertContains(response, '<option value="Year 5" selected>')
    assertContains(response, "<title>Error: New application")
    assert Child.objects.count() == 0
    assert Placement.objects.count() == 0


def test_new_application_impossible_date(officer_client):
    response = officer_client.post(
        "/applications/new/", _application(**_date("received_on", "31/2/2026"))
    )

    assertContains(response, "Date received must be a real date", count=2)
    assertContains(response, 'href="#id_received_on_0"')
    assert Child.objects.count() == 0


@pytest.mark.parametrize(
    ("typed", "message", "anchor"),
    [
        ("//", "Enter the date received", "id_received_on_0"),
        ("4//2026", "Date received must include a month", "id_received_on_1"),
        ("4/12/26", "Year must include 4 numbers", "id_received_on_2"),
        ("4/Dec/2026", "Date received must be a real date", "id_received_on_0"),
    ],
)
def test_new_application_date_messages(officer_client, typed, message, anchor):
    response = officer_client.post(
        "/applications/new/", _application(**_date("received_on", typed))
    )

    assertContains(response, message, count=2)
    assertContains(response, f'href="#{anchor}"')


def test_new_application_saves_nothing_when_case_fails(officer_client):
    # register_child succeeds, then open_application rejects the future date:
    # the child must not be left behind without an application.
    response = officer_client.post(
        "/applications/new/", _application(**_date("received_on", "5/12/2026"))
    )

    assertContains(response, "is in the future")
    assert Child.objects.count() == 0
    assert Address.objects.count() == 0
    assert Contact.objects.count() == 0


def test_new_application_needs_phone_or_email(officer_client):
    response = officer_client.post(
        "/applications/new/", _application(contact_phone="", contact_email="")
    )

    assertContains(response, "Enter a phone number or an email address", count=2)
    assertContains(response, 'href="#id_contact_phone"')
    assert Child.objects.count() == 0


def test_new_application_without_term_dates(client, caplog):
    rutland = AuthorityFactory(code="857", name="Rutland", gss_code="E06000017")
    client.force_login(UserFactory(authority=rutland))

    response = client.post("/applications/new/", _application())

    assertContains(response, "has no term dates, so school days cannot be counted")
    assertContains(response, "Add its terms in the administration pages")
    assert Child.objects.count() == 0
    assert "School days could not be counted for a new application" in caplog.text


# Case page ---------------------------------------------------------------------


def _action_href(placement: Placement, name: str) -> str:
    return f'href="/placements/{placement.pk}/{name}/"'


def test_case_page_shows_allowed_actions_only(officer_client, placement_in):
    placement = placement_in(State.REQUESTED)

    response = officer_client.get(f"/placements/{placement.pk}/")

    for allowed in (
        "confirm_on_roll",
        "withdraw",
        "refer_cme",
        "report_not_arrived",
        "move_out",
    ):
        assertContains(response, _action_href(placement, allowed))
    for refused in (
        "offer",
        "check_off",
        "assess",
        "send_request",
        "confirm_attendance",
        "refuse",
    ):
        assertNotContains(response, _action_href(placement, refused))


def test_case_page_shows_case_and_child(officer_client, placement_in):
    placement = placement_in(
        State.REQUESTED, due_on=date(2026, 12, 1), reminders_sent=1
    )
    VulnerabilityFactory(child=placement.child)

    response = officer_client.get(f"/placements/{placement.pk}/")

    assertContains(response, "govuk-warning-text")
    assertContains(response, "is a vulnerable child. Child in need.")
    assertContains(response, "Oakfield Primary School")
    assertContains(response, "Place offered 9 November 2026")
    assertContains(response, "Agreed start date 16 November 2026")
    assertContains(response, "1 December 2026")
    assertContains(response, "Overdue")


def test_case_page_timeline_newest_first(officer_client, placement_in, officer):
    placement = placement_in(State.OFFERED)
    record_event(placement, "placement.received", actor=officer)
    with time_machine.travel("2026-12-04 14:30 +0000", tick=False):
        record_event(
            placement, "placement.offer", actor=officer, note="Place at Oakfield."
        )

    content = officer_client.get(f"/placements/{placement.pk}/").content.decode()

    assert content.index("Place offered") < content.index("Application received")
    assert "Place at Oakfield." in content
    assert "4 December 2026 at 2:30pm" in content
    assert "4 December 2026 at 10am" in content


def test_disallowed_transition_is_403(officer_client, placement_in, school):
    placement = placement_in(State.REQUESTED)
    url = f"/placements/{placement.pk}/offer/"

    get_response = officer_client.get(url)
    post_response = officer_client.post(
        url,
        {
            "version": placement.version,
            "school": str(school.urn),
            **_date("offered_on", "1/12/2026"),
            **_date("agreed_start_on", "7/12/2026"),
        },
    )

    assert get_response.status_code == 403
    assert post_response.status_code == 403
    placement.refresh_from_db()
    assert placement.state == State.REQUESTED


def test_every_transition_has_form_and_action():
    assert set(TRANSITION_FORMS) == set(TRANSITIONS)
    assert set(ACTIONS) == set(TRANSITIONS)


def test_unknown_transition_is_404(officer_client, placement_in):
    placement = placement_in(State.REQUESTED)

    response = officer_client.get(f"/placements/{placement.pk}/teleport/")

    assert response.status_code == 404


def _offer(client, placement, school, offered: str, start: str):
    return client.post(
        f"/placements/{placement.pk}/offer/",
        {
            "version": placement.version,
            "school": str(school.urn),
            **_date("offered_on", offered),
            **_date("agreed_start_on", start),
        },
    )


@pytest.mark.parametrize(
    ("start", "accepted"),
    [
        # 20 school days after Tuesday 1 December 2026, across Christmas.
        ("12/1/2027", True),
        ("13/1/2027", False),
    ],
)
def test_offer_start_within_held_days(
    officer_client, placement_in, school, start, accepted
):
    placement = placement_in(State.ASSESSED)

    response = _offer(officer_client, placement, school, "1/12/2026", start)

    placement.refresh_from_db()
    if accepted:
        assert placement.state == State.OFFERED
        return
    assertContains(
        response,
        "is more than 20 school days after the offer, so the place would lapse "
        "before the child starts. Enter a start date no later than 12 January 2027.",
        count=2,
    )
    assert placement.state == State.ASSESSED


def test_offer_start_years_ahead_rejected(officer_client, placement_in, school):
    placement = placement_in(State.ASSESSED)

    response = _offer(officer_client, placement, school, "1/12/2026", "10/12/2099")

    assertContains(
        response, "Enter a start date no later than 12 January 2027", count=2
    )
    assertContains(response, 'value="2099"')


def test_offer_moves_case_on(officer_client, placement_in, school):
    placement = placement_in(State.ASSESSED)

    response = _offer(officer_client, placement, school, "1/12/2026", "7/12/2026")

    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.state == State.OFFERED
    assert placement.school == school
    assert placement.agreed_start_on == date(2026, 12, 7)
    page = officer_client.get(response.url)
    assertContains(page, "govuk-notification-banner--success")
    assertContains(page, "Place offered")


def test_offer_form_lists_open_schools(officer_client, placement_in, school, authority):
    closed = SchoolFactory(
        authority=authority, name="Shut Primary", status=School.Status.CLOSED
    )
    placement = placement_in(State.ASSESSED)

    response = officer_client.get(f"/placements/{placement.pk}/offer/")

    assertContains(response, "Oakfield Primary School")
    assertNotContains(response, closed.name)
    assertContains(response, f'name="version" value="{placement.version}"')


def test_offer_start_before_offer(officer_client, placement_in, school):
    placement = placement_in(State.ASSESSED)

    response = _offer(officer_client, placement, school, "1/12/2026", "30/11/2026")

    assertContains(
        response,
        "The agreed start date, 30 November 2026, is before the offer on "
        "1 December 2026",
        count=2,
    )
    assertContains(response, 'href="#id_agreed_start_on_0"')
    assertContains(response, 'value="30"')
    placement.refresh_from_db()
    assert placement.state == State.ASSESSED


@pytest.mark.parametrize("where", ["closed", "other authority", "unknown"])
def test_offer_rejects_school(
    officer_client, placement_in, other_authority, authority, where
):
    placement = placement_in(State.ASSESSED)
    if where == "closed":
        school = SchoolFactory(authority=authority, status=School.Status.CLOSED)
    elif where == "other authority":
        school = SchoolFactory(authority=other_authority)
    else:
        school = School(urn=999999)

    response = _offer(officer_client, placement, school, "1/12/2026", "7/12/2026")

    assertContains(
        response,
        f"No open school in this authority has URN {school.urn}. Check the URN",
        count=2,
    )
    assertContains(response, 'href="#id_school"')
    assertContains(response, f'value="{school.urn}"')
    placement.refresh_from_db()
    assert placement.state == State.ASSESSED


@pytest.mark.parametrize(
    "typed", ["{urn}", " {urn} ", "{name} ({urn})", "{name}", "{name_upper}"]
)
def test_offer_accepts_urn_or_name(officer_client, placement_in, school, typed):
    placement = placement_in(State.ASSESSED)
    school_text = typed.format(
        urn=school.urn, name=school.name, name_upper=school.name.upper()
    )

    officer_client.post(
        reverse("placements:transition", args=[placement.pk, "offer"]),
        {
            "version": placement.version,
            "school": school_text,
            **_date("offered_on", "1/12/2026"),
            **_date("agreed_start_on", "7/12/2026"),
        },
    )

    placement.refresh_from_db()
    assert placement.state == State.OFFERED
    assert placement.school == school


def test_offer_rejects_unknown_name(officer_client, placement_in):
    placement = placement_in(State.ASSESSED)

    response = officer_client.post(
        reverse("placements:transition", args=[placement.pk, "offer"]),
        {
            "version": placement.version,
            "school": "Nowhere Academy",
            **_date("offered_on", "1/12/2026"),
            **_date("agreed_start_on", "7/12/2026"),
        },
    )

    assertContains(
        response,
        "No single open school in this authority is called \u201cNowhere Academy\u201d",
        count=2,
    )
    assertContains(response, 'value="Nowhere Academy"')


def test_offer_impossible_date(officer_client, placement_in, school):
    placement = placement_in(State.ASSESSED)

    response = _offer(officer_client, placement, school, "31/2/2026", "7/12/2026")

    assertContains(response, "Offer date must be a real date", count=2)
    assertContains(response, 'value="31"')


def test_starting_day_before_offer(officer_client, placement_in):
    placement = placement_in(State.REQUESTED)

    response = officer_client.post(
        f"/placements/{placement.pk}/confirm_on_roll/",
        {"version": placement.version, **_date("starting_on", "2/11/2026")},
    )

    assertContains(
        response,
        "The starting day, 2 November 2026, is before the place was offered on "
        "9 November 2026",
        count=2,
    )
    placement.refresh_from_db()
    assert placement.state == State.REQUESTED


def test_stale_version_asks_to_reload(officer_client, placement_in):
    placement = placement_in(State.REQUESTED, version=3)

    response = officer_client.post(
        f"/placements/{placement.pk}/confirm_on_roll/",
        {"version": 2, **_date("starting_on", "16/11/2026")},
    )

    assertContains(response, "There is a problem")
    assertContains(response, "changed by someone else")
    assertContains(response, "Reload the page")
    placement.refresh_from_db()
    assert placement.state == State.REQUESTED
    assert placement.version == 3


def test_missing_version_is_an_error(officer_client, placement_in):
    placement = placement_in(State.REQUESTED)

    response = officer_client.post(
        f"/placements/{placement.pk}/confirm_on_roll/",
        _date("starting_on", "16/11/2026"),
    )

    assertContains(response, "sent without the case version")
    placement.refresh_from_db()
    assert placement.state == State.REQUESTED


def test_confirm_attendance_with_radios(officer_client, placement_in):
    placement = placement_in(State.ON_ROLL)
    url = f"/placements/{placement.pk}/confirm_attendance/"

    missing = officer_client.post(
        url, {"version": placement.version, **_date("confirmed_on", "20/11/2026")}
    )
    done = officer_client.post(
        url,
        {
            "version": placement.version,
            "confirmed_with": "school",
            **_date("confirmed_on", "20/11/2026"),
        },
    )

    assertContains(missing, "Select who confirmed the child is attending", count=2)
    assertContains(missing, 'href="#id_confirmed_with_0"')
    assert done.status_code == 302
    placement.refresh_from_db()
    assert placement.state == State.ATTENDING
    assert placement.attendance_confirmed_with == "school"


def test_refuse_needs_reason(officer_client, placement_in):
    placement = placement_in(State.RECEIVED)

    response = officer_client.post(
        f"/placements/{placement.pk}/refuse/",
        {"version": placement.version, "note": "  ", "appeal_lodged": "on"},
    )

    assertContains(response, "Enter the reason for refusing the application", count=2)
    assertNotContains(response, "(optional)")
    assertContains(response, 'href="#id_note"')
    assertContains(response, 'name="appeal_lodged" class="govuk-checkboxes__input"')


def test_assess_without_risk_assessment(officer_client, authority):
    placement = PlacementFactory(child=ChildFactory(authority=authority))

    response = officer_client.post(
        f"/placements/{placement.pk}/assess/", {"version": placement.version}
    )

    assertContains(response, "Record a risk assessment for")
    placement.refresh_from_db()
    assert placement.state == State.RECEIVED
    assert not events_for(placement).exists()


def test_refer_cme_closes_case(officer_client, placement_in):
    placement = placement_in(State.ON_ROLL)

    response = officer_client.post(
        f"/placements/{placement.pk}/report_not_arrived/",
        {"version": placement.version, "note": "Not seen since the start date."},
        follow=True,
    )

    placement.refresh_from_db()
    assert placement.state == State.REFERRED_CME
    assertContains(response, "Reported as not arrived")
    assertContains(response, "There is nothing you can do on this case")


def test_home_redirects_by_role(client, school_user, authority):
    client.force_login(school_user)
    assert client.get("/").url == "/school/"

    client.force_login(
        UserFactory(
            username="site-admin", authority=None, is_staff=True, is_superuser=True
        )
    )
    assert client.get("/").url == "/admin/"
