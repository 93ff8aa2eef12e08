"""Merge fields are checked on save; administrators edit and preview templates."""

import pytest
from django.core.exceptions import ValidationError

from access.tests.factories import UserFactory
from correspondence import merge
from correspondence.models import EmailTemplate

pytestmark = pytest.mark.django_db

SHIPPED = [
    "on_roll_request",
    "chase_first",
    "chase_second",
    "escalation_head_teacher",
    "cme_referral_acknowledgement",
    "removal_challenge_informal",
    "removal_challenge_formal",
    "removal_challenge_governing_board",
    "removal_challenge_trust",
    "removal_challenge_dfe",
    "fair_access_allocation",
    "direction_consultation",
]


def test_shipped_templates_use_only_their_fields():
    templates = {t.name: t for t in EmailTemplate.objects.all()}

    assert sorted(templates) == sorted(SHIPPED)
    for template in templates.values():
        merge.validate(
            template.merge_fields,
            subject=template.subject,
            text=template.text,
            html=template.html,
        )
        assert template.versions.get().number == template.version == 1


def test_unknown_field_is_an_error_naming_it():
    with pytest.raises(ValidationError) as raised:
        merge.validate(["child.full_name"], text="Dear {{ child.nickname }}")

    [error] = raised.value.message_dict["text"]
    assert "\u201cchild.nickname\u201d" in error
    assert "child.full_name" in error


def test_condition_and_filter_fields_checked():
    with pytest.raises(ValidationError, match="secret"):
        merge.validate(["a"], html="{% if secret %}x{% endif %}")
    with pytest.raises(ValidationError, match="other"):
        merge.validate(["a"], subject="{{ a|default:other }}")


@pytest.mark.parametrize(
    ("source", "refused"),
    [
        ("{% load static %}", "{% load %}, which email templates cannot use"),
        ("{% include 'base.html' %}", "{% include %}"),
        ("{% for x in a %}{% endfor %}", "{% for %}"),
        ("{{ a|safe }}", "\u201csafe\u201d"),
        ("{% if a %}no end", "not a valid template"),
        ("Dear {{ a }", "unfinished tag"),
        ("Dear {{ a", "unfinished tag"),
        ("Dear a }}", "unfinished tag"),
    ],
)
def test_tags_and_filters_outside_the_subset_are_refused(source, refused):
    with pytest.raises(ValidationError) as raised:
        merge.validate(["a"], text=source)

    assert refused in raised.value.messages[0]


def test_html_part_escapes_fields_and_text_does_not():
    context = {"school": {"name": "A & B <School>"}}

    assert merge.render("{{ school.name }}", context, html=True) == (
        "A &amp; B &lt;School&gt;"
    )
    assert merge.render("{{ school.name }}", context, html=False) == "A & B <School>"


@pytest.fixture
def admin_client(client, authority):
    user = UserFactory(
        username="admin", authority=authority, is_staff=True, is_superuser=True
    )
    client.force_login(user)
    return client, user


def _url(template: EmailTemplate) -> str:
    return f"/admin/correspondence/emailtemplate/{template.pk}/change/"


def _form(template: EmailTemplate, **changes) -> dict:
    data = {
        "subject": template.subject,
        "text": template.text,
        "html": template.html,
        "versions-TOTAL_FORMS": "1",
        "versions-INITIAL_FORMS": "1",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
        "versions-0-id": str(template.versions.get(number=1).pk),
        "versions-0-template": str(template.pk),
    }
    data.update(changes)
    return data


def test_admin_save_keeps_every_version(admin_client):
    client, user = admin_client
    template = EmailTemplate.objects.get(name="chase_first")

    response = client.post(
        _url(template),
        _form(template, subject="Chase {{ number }} for {{ child.full_name }}"),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    template.refresh_from_db()
    assert template.version == 2
    assert [v.number for v in template.versions.all()] == [2, 1]
    latest = template.versions.get(number=2)
    assert latest.subject == "Chase {{ number }} for {{ child.full_name }}"
    assert latest.saved_by == user
    assert template.versions.get(number=1).subject.startswith("Reminder")


def test_admin_rejects_unknown_field(admin_client):
    client, _ = admin_client
    template = EmailTemplate.objects.get(name="chase_first")

    response = client.post(
        _url(template), _form(template, text="Dear {{ school.nmae }}, please reply")
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "uses the merge field \u201cschool.nmae\u201d" in page
    assert "Dear {{ school.nmae }}, please reply" in page
    template.refresh_from_db()
    assert template.version == 1


def test_admin_previews_the_saved_version(admin_client):
    client, _ = admin_client
    template = EmailTemplate.objects.get(name="fair_access_allocation")

    page = client.get(_url(template)).content.decode()

    assert "Fair Access: [child.full_name] allocated to [school.name]" in page
    assert "admit the child by 18 December 2026" in page
    assert 'sandbox=""' in page
    # The content security policy blocks inline styles, so the preview's
    # layout comes from a stylesheet.
    assert 'class="onroll-preview-frame"' in page
    assert "onroll/admin-preview" in page
    assert "style=" not in page.split('class="onroll-preview-text"')[1]
