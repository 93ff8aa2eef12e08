"""The audit log search page: who may see it, its filters, and its own entry."""

import pytest
import time_machine
from pytest_django.asserts import assertContains, assertNotContains

from access.models import User
from access.tests.factories import UserFactory
from audit.log import record
from audit.models import AuditEntry
from audit.views import PAGE_SIZE
from children.tests.factories import ChildFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]


@pytest.fixture
def manager(authority):
    return UserFactory(
        username="manager", authority=authority, role=User.Role.SERVICE_MANAGER
    )


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def child(authority):
    return ChildFactory(authority=authority, upn="B801200005001")


# Access ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["service_manager", "administrator", "assistant_director"]
)
def test_managers_may_search(client, authority, role):
    client.force_login(UserFactory(authority=authority, role=role))

    assert client.get("/audit/").status_code == 200


@pytest.mark.parametrize("role", ["admissions_officer", "inclusion_officer"])
def test_officers_are_refused(client, authority, role):
    client.force_login(UserFactory(authority=authority, role=role))

    assert client.get("/audit/").status_code == 403


def test_school_user_is_refused(client, school_user):
    client.force_login(school_user)

    assert client.get("/audit/").status_code == 403


def test_manager_without_authority_is_refused(client):
    client.force_login(UserFactory(authority=None, role=User.Role.SERVICE_MANAGER))

    assert client.get("/audit/").status_code == 403


def test_anonymous_user_is_sent_to_sign_in(client):
    response = client.get("/audit/")

    assert response.status_code == 302
    assert response.url.startswith("/sign-in/")


def test_refused_user_writes_no_entry(client, officer):
    client.force_login(officer)
    client.get("/audit/")

    assert not AuditEntry.objects.exists()


# Listing and filters ----------------------------------------------------------


def test_entries_listed_newest_first(manager_client, officer, child):
    record("child.viewed", actor=officer, target=child)
    record("placement.offer", actor=officer, changes={"state": ["a", "b"]})

    response = manager_client.get("/audit/")

    content = response.content.decode()
    assert content.index("placement.offer") < content.index("child.viewed")
    assertContains(response, "4 December 2026 10:00:00")
    assertContains(response, "Leicestershire")
    assertContains(response, "<code>state</code>", html=False)


def test_time_shown_in_london(manager_client, officer, time_machine):
    time_machine.move_to("2026-07-01 09:30 +0000", tick=False)
    record("child.viewed", actor=officer)

    response = manager_client.get("/audit/")

    assertContains(response, "1 July 2026 10:30:00")


def test_search_by_child_id(manager_client, officer, child, authority):
    other_child = ChildFactory(authority=authority, upn="")
    record("child.viewed", actor=officer, target=child, data={"mark": "wanted"})
    record("child.viewed", actor=officer, target=other_child, data={"mark": "other"})

    response = manager_client.get("/audit/", {"child": str(child.pk)})

    page = response.context["page"]
    assert [entry.child_ref for entry in page] == [child.pk]


def test_search_by_upn(manager_client, officer, child, authority):
    other_child = ChildFactory(authority=authority, upn="")
    record("child.viewed", actor=officer, target=child)
    record("child.viewed", actor=officer, target=other_child)

    response = manager_client.get("/audit/", {"child": "b801 2000 0500 1"})

    page = response.context["page"]
    assert [entry.child_ref for entry in page] == [child.pk]


def test_search_by_username(manager_client, officer, authority):
    colleague = UserFactory(username="colleague", authority=authority)
    record("test.by_officer", actor=officer)
    record("test.by_colleague", actor=colleague)

    response = manager_client.get("/audit/", {"username": "colleague"})

    actions = [entry.action for entry in response.context["page"]]
    assert actions == ["test.by_colleague"]


def test_search_by_date_range(manager_client, officer):
    for day in ("2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03"):
        # 23:30 UTC in winter is 23:30 in London, still the same day.
        with time_machine.travel(f"{day} 23:30 +0000", tick=False):
            record("test.dated", actor=officer, data={"day": day})

    response = manager_client.get(
        "/audit/",
        {
            "from_date_day": "1",
            "from_date_month": "12",
            "from_date_year": "2026",
            "to_date_day": "2",
            "to_date_month": "12",
            "to_date_year": "2026",
        },
    )

    days = [entry.data.get("day") for entry in response.context["page"]]
    assert days == ["2026-12-02", "2026-12-01"]


def test_invalid_upn_shows_error_and_keeps_input(manager_client):
    response = manager_client.get("/audit/", {"child": "B801200005002"})

    assertContains(response, "There is a problem")
    assertContains(response, "UPN B801200005002 has the wrong check letter", count=2)
    assertContains(response, 'value="B801200005002"')
    assertContains(response, "No audit entries match this search")


def test_to_date_before_from_date_is_rejected(manager_client):
    response = manager_client.get(
        "/audit/",
        {
            "from_date_day": "3",
            "from_date_month": "12",
            "from_date_year": "2026",
            "to_date_day": "1",
            "to_date_month": "12",
            "to_date_year": "2026",
        },
    )

    assertContains(
        response,
        "The ‘to’ date, 1 December 2026, is before the ‘from’ date, 3 December 2026.",
        count=2,
    )


def test_other_authority_entries_hidden(
    manager_client, other_authority_officer, other_authority
):
    other_child = ChildFactory(authority=other_authority)
    record("child.viewed", actor=other_authority_officer, target=other_child)

    response = manager_client.get("/audit/")

    assertNotContains(response, "officer-856")
    assert [entry.action for entry in response.context["page"]] == []


def test_school_user_entry_about_own_child_shown(manager_client, school_user, child):
    record("child.viewed", actor=school_user, target=child)

    response = manager_client.get("/audit/")

    assert [entry.actor_label for entry in response.context["page"]] == ["school"]


def test_results_are_paginated(manager_client, officer):
    for _ in range(PAGE_SIZE + 1):
        record("test.many", actor=officer)

    first = manager_client.get("/audit/")
    second = manager_client.get("/audit/", {"page": "2"})

    assert len(first.context["page"].object_list) == PAGE_SIZE
    # The first page's own audit.search entry is the newest, so page 2 contains
    # the two oldest entries.
    assert len(second.context["page"].object_list) == 2
    assertContains(first, 'rel="next"')


# The search is audited ------------------------------------------------------


def test_search_is_recorded_without_upn(manager_client, manager, child):
    response = manager_client.get(
        "/audit/", {"child": "B801200005001", "username": "officer"}
    )

    entry = AuditEntry.objects.get(action="audit.search")
    assert entry.actor == manager
    assert entry.request_id == response["X-Request-ID"]
    assert entry.data == {
        "child_ids": [child.pk],
        "username": "officer",
        "valid": True,
        "page": 1,
    }
    assert "B801200005001" not in str(entry.data)


def test_unfiltered_view_is_recorded(manager_client):
    manager_client.get("/audit/")

    entry = AuditEntry.objects.get()
    assert entry.action == "audit.search"
    assert entry.data == {"valid": True, "page": 1}


def test_navigation_links_audit_log_for_managers_only(manager_client, client, officer):
    assertContains(manager_client.get("/audit/"), 'href="/audit/"')

    client.force_login(officer)
    assertNotContains(client.get("/"), 'href="/audit/"')
