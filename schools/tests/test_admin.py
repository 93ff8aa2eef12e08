from datetime import date

import pytest
from django.urls import reverse

from access.tests.factories import UserFactory
from schools.models import ClosureDay, School, Term
from schools.tests.factories import SchoolFactory


@pytest.fixture
def superuser_client(client, authority):
    user = UserFactory(
        username="admin", authority=authority, is_staff=True, is_superuser=True
    )
    client.force_login(user)
    return client


@pytest.fixture
def school_term(school) -> Term:
    return Term.objects.create(
        school=school,
        academic_year="2026/27",
        name="Autumn 1",
        first_day=date(2026, 9, 3),
        last_day=date(2026, 10, 23),
    )


@pytest.mark.parametrize("model", ["authority", "school", "term", "closureday"])
def test_changelist_loads(superuser_client, school, school_term, model):
    ClosureDay.objects.create(school=school, date=date(2026, 11, 2))

    response = superuser_client.get(reverse(f"admin:schools_{model}_changelist"))

    assert response.status_code == 200


def test_school_search_by_urn(superuser_client, school, other_school):
    url = reverse("admin:schools_school_changelist")

    response = superuser_client.get(url, {"q": str(school.urn)})

    assert list(response.context["cl"].queryset) == [school]


def test_school_search_by_name(superuser_client, school, other_school):
    url = reverse("admin:schools_school_changelist")

    response = superuser_client.get(url, {"q": "Oakfield"})

    assert list(response.context["cl"].queryset) == [school]


def test_school_filter_provisional(superuser_client, school, authority):
    provisional = SchoolFactory(authority=authority, type_and_phase_provisional=True)
    url = reverse("admin:schools_school_changelist")

    response = superuser_client.get(url, {"type_and_phase_provisional__exact": "1"})

    assert list(response.context["cl"].queryset) == [provisional]


def test_school_change_page_lists_predecessors(superuser_client, school, authority):
    predecessor = SchoolFactory(authority=authority, name="Old Oakfield School")
    predecessor.successors.add(school)

    response = superuser_client.get(
        reverse("admin:schools_school_change", args=[school.pk])
    )

    assert response.status_code == 200
    assert "Old Oakfield School" in response.content.decode()


def test_confirm_type_and_phase_action(superuser_client, authority):
    provisional = SchoolFactory(authority=authority, type_and_phase_provisional=True)
    untouched = SchoolFactory(authority=authority, type_and_phase_provisional=True)

    superuser_client.post(
        reverse("admin:schools_school_changelist"),
        {"action": "confirm_type_and_phase", "_selected_action": [provisional.pk]},
    )

    provisional.refresh_from_db()
    untouched.refresh_from_db()
    assert provisional.type_and_phase_provisional is False
    assert untouched.type_and_phase_provisional is True


def test_term_filter_by_school(superuser_client, school, school_term):
    url = reverse("admin:schools_term_changelist")

    response = superuser_client.get(url, {"school": str(school.pk)})

    assert list(response.context["cl"].queryset) == [school_term]


def test_term_filter_authority_terms(superuser_client, school, school_term):
    url = reverse("admin:schools_term_changelist")

    response = superuser_client.get(url, {"school": "none"})

    terms = list(response.context["cl"].queryset)
    assert len(terms) == 24
    assert school_term not in terms


def test_term_list_is_editable(superuser_client, authority):
    term = Term.objects.get(
        authority=authority, academic_year="2026/27", name="Autumn 1"
    )
    url = reverse("admin:schools_term_changelist")
    response = superuser_client.get(url, {"q": "Autumn 1", "academic_year": "2026/27"})
    [row] = response.context["cl"].result_list

    response = superuser_client.post(
        url + "?q=Autumn+1&academic_year=2026%2F27",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(row.pk),
            "form-0-first_day": "2026-09-02",
            "form-0-last_day": "2026-10-16",
            "form-0-confidence": "confirmed",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    term.refresh_from_db()
    assert term.first_day == date(2026, 9, 2)
    assert term.confidence == Term.Confidence.CONFIRMED


def test_term_needs_one_owner(superuser_client, authority, school):
    response = superuser_client.post(
        reverse("admin:schools_term_add"),
        {
            "authority": authority.pk,
            "school": school.pk,
            "academic_year": "2028/29",
            "name": "Autumn 1",
            "first_day": "2028-09-05",
            "last_day": "2028-10-20",
            "confidence": "estimated",
        },
    )

    assert response.status_code == 200
    assert "Choose an authority or a school, not both" in response.content.decode()
    assert not Term.objects.filter(academic_year="2028/29").exists()


def test_closure_day_added_for_school(superuser_client, school):
    response = superuser_client.post(
        reverse("admin:schools_closureday_add"),
        {"school": school.pk, "date": "2026-11-02", "kind": "inset", "note": ""},
    )

    assert response.status_code == 302
    assert ClosureDay.objects.get().school == school


def test_school_inline_adds_own_term(superuser_client, school):
    url = reverse("admin:schools_school_change", args=[school.pk])
    response = superuser_client.get(url)
    data = {
        key: value
        for key, value in response.context["adminform"].form.initial.items()
        if value is not None
    }
    data.update(
        authority=school.authority_id,
        type=school.type,
        phase=school.phase,
        status=school.status,
        email=school.email,
        successors="",
    )
    for prefix in ("terms", "closure_days"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(
        {
            "terms-TOTAL_FORMS": "1",
            "terms-0-academic_year": "2026/27",
            "terms-0-name": "Autumn 1",
            "terms-0-first_day": "2026-09-03",
            "terms-0-last_day": "2026-10-23",
            "terms-0-confidence": "confirmed",
        }
    )

    response = superuser_client.post(url, data)

    assert response.status_code == 302
    term = Term.objects.get(school=school)
    assert term.authority is None
    assert School.objects.get(pk=school.pk).name == school.name
