"""Interim (section 19) provision: recorded, then ended through the case page."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cme import actions
from cme.models import InterimProvision

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]


@pytest.fixture
def provision(open_case, inclusion_officer):
    case = open_case()
    return actions.record_provision(
        case,
        actor=inclusion_officer,
        provider="County Tuition Service",
        hours_per_week=Decimal("10"),
        started_on=date(2026, 11, 9),
    )


def _end(client, provision, day: date):
    case = provision.case
    case.refresh_from_db()
    return client.post(
        f"/cme/{case.pk}/end_provision/",
        {
            "version": case.version,
            "provision": provision.pk,
            "ended_on_day": day.day,
            "ended_on_month": day.month,
            "ended_on_year": day.year,
        },
    )


def test_officer_ends_provision_from_case_page(client, provision, inclusion_officer):
    client.force_login(inclusion_officer)

    response = _end(client, provision, date(2026, 12, 3))

    assert response.status_code == 302
    provision.refresh_from_db()
    assert provision.ended_on == date(2026, 12, 3)
    page = client.get("/cme/interim/").content.decode()
    assert "3 December 2026" in page


def test_end_before_start_keeps_what_was_typed(client, provision, inclusion_officer):
    client.force_login(inclusion_officer)

    response = _end(client, provision, date(2026, 11, 2))

    assert response.status_code == 200
    content = response.content.decode()
    assert "is before the start date, 9 November 2026" in content
    assert 'value="2"' in content
    provision.refresh_from_db()
    assert provision.ended_on is None


def test_provision_ends_once(provision, inclusion_officer):
    actions.end_provision(
        provision.case,
        actor=inclusion_officer,
        provision=provision,
        ended_on=date(2026, 12, 3),
    )
    provision.case.refresh_from_db()

    with pytest.raises(ValidationError, match="already ended on 3 December 2026"):
        actions.end_provision(
            provision.case,
            actor=inclusion_officer,
            provision=InterimProvision.objects.get(pk=provision.pk),
            ended_on=date(2026, 12, 4),
        )


def test_end_offered_only_while_provision_runs(client, provision, inclusion_officer):
    client.force_login(inclusion_officer)
    url = f"/cme/{provision.case_id}/"
    assert f"{url}end_provision/" in client.get(url).content.decode()

    _end(client, provision, date(2026, 12, 3))

    assert f"{url}end_provision/" not in client.get(url).content.decode()
