import re
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from children.tests.factories import ChildFactory
from cme import actions, interim
from cme.models import CmeCase, DeferredPlace, InterimProvision, Transfer
from correspondence.models import Message

LONDON = ZoneInfo("Europe/London")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]


def _add(count, *, authority, other_authority, school, officer, other_officer):
    """Add cases of every kind each list page shows, `count` of each."""
    for _ in range(count):
        child = ChildFactory(authority=authority, upn="")
        case = actions.refer(
            child=child,
            authority=authority,
            source=CmeCase.Source.PLACE_NOT_TAKEN_UP,
            reason="Place not taken up.",
            referred_on=date(2026, 9, 14),
        )
        InterimProvision.objects.create(
            case=case,
            provider="Leicestershire tuition service",
            hours_per_week=Decimal("10"),
            started_on=date(2026, 10, 1),
        )
        CmeCase.objects.filter(pk=case.pk).update(due_on=date(2026, 11, 1))
        incoming = actions.refer(
            child=ChildFactory(authority=other_authority, upn=""),
            authority=other_authority,
            source=CmeCase.Source.PUBLIC,
            reason="Seen in Leicestershire.",
        )
        Transfer.objects.create(
            case=incoming,
            from_authority=other_authority,
            to_authority=authority,
            requested_by=other_officer,
            requested_at=timezone.now(),
            note="Family moved.",
        )
        awaiting = actions.refer(
            child=ChildFactory(authority=authority, upn=""),
            authority=authority,
            source=CmeCase.Source.PUBLIC,
            reason="Found at a new school.",
        )
        # The outbox rejects example.com addresses, so this email is "refused".
        actions.refer(
            child=ChildFactory(authority=authority, upn=""),
            authority=authority,
            source=CmeCase.Source.PUBLIC,
            reason="A neighbour has not seen the child at school.",
            referrer_name="Sam Neighbour",
            referrer_email="sam@example.com",
        )
        CmeCase.objects.filter(pk=awaiting.pk).update(
            state="awaiting_school",
            outcome="on_roll",
            outcome_school=school,
            outcome_on=date(2026, 12, 7),
        )
        DeferredPlace.objects.create(
            authority=authority,
            child=ChildFactory(authority=authority, date_of_birth=date(2021, 10, 1)),
            school=school,
            deferred_to=date(2027, 4, 6),
            recorded_by=officer,
            recorded_at=timezone.now(),
        )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize(
    ("url", "user"),
    [
        ("/cme/", "inclusion_officer"),
        ("/cme/waiting/", "inclusion_officer"),
        ("/cme/interim/", "inclusion_officer"),
        ("/cme/deferred/", "inclusion_officer"),
        ("/exceptions/", "inclusion_officer"),
        ("/school/cme/", "school_user"),
    ],
)
def test_list_queries_do_not_grow(
    client,
    request,
    authority,
    other_authority,
    school,
    inclusion_officer,
    other_inclusion_officer,
    url,
    user,
):
    people = {
        "authority": authority,
        "other_authority": other_authority,
        "school": school,
        "officer": inclusion_officer,
        "other_officer": other_inclusion_officer,
    }
    client.force_login(request.getfixturevalue(user))
    _add(2, **people)
    client.get(url)  # Warm the content type and session caches.
    with_2 = _queries(client, url)

    _add(10, **people)
    with_12 = _queries(client, url)

    assert with_12 == with_2


def test_deferred_place_recorded(client, inclusion_officer, authority, school):
    child = ChildFactory(authority=authority, upn="", date_of_birth=date(2021, 10, 1))
    client.force_login(inclusion_officer)

    response = client.post(
        "/cme/deferred/new/",
        {
            "child": child.pk,
            "school": str(school.urn),
            "deferred_to_day": "6",
            "deferred_to_month": "4",
            "deferred_to_year": "2027",
        },
    )
    listed = client.get("/cme/deferred/").content.decode()

    assert response.status_code == 302
    assert DeferredPlace.objects.get().child == child
    # Fifth birthday 1 October 2026, so compulsory school age from 31 December.
    assert "31 December 2026" in listed


def test_deferred_place_refused_at_compulsory_age(
    client, inclusion_officer, authority, school
):
    child = ChildFactory(authority=authority, upn="", date_of_birth=date(2020, 10, 1))
    client.force_login(inclusion_officer)

    response = client.post(
        "/cme/deferred/new/",
        {
            "child": child.pk,
            "school": str(school.urn),
            "deferred_to_day": "6",
            "deferred_to_month": "4",
            "deferred_to_year": "2027",
        },
    )

    assert response.status_code == 200
    assert "compulsory school age since 31 December 2025" in response.content.decode()
    assert DeferredPlace.objects.count() == 0


def _worklist_rows(client) -> dict[int, str]:
    """Return the HTML of each worklist row, by CME case number."""
    body = client.get("/cme/").content.decode()
    rows = {}
    for row in body.split('<tr class="govuk-table__row">')[1:]:
        match = re.search(r"\(CME case (\d+)\)", row)
        if match:
            rows[int(match.group(1))] = row
    return rows


def test_worklist_flags_undelivered_email(client, authority, inclusion_officer):
    def refer(referrer_email: str = "") -> CmeCase:
        return actions.refer(
            child=ChildFactory(authority=authority, upn=""),
            authority=authority,
            source=CmeCase.Source.PUBLIC,
            reason="A neighbour has not seen the child at school.",
            referrer_name="Sam Neighbour",
            referrer_email=referrer_email,
        )

    # The outbox rejects example.com addresses as "refused" and queues example.org.
    refused = refer("sam@example.com")
    failed = refer("sam@example.org")
    Message.objects.filter(case_id=failed.pk).update(status=Message.Status.FAILED)
    sent = refer("sam@example.org")
    Message.objects.filter(case_id=sent.pk).update(status=Message.Status.SENT)
    queued = refer("sam@example.org")
    no_email = refer()
    client.force_login(inclusion_officer)

    rows = _worklist_rows(client)

    flag = "Email not delivered"
    assert flag in rows[refused.pk]
    assert f'href="/cme/{refused.pk}/#emails"' in rows[refused.pk]
    assert flag in rows[failed.pk]
    assert flag not in rows[sent.pk]
    assert flag not in rows[queued.pk]
    assert flag not in rows[no_email.pk]


def test_worklist_flag_ignores_placement_email(client, authority, inclusion_officer):
    """A failed placement email with the same case number flags no CME case."""
    case = actions.refer(
        child=ChildFactory(authority=authority, upn=""),
        authority=authority,
        source=CmeCase.Source.PUBLIC,
        reason="A neighbour has not seen the child at school.",
        referrer_name="Sam Neighbour",
        referrer_email="sam@example.com",
    )
    Message.objects.filter(case_id=case.pk).update(
        case_type=ContentType.objects.get(app_label="placements", model="placement")
    )
    client.force_login(inclusion_officer)

    rows = _worklist_rows(client)

    assert "Email not delivered" not in rows[case.pk]


@pytest.mark.parametrize(
    ("started_on", "ended_on", "expected"),
    [
        # Today is Friday 4 December 2026.
        (date(2026, 12, 4), None, interim.CURRENT),
        (date(2026, 10, 1), date(2026, 12, 4), interim.CURRENT),
        (date(2026, 10, 1), date(2026, 12, 3), interim.ENDED),
        (date(2026, 12, 5), None, interim.PLANNED),
        (date(2026, 12, 5), date(2026, 12, 18), interim.PLANNED),
    ],
)
def test_interim_provision_status(started_on, ended_on, expected):
    provision = InterimProvision(
        provider="Tuition service",
        hours_per_week=Decimal("10"),
        started_on=started_on,
        ended_on=ended_on,
    )

    assert interim.status(provision, date(2026, 12, 4)) == expected


def test_interim_list_current_first(
    client, authority, other_authority, inclusion_officer
):
    def provide(provider, started_on, ended_on=None, *, in_authority=authority):
        case = actions.refer(
            child=ChildFactory(authority=in_authority, upn=""),
            authority=in_authority,
            source=CmeCase.Source.PLACE_NOT_TAKEN_UP,
            reason="Place not taken up.",
            referred_on=date(2026, 9, 14),
        )
        InterimProvision.objects.create(
            case=case,
            provider=provider,
            hours_per_week=Decimal("12.5"),
            started_on=started_on,
            ended_on=ended_on,
        )
        return case

    ended = provide("Ended Tuition", date(2026, 9, 15), date(2026, 10, 30))
    planned = provide("Planned Tuition", date(2026, 12, 7))
    open_ended = provide("Open Tuition", date(2026, 10, 1))
    ending = provide("Ending Tuition", date(2026, 11, 2), date(2026, 12, 18))
    provide("Leicester Tuition", date(2026, 10, 1), in_authority=other_authority)
    client.force_login(inclusion_officer)

    body = client.get("/cme/interim/").content.decode()
    worklist = client.get("/cme/").content.decode()

    order = [
        body.index(provider)
        for provider in (
            "Open Tuition",
            "Ending Tuition",
            "Planned Tuition",
            "Ended Tuition",
        )
    ]
    assert order == sorted(order)
    assert "Leicester Tuition" not in body
    # The ended provision shows both its dates.
    ended_row = body[body.index("Ended Tuition") :].split("</tr>")[0]
    assert "15 September 2026" in ended_row
    assert "30 October 2026" in ended_row
    assert "12.5" in ended_row
    assert f'href="/cme/{ended.pk}/"' in ended_row
    assert "No end date" in body[body.index("Open Tuition") :].split("</tr>")[0]
    for case in (planned, open_ended, ending):
        assert f'href="/cme/{case.pk}/"' in body
    assert 'href="/cme/interim/"' in worklist


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("/cme/refer/", "Name of the referrer"),
        ("/cme/refer/", "Why the child is thought to be missing education"),
        ("{case}review/", "What the review found and what happens next"),
        ("{case}record_provision/", "Provider"),
    ],
)
def test_needed_fields_not_labelled_optional(
    client, open_case, inclusion_officer, url, label
):
    case = open_case()
    client.force_login(inclusion_officer)

    page = client.get(url.format(case=f"/cme/{case.pk}/")).content.decode()

    assert label in page
    assert f"{label} (optional)" not in page
