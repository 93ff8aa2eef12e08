"""Every URL of the project against every persona, with the status each gets.

The URL list comes from the URL resolver, so a new URL without a row here
fails test_every_url_has_a_row until someone decides who may open it.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from access.tests.conftest import Record
from placements import links
from removals.tests import factories as removal_factories
from schools.tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

# Column order of every row, with the fixture that gives each persona.
PERSONAS = {
    "officer": "officer",  # admissions officer of the child's authority
    "other officer": "other_authority_officer",
    "school": "school_user",  # user of the school offered to the child
    "other school": "other_school_user",
    "partner": "partner",  # police, with every part of the record shared
    "unshared partner": "unshared_partner",
    "analyst": "analyst",
    "anonymous": None,
}

# "login" is a redirect to the sign-in page with the URL as `next`.
LOGIN = "login"

# Namespaces left out, with the reason: Django's admin has its own
# permission system (is_staff), tested in schools/tests/test_admin.py.
# Static files are served by the web server, not by a URL pattern.
EXCLUDED_NAMESPACES = {"admin"}


def _reply_link(record: Record) -> str:
    """Return the path of a fresh signed reply link for the record's placement."""
    return urlsplit(links.url_for(links.issue(record.placement))).path


def _transition(record: Record) -> str:
    return f"/placements/{record.placement.pk}/confirm_on_roll/"


def _notice(record: Record):
    """Return a notice from the record's school, flagged to the sharing police."""
    notice = removal_factories.RemovalNoticeFactory(
        school=record.placement.school,
        child=record.child,
        notified_by=record.placement.owner,
        destination="unknown",
    )
    removal_factories.PartnerFlagFactory(
        notice=notice, organisation=record.share.organisation
    )
    return notice


def _challenge(record: Record):
    notice = _notice(record)
    return removal_factories.ChallengeFactory(notice=notice)


def _arrival(record: Record):
    """Return a notice from another school naming the record's school as the next."""
    school = record.placement.school
    notice = removal_factories.RemovalNoticeFactory(
        school=SchoolFactory(authority=school.authority),
        child=record.child,
        notified_by=record.placement.owner,
        destination="school",
        destination_school=school,
        arrival="awaited",
    )
    return notice


def _upload(record: Record):
    return removal_factories.RemovalUploadFactory(
        school=record.placement.school, uploaded_by=record.placement.owner
    )


def _cme_case(record: Record, *, awaiting_school: bool = False):
    """Return a CME case for the record's child, opened on first use.

    With `awaiting_school`, the case waits for the record's school to confirm
    the child on roll.
    """
    from cme import actions as cme_actions
    from cme.models import CmeCase

    case = cme_actions.refer(
        child=record.child,
        authority=record.child.authority,
        source=CmeCase.Source.PUBLIC,
        reason="A neighbour has not seen the child at school.",
    )
    if awaiting_school:
        CmeCase.objects.filter(pk=case.pk).update(
            state="awaiting_school",
            outcome="on_roll",
            outcome_school=record.placement.school,
            outcome_on=record.placement.agreed_start_on,
        )
    return case


# URL name: (path for the record, statuses in PERSONAS order).
ROWS: dict[str, tuple[Callable[[Record], str], tuple]] = {
    "login": (lambda r: "/sign-in/", (302, 302, 302, 302, 302, 302, 302, 200)),
    # The sign-out view accepts POST only.
    "logout": (lambda r: "/sign-out/", (405, 405, 405, 405, 405, 405, 405, 405)),
    # Schools are sent to their requests, analysts to the dashboard.
    "placements:worklist": (
        lambda r: "/",
        (200, 200, 302, 302, 200, 200, 302, LOGIN),
    ),
    "placements:check_off": (
        lambda r: "/check-off/",
        (200, 200, 403, 403, 403, 403, 403, LOGIN),
    ),
    "placements:new_application": (
        lambda r: "/applications/new/",
        (200, 200, 403, 403, 403, 403, 403, LOGIN),
    ),
    "placements:detail": (
        lambda r: f"/placements/{r.placement.pk}/",
        (200, 404, 200, 404, 200, 404, 403, LOGIN),
    ),
    "placements:transition": (
        _transition,
        (200, 404, 200, 404, 403, 404, 403, LOGIN),
    ),
    "children:detail": (
        lambda r: f"/children/{r.child.pk}/",
        (200, 404, 200, 404, 200, 404, 403, LOGIN),
    ),
    "children:add_vulnerability": (
        lambda r: f"/children/{r.child.pk}/vulnerabilities/new/",
        (200, 404, 403, 404, 403, 404, 403, LOGIN),
    ),
    "children:record_risk_assessment": (
        lambda r: f"/children/{r.child.pk}/risk-assessments/new/",
        (200, 404, 403, 404, 403, 404, 403, LOGIN),
    ),
    "access:dashboard": (
        lambda r: "/dashboard/",
        (200, 200, 403, 403, 403, 403, 200, LOGIN),
    ),
    "access:share_child": (
        lambda r: f"/children/{r.child.pk}/shares/new/",
        (200, 404, 403, 404, 403, 404, 403, LOGIN),
    ),
    # Managers' pages: the matrix's officer is an admissions officer, so is
    # refused; audit/tests and privacy/tests cover the roles that may open them.
    "audit:search": (
        lambda r: "/audit/",
        (403, 403, 403, 403, 403, 403, 403, LOGIN),
    ),
    "privacy:subject_access": (
        lambda r: f"/children/{r.child.pk}/subject-access/",
        (403, 404, 403, 404, 403, 404, 403, LOGIN),
    ),
    # School users' own pages: each school sees its own list, and another
    # school's request is "not found".
    "school:requests": (
        lambda r: "/school/",
        (403, 403, 200, 200, 403, 403, 403, LOGIN),
    ),
    "school:answer": (
        lambda r: f"/school/requests/{r.placement.pk}/confirm_on_roll/",
        (403, 403, 200, 404, 403, 403, 403, LOGIN),
    ),
    # The signed link is the credential, so whoever holds it may open it,
    # signed in or not; placements/tests/test_school.py covers bad links.
    "school:reply": (_reply_link, (200,) * 8),
    "school:reply_answer": (
        lambda r: _reply_link(r) + "confirm_on_roll/",
        (200,) * 8,
    ),
    "school:reply_done": (lambda r: "/school/reply/done/", (200,) * 8),
    # Correspondence: officers record a school's reply received by phone or
    # email; the school answers through its own pages instead.
    "placements:record_reply": (
        lambda r: f"/placements/{r.placement.pk}/reply/",
        (200, 404, 403, 404, 403, 404, 403, LOGIN),
    ),
    # Only staff without a confirmed app reach the set-up page; the verify
    # page sends them there first.
    "access:totp_setup": (
        lambda r: "/two-factor/set-up/",
        (200, 200, 403, 403, 403, 403, 200, LOGIN),
    ),
    "access:totp_verify": (
        lambda r: "/two-factor/verify/",
        (302, 302, 403, 403, 403, 403, 302, LOGIN),
    ),
    "access:revoke_share": (
        lambda r: f"/children/{r.child.pk}/shares/{r.share.pk}/revoke/",
        (200, 404, 403, 404, 403, 404, 403, LOGIN),
    ),
    # Removals from roll. LA lists and reports are for LA staff; a notice
    # is also open to a partner it was flagged to; schools use /school/.
    "removals:list": (
        lambda r: "/removals/",
        (200, 200, 403, 403, 403, 403, 403, LOGIN),
    ),
    "removals:detail": (
        lambda r: f"/removals/{_notice(r).pk}/",
        (200, 404, 403, 403, 200, 404, 403, LOGIN),
    ),
    "removals:open_challenge": (
        lambda r: f"/removals/{_notice(r).pk}/challenge/",
        (200, 404, 403, 403, 403, 403, 403, LOGIN),
    ),
    "removals:home_education": (
        lambda r: "/removals/home-education/",
        (200, 200, 403, 403, 403, 403, 403, LOGIN),
    ),
    "removals:partner_flags": (
        lambda r: "/removals/flags/",
        (403, 403, 403, 403, 200, 200, 403, LOGIN),
    ),
    "removals:challenges": (
        lambda r: "/removals/challenges/",
        (200, 200, 403, 403, 403, 403, 403, LOGIN),
    ),
    "removals:challenge": (
        lambda r: f"/removals/challenges/{_challenge(r).pk}/",
        (200, 404, 403, 403, 403, 403, 403, LOGIN),
    ),
    "removals:challenge_transition": (
        lambda r: f"/removals/challenges/{_challenge(r).pk}/send_informal/",
        (200, 404, 403, 403, 403, 403, 403, LOGIN),
    ),
    "removals:unknown_destinations": (
        lambda r: "/removals/reports/unknown-destinations/",
        (200, 200, 403, 403, 403, 403, 403, LOGIN),
    ),
    "removals:counts": (
        lambda r: "/removals/reports/counts/",
        (200, 200, 403, 403, 403, 403, 403, LOGIN),
    ),
    "school_removals:list": (
        lambda r: "/school/removals/",
        (403, 403, 200, 200, 403, 403, 403, LOGIN),
    ),
    "school_removals:notify": (
        lambda r: "/school/removals/new/",
        (403, 403, 200, 200, 403, 403, 403, LOGIN),
    ),
    "school_removals:detail": (
        lambda r: f"/school/removals/{_notice(r).pk}/",
        (403, 403, 200, 404, 403, 403, 403, LOGIN),
    ),
    "school_removals:upload": (
        lambda r: "/school/removals/upload/",
        (403, 403, 200, 200, 403, 403, 403, LOGIN),
    ),
    "school_removals:upload_preview": (
        lambda r: f"/school/removals/upload/{_upload(r).pk}/",
        (403, 403, 200, 404, 403, 403, 403, LOGIN),
    ),
    "school_removals:confirm_arrival": (
        lambda r: f"/school/removals/arrivals/{_arrival(r).pk}/",
        (403, 403, 200, 404, 403, 403, 403, LOGIN),
    ),
    "school_removals:report_not_arrived": (
        lambda r: f"/school/removals/arrivals/{_arrival(r).pk}/not-arrived/",
        (403, 403, 200, 404, 403, 403, 403, LOGIN),
    ),
    # Children missing education: LA caseworkers and managers only; each
    # authority lists its own cases, and another authority's case is "not found".
    "cme:worklist": (lambda r: "/cme/", (200, 200, 403, 403, 403, 403, 403, LOGIN)),
    "cme:refer": (lambda r: "/cme/refer/", (200, 200, 403, 403, 403, 403, 403, LOGIN)),
    "cme:waiting": (
        lambda r: "/cme/waiting/",
        (200, 200, 403, 403, 403, 403, 403, LOGIN),
    ),
    "cme:interim": (
        lambda r: "/cme/interim/",
        (200, 200, 403, 403, 403, 403, 403, LOGIN),
    ),
    "cme:deferred": (
        lambda r: "/cme/deferred/",
        (200, 200, 403, 403, 403, 403, 403, LOGIN),
    ),
    "cme:new_deferred_place": (
        lambda r: "/cme/deferred/new/",
        (200, 200, 403, 403, 403, 403, 403, LOGIN),
    ),
    "cme:detail": (
        lambda r: f"/cme/{_cme_case(r).pk}/",
        (200, 404, 403, 403, 403, 403, 403, LOGIN),
    ),
    "cme:action": (
        lambda r: f"/cme/{_cme_case(r).pk}/record_enquiry/",
        (200, 404, 403, 403, 403, 403, 403, LOGIN),
    ),
    "cme:referral_pack": (
        lambda r: f"/cme/{_cme_case(r).pk}/referral-pack/",
        (200, 404, 403, 403, 403, 403, 403, LOGIN),
    ),
    "school_cme:confirmations": (
        lambda r: "/school/cme/",
        (403, 403, 200, 200, 403, 403, 403, LOGIN),
    ),
    "school_cme:absence_return": (
        lambda r: "/school/cme/absence-return/",
        (403, 403, 200, 200, 403, 403, 403, LOGIN),
    ),
    "school_cme:confirm": (
        lambda r: f"/school/cme/{_cme_case(r, awaiting_school=True).pk}/confirm/",
        (403, 403, 200, 404, 403, 403, 403, LOGIN),
    ),
    # The exception report lists only the user's own authority's cases.
    "casework:exceptions": (
        lambda r: "/exceptions/",
        (200, 200, 403, 403, 403, 403, 403, LOGIN),
    ),
}


def _url_names(patterns: list, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXCLUDED_NAMESPACES:
                continue
            inner = (
                f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            )
            names |= _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"The URL pattern {pattern.pattern} has no name."
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_has_a_row():
    names = _url_names(get_resolver().url_patterns)

    assert sorted(names - set(ROWS)) == [], "URLs with no row in ROWS"
    assert sorted(set(ROWS) - names) == [], "rows for URLs that no longer exist"


CASES = [
    pytest.param(name, persona, index, id=f"{name}-{persona}")
    for name in ROWS
    for index, persona in enumerate(PERSONAS)
]


@pytest.mark.parametrize(("name", "persona", "index"), CASES)
def test_persona_gets_expected_status(client, request, record, name, persona, index):
    fixture = PERSONAS[persona]
    if fixture is not None:
        client.force_login(request.getfixturevalue(fixture))
    path_for, statuses = ROWS[name]
    url = path_for(record)
    expected = statuses[index]

    response = client.get(url)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url == f"/sign-in/?next={url}"
    else:
        assert response.status_code == expected
