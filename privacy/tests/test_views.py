"""The subject access page at /children/<pk>/subject-access/."""

import json

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from audit.models import AuditEntry
from privacy.subject_access import SECTIONS

pytestmark = pytest.mark.django_db


def _url(child) -> str:
    return f"/children/{child.pk}/subject-access/"


def test_page_renders_every_section(client, service_manager, child_with_history):
    client.force_login(service_manager)

    response = client.get(_url(child_with_history))

    assert response.status_code == 200
    for key, heading in SECTIONS:
        assertContains(response, f'id="{key}"')
        assertContains(response, heading)
    assertContains(response, '<h1 class="govuk-heading-l">Ruby Okafor</h1>', count=1)
    assertContains(response, "Flat 2, Station Road")
    assertContains(response, "Ada Okafor")
    assertContains(response, "Letters from the previous school.")
    assertContains(response, "Out of school since September.")
    assertContains(response, "Family not reachable at the address.")
    assertContains(response, "14 March 2015")
    assertContains(response, "Every read and change of the child")
    assertContains(response, "privacy/subject-access.css")
    assert "no-store" in response["Cache-Control"]


def test_page_escapes_record_text(client, service_manager, child_with_history):
    child_with_history.former_names = "<script>alert(1)</script>"
    child_with_history.save()
    client.force_login(service_manager)

    response = client.get(_url(child_with_history))

    assertNotContains(response, "<script>alert(1)</script>")
    assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")


def test_json_download(client, service_manager, child_with_history):
    client.force_login(service_manager)

    response = client.get(_url(child_with_history), {"format": "json"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="subject-access-child-{child_with_history.pk}'
        '-2026-12-04.json"'
    )
    assert "no-store" in response["Cache-Control"]
    export = json.loads(response.content)
    assert export["child_id"] == child_with_history.pk
    assert export["generated_by"] == "Morgan Manager (manager)"
    assert export["identity"]["legal_last_name"] == "Okafor"


def test_export_is_audited(client, service_manager, child_with_history):
    client.force_login(service_manager)

    client.get(_url(child_with_history), {"format": "json"})

    entry = AuditEntry.objects.filter(action="export.subject_access").get()
    assert entry.actor == service_manager
    assert entry.child_ref == child_with_history.pk
    assert entry.data == {"format": "json"}


def test_unknown_format_rejected(client, service_manager, child_with_history):
    client.force_login(service_manager)

    response = client.get(_url(child_with_history), {"format": "xml"})

    assert response.status_code == 400
    assertContains(response, "Format ‘xml’ is not supported", status_code=400)


def test_administrator_forbidden(client, administrator, child_with_history):
    # Administrators may not read sensitive characteristics, which the
    # export contains.
    client.force_login(administrator)

    assert client.get(_url(child_with_history)).status_code == 403


def test_officer_forbidden(client, officer, child_with_history):
    client.force_login(officer)

    assert client.get(_url(child_with_history)).status_code == 403
    assert client.get(_url(child_with_history), {"format": "json"}).status_code == 403


def test_school_user_forbidden(client, school_user, child_with_history):
    client.force_login(school_user)

    assert client.get(_url(child_with_history)).status_code == 403


@pytest.mark.parametrize("user", ["other_authority_officer", "other_authority_manager"])
def test_other_authority_not_found(client, request, user, child_with_history):
    client.force_login(request.getfixturevalue(user))

    assert client.get(_url(child_with_history)).status_code == 404
    assert client.get(_url(child_with_history), {"format": "json"}).status_code == 404


def test_anonymous_redirected(client, child_with_history):
    url = _url(child_with_history)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/sign-in/?next={url}"


def test_child_page_links_to_export_for_manager(
    client, service_manager, child_with_history
):
    client.force_login(service_manager)

    response = client.get(f"/children/{child_with_history.pk}/")

    assertContains(response, f'href="{_url(child_with_history)}"')


def test_child_page_hides_export_from_officer(client, officer, child_with_history):
    client.force_login(officer)

    response = client.get(f"/children/{child_with_history.pk}/")

    assertNotContains(response, "subject-access")
