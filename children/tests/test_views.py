"""The child's page and the forms that add to the child's record."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains

from audit.log import QUERIES_FOR_FIRST_RECORD
from casework.timeline import record_event
from children.actions import RISK_QUESTIONS
from children.models import Address, Contact, RiskAssessment
from children.tests.factories import (
    ChildFactory,
    RiskAssessmentFactory,
    VulnerabilityFactory,
)
from placements.states import State
from placements.tests.factories import PlacementFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]


@pytest.fixture
def child(authority):
    return ChildFactory(
        authority=authority, legal_first_name="Ruby", legal_last_name="Okafor"
    )


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def _date(prefix: str, day: date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def _urls(child) -> dict[str, str]:
    return {
        "child": f"/children/{child.pk}/",
        "add vulnerability": f"/children/{child.pk}/vulnerabilities/new/",
        "record risk": f"/children/{child.pk}/risk-assessments/new/",
    }


# Who may see the pages -------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "text"),
    [
        ("child", "Vulnerability profile"),
        ("add vulnerability", "Add a vulnerability characteristic"),
        ("record risk", "Record a risk assessment"),
    ],
)
def test_child_page_renders_for_officer(officer_client, child, page, text):
    response = officer_client.get(_urls(child)[page])

    assertContains(response, text)
    assertContains(response, "Ruby Okafor")
    assert response.content.count(b"<h1") == 1


@pytest.mark.parametrize("page", ["child", "add vulnerability", "record risk"])
def test_child_page_other_authority_not_found(
    client, other_authority_officer, child, page
):
    client.force_login(other_authority_officer)

    assert client.get(_urls(child)[page]).status_code == 404


@pytest.mark.parametrize("page", ["child", "add vulnerability", "record risk"])
def test_child_page_redirects_anonymous(client, child, page):
    url = _urls(child)[page]

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/sign-in/?next={url}"


@pytest.mark.parametrize("page", ["child", "add vulnerability", "record risk"])
def test_child_not_placed_is_hidden_from_school(client, school_user, child, page):
    client.force_login(school_user)

    assert client.get(_urls(child)[page]).status_code == 404


# Child page ---------------------------------------------------------------------


def test_child_page_shows_record(officer_client, officer, child, school):
    VulnerabilityFactory(
        child=child,
        kind="exclusions",
        detail="2 suspensions",
        evidence="Letters from the school.",
        source="Previous school",
    )
    RiskAssessmentFactory(
        child=child,
        level=RiskAssessment.Level.HIGH,
        summary="Out of school since September.",
        completed_by=officer,
        next_review_on=date(2026, 12, 1),
    )
    Address.objects.create(
        child=child,
        line_1="Flat 2, Station Road",
        town="Coalville",
        postcode="LE67 3AA",
        is_temporary_accommodation=True,
    )
    Address.objects.create(
        child=child,
        line_1="Safe house",
        town="Leicester",
        postcode="LE1 1AA",
        is_refuge=True,
    )
    Contact.objects.create(
        child=child, name="Ada Okafor", relationship="Mother", phone="07700 900123"
    )
    placement = PlacementFactory(child=child, state=State.OFFERED, school=school)

    response = officer_client.get(f"/children/{child.pk}/")

    assertContains(response, "govuk-warning-text")
    assertContains(response, "Ruby Okafor is a vulnerable child. Exclusions.")
    assertContains(response, "2 suspensions")
    assertContains(response, "Letters from the school.")
    assertContains(response, "Previous school")
    assertContains(response, "2 November 2026")
    assertContains(response, "Out of school since September.")
    assertContains(response, "Review overdue")
    assertContains(response, "1 December 2026")
    assertContains(response, "Temporary accommodation")
    assertContains(response, "Refuge")
    assertContains(response, "Ada Okafor")
    assertContains(response, "07700 900123")
    assertContains(response, f'href="/placements/{placement.pk}/"')
    assertContains(response, "Place offered")


def test_child_page_without_vulnerability_has_no_alert(officer_client, child):
    response = officer_client.get(f"/children/{child.pk}/")

    assertNotContains(response, "govuk-warning-text")
    assertContains(response, "No vulnerability characteristics are recorded.")
    assertContains(response, "No risk assessment is recorded.")
    assertNotContains(response, "Review overdue")


def test_child_timeline_newest_first_in_london_time(officer_client, officer, child):
    placement = PlacementFactory(child=child)
    with time_machine.travel("2026-07-01 12:30 +0000", tick=False):
        record_event(placement, "placement.received", actor=officer)
    with time_machine.travel("2026-11-02 09:05 +0000", tick=False):
        record_event(
            placement, "placement.chased", note="Reminder to the case owner (1)."
        )

    content = officer_client.get(f"/children/{child.pk}/").content.decode()
    timeline = content[content.index("Timeline</h2>") :]

    assert timeline.index("Chased") < timeline.index("Application received")
    # 12:30 UTC is 1:30pm in London in July (BST), 9:05 UTC is 9:05am in November.
    assert "1 July 2026 at 1:30pm" in content
    assert "2 November 2026 at 9:05am" in content
    assert "Onroll (automatic)" in content
    assert "Sam Officer" in content
    assert "Reminder to the case owner (1)." in content


def _add_history(child, officer, school, count: int) -> None:
    for _ in range(count):
        placement = PlacementFactory(child=child, state=State.OFFERED, school=school)
        record_event(placement, "placement.offer", actor=officer)


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_child_page_queries_do_not_grow(officer_client, officer, child, school):
    VulnerabilityFactory(child=child)
    RiskAssessmentFactory(child=child, completed_by=officer)
    url = f"/children/{child.pk}/"
    _add_history(child, officer, school, 2)
    officer_client.get(url)  # Warm the content type and session caches.
    with_2 = _count_queries(officer_client, url)

    _add_history(child, officer, school, 18)
    with_20 = _count_queries(officer_client, url)

    assert child.events.count() == 20
    assert with_20 == with_2
    # Session, user and organisation, the child, then one query for each
    # section of the page, the partner agency shares included. Then one
    # lookup of a TOTP device and three to save the session, which every
    # request does to keep the idle timeout sliding.
    assert with_2 <= 15 + QUERIES_FOR_FIRST_RECORD


# Add a vulnerability characteristic -------------------------------------------


def _vulnerability(**overrides: str) -> dict[str, str]:
    data = {
        "kind": "child_in_need",
        "detail": "",
        "evidence": "Open child in need plan.",
        "source": "Children's social care",
        **_date("recorded_on", date(2026, 12, 1)),
    }
    data.update(overrides)
    return data


def test_add_vulnerability_shows_on_profile(officer_client, child):
    response = officer_client.post(
        f"/children/{child.pk}/vulnerabilities/new/", _vulnerability(), follow=True
    )

    assert child.vulnerabilities.get().kind == "child_in_need"
    assertContains(response, "govuk-notification-banner--success")
    assertContains(
        response, "‘Child in need’ added to Ruby Okafor&#x27;s vulnerability"
    )
    assertContains(response, "Open child in need plan.")


def test_add_vulnerability_same_kind_twice(officer_client, child):
    VulnerabilityFactory(child=child, kind="child_in_need")

    response = officer_client.post(
        f"/children/{child.pk}/vulnerabilities/new/", _vulnerability()
    )

    assertContains(response, "already has ‘Child in need’", count=2)
    assertContains(response, 'href="#id_kind"')
    assertContains(response, "govuk-select--error")
    assert child.vulnerabilities.count() == 1


def test_add_vulnerability_missing_fields(officer_client, child):
    response = officer_client.post(
        f"/children/{child.pk}/vulnerabilities/new/",
        {"kind": "", "evidence": "", "source": "", "recorded_on_day": ""},
    )

    assertContains(response, "Select the characteristic", count=2)
    assertContains(response, "Enter the evidence for this characteristic", count=2)
    assertContains(response, "Enter the date recorded", count=2)
    assert not child.vulnerabilities.exists()


# Record a risk assessment -------------------------------------------------------


def _risk(**overrides: str) -> dict[str, str]:
    data = {
        "level": "3",
        "summary": "Out of school since September.",
        **{question.key: "no" for question in RISK_QUESTIONS},
        **_date("completed_on", date(2026, 12, 3)),
        **_date("next_review_on", date(2027, 1, 4)),
    }
    data.update(overrides)
    return data


def test_record_risk_assessment_shows_on_page(officer_client, child):
    response = officer_client.post(
        f"/children/{child.pk}/risk-assessments/new/",
        _risk(out_of_education="yes"),
        follow=True,
    )

    assessment = child.risk_assessments.get()
    assert assessment.level == RiskAssessment.Level.HIGH
    assert assessment.answers["out_of_education"]["answer"] is True
    assertContains(response, "Risk assessment recorded for Ruby Okafor")
    assertContains(response, "Has the child been out of education for 4 weeks or more?")
    assertContains(response, "4 January 2027")


def test_record_risk_review_before_completion(officer_client, child):
    response = officer_client.post(
        f"/children/{child.pk}/risk-assessments/new/",
        _risk(**_date("next_review_on", date(2026, 12, 2))),
    )

    assertContains(
        response,
        "Next review date, 2 December 2026, must be after the date the assessment "
        "was completed, 3 December 2026",
        count=2,
    )
    assertContains(response, 'href="#id_next_review_on_0"')
    assertContains(response, 'value="2"')
    assert not child.risk_assessments.exists()


def test_record_risk_unanswered_question(officer_client, child):
    data = _risk()
    del data["safeguarding_concern"]

    response = officer_client.post(f"/children/{child.pk}/risk-assessments/new/", data)

    assertContains(
        response,
        "Select yes if there is a current safeguarding concern about the child",
        count=2,
    )
    assertContains(response, 'href="#id_safeguarding_concern_0"')
    assert not child.risk_assessments.exists()
