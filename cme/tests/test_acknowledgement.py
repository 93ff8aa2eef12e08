"""The referral acknowledgement email, queued with the referral in one transaction."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.models import Event
from casework.timeline import events_for
from children.models import Child
from children.tests.factories import ChildFactory
from cme import actions, emails
from cme.models import CmeCase
from cme.tests.test_referral import _absence_post, _referral_post
from correspondence import outbox, shipped
from correspondence.models import Message
from placements import actions as placement_actions
from placements.states import State
from placements.tests.factories import PlacementFactory
from schools.tests.factories import AuthorityFactory

pytestmark = pytest.mark.usefixtures("friday_4_december")

REFERRER_EMAIL = "sam.referrer@example.org"


def _record_referral(actor, **overrides) -> CmeCase:
    arguments = {
        "actor": actor,
        "source": CmeCase.Source.PARTNER_AGENCY,
        "legal_first_name": "Mina",
        "legal_last_name": "Lowfield",
        "date_of_birth": date(2016, 3, 14),
        "sex": "F",
        "reason": "Family moved out of their flat; the child is not at any school.",
        "referred_on": date(2026, 12, 3),
        "referrer_name": "Sam Referrer",
        "referrer_organisation": "Leicestershire Health Visiting",
        "referrer_email": REFERRER_EMAIL,
    }
    arguments.update(overrides)
    return actions.record_referral(**arguments)


@pytest.mark.django_db
def test_context_gives_every_template_field(open_case):
    case = open_case()
    [listed] = [
        fields
        for name, _, _, fields in shipped.TEMPLATES
        if name == emails.ACKNOWLEDGEMENT_TEMPLATE
    ]

    context = emails.acknowledgement_context(case)

    assert {field.split(".")[0] for field in listed} == set(context)


@pytest.mark.django_db
def test_form_referral_queues_acknowledgement(client, inclusion_officer, authority):
    client.force_login(inclusion_officer)

    response = client.post(
        "/cme/refer/",
        _referral_post(CmeCase.Source.PARTNER_AGENCY, referrer_email=REFERRER_EMAIL),
    )

    assert response.status_code == 302
    case = CmeCase.objects.get()
    assert case.referrer_email == REFERRER_EMAIL
    [message] = outbox.for_case(case)
    assert message.to == REFERRER_EMAIL
    assert message.status == Message.Status.QUEUED
    assert message.template_version.template.name == "cme_referral_acknowledgement"
    assert message.child == case.child
    assert message.actor == inclusion_officer
    assert message.subject == "We have received your referral about Mina Lowfield"
    # 20 school days after 3 December 2026 on the shipped calendar, which
    # closes from 19 December to 3 January.
    assert case.due_on == date(2027, 1, 14)
    assert message.text.startswith("Dear Sam Referrer,")
    assert "Mina Lowfield (born 14 March 2016)" in message.text
    assert f"The Inclusion Service of {authority.name}" in message.text
    assert "received your referral on 3 December 2026" in message.text
    assert "review the case by 14 January 2027" in message.text
    assert f"Reference: missing education case {case.pk}" in message.text
    assert "<strong>14 January 2027</strong>" in message.html


@pytest.mark.django_db
def test_acknowledgement_without_referrer_name(authority, inclusion_officer):
    case = actions.refer(
        child=ChildFactory(authority=authority, upn=""),
        authority=authority,
        source=CmeCase.Source.PUBLIC,
        reason="Seen at home on school days.",
        referred_by=inclusion_officer,
        referrer_email=REFERRER_EMAIL,
    )

    [message] = outbox.for_case(case)
    assert message.text.startswith("Dear Sir or Madam,")


@pytest.mark.django_db(transaction=True)
def test_acknowledgement_rolled_back_with_referral(inclusion_officer, monkeypatch):
    queued_before_failure = []
    write_audit_entry = actions.record

    def fail_on_referral_entry(action, **kwargs):
        if action == "cme.refer":
            queued_before_failure.append(Message.objects.count())
            raise RuntimeError("audit log unavailable")
        return write_audit_entry(action, **kwargs)

    monkeypatch.setattr(actions, "record", fail_on_referral_entry)

    with pytest.raises(RuntimeError, match="audit log unavailable"):
        _record_referral(inclusion_officer)

    assert queued_before_failure == [1]
    assert Message.objects.count() == 0
    assert CmeCase.objects.count() == 0
    assert Child.objects.count() == 0


@pytest.mark.django_db
def test_no_address_no_message(client, inclusion_officer):
    client.force_login(inclusion_officer)

    response = client.post(
        "/cme/refer/", _referral_post(CmeCase.Source.PUBLIC, referrer_email="")
    )

    assert response.status_code == 302
    case = CmeCase.objects.get()
    assert case.referrer_email == ""
    assert Message.objects.count() == 0
    kinds = set(events_for(case).values_list("kind", flat=True))
    assert "cme.acknowledgement_not_sent" not in kinds


@pytest.mark.django_db
def test_automatic_referrals_send_nothing(
    authority, school, officer, client, school_user
):
    placement = PlacementFactory(
        child=ChildFactory(authority=authority, upn=""),
        authority=authority,
        state=State.REQUESTED,
        school=school,
        offered_on=date(2026, 11, 9),
        agreed_start_on=date(2026, 11, 16),
        request_sent_on=date(2026, 11, 10),
    )
    placement_actions.refer_to_cme(placement, actor=officer, note="Never arrived.")
    client.force_login(school_user)
    response = client.post("/school/cme/absence-return/", _absence_post())

    assert response.status_code == 302
    sources = set(CmeCase.objects.values_list("source", flat=True))
    assert sources == {
        CmeCase.Source.PLACE_NOT_TAKEN_UP,
        CmeCase.Source.ABSENCE_RETURN,
    }
    assert not Message.objects.filter(
        template_version__template__name="cme_referral_acknowledgement"
    ).exists()


@pytest.mark.django_db
def test_form_rejects_malformed_address(client, inclusion_officer):
    client.force_login(inclusion_officer)

    response = client.post(
        "/cme/refer/",
        _referral_post(CmeCase.Source.PUBLIC, referrer_email="sam.referrer@"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter an email address in the correct format" in page
    assert 'href="#id_referrer_email"' in page
    assert 'value="sam.referrer@"' in page
    assert 'value="Sam Referrer"' in page
    assert 'value="Leicestershire Health Visiting"' in page
    assert 'value="Mina"' in page
    assert 'value="Lowfield"' in page
    assert "the child is not at any school." in page
    assert CmeCase.objects.count() == 0
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_action_rejects_malformed_address(inclusion_officer):
    with pytest.raises(ValidationError) as raised:
        _record_referral(inclusion_officer, referrer_email="sam referrer@example.org")

    errors = raised.value.message_dict
    assert list(errors) == ["referrer_email"]
    expected = "sam referrer@example.org is not a valid email address"
    assert expected in errors["referrer_email"][0]
    assert CmeCase.objects.count() == 0
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_address_not_allowed_still_refers(inclusion_officer):
    case = _record_referral(inclusion_officer, referrer_email="sam@example.com")

    [message] = outbox.for_case(case)
    assert message.status == Message.Status.REFUSED
    assert message.next_attempt_at is None
    assert events_for(case).filter(kind="email.refused").count() == 1
    assert case.is_open


@pytest.mark.django_db
def test_unknown_review_day_sends_nothing(inclusion_officer):
    # An authority with no term dates: the review day cannot be counted.
    authority = AuthorityFactory(code="857", name="Rutland", gss_code="E06000017")

    case = actions.refer(
        child=ChildFactory(authority=authority, upn=""),
        authority=authority,
        source=CmeCase.Source.PUBLIC,
        reason="Seen at home on school days.",
        referrer_name="Sam Referrer",
        referrer_email=REFERRER_EMAIL,
    )

    assert case.due_on is None
    assert Message.objects.count() == 0
    event = Event.objects.get(case_id=case.pk, kind="cme.acknowledgement_not_sent")
    assert REFERRER_EMAIL in event.note
    assert "Acknowledge the referral another way" in event.note


@pytest.mark.django_db
def test_case_page_lists_acknowledgement(client, inclusion_officer):
    case = _record_referral(inclusion_officer)
    client.force_login(inclusion_officer)

    response = client.get(f"/cme/{case.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "We have received your referral about Mina Lowfield" in page
    assert "Missing education referral acknowledgement, template version 1" in page
    assert f'<td class="govuk-table__cell">{REFERRER_EMAIL}</td>' in page
    assert "Waiting to send" in page


@pytest.mark.django_db
def test_case_page_emails_queries_do_not_grow(client, inclusion_officer):
    case = _record_referral(inclusion_officer)
    client.force_login(inclusion_officer)
    url = f"/cme/{case.pk}/"
    client.get(url)  # Warm the content type and session caches.

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries.captured_queries)

    with_1 = count()
    for _ in range(5):
        emails.queue_acknowledgement(case, actor=inclusion_officer)
    with_6 = count()

    assert with_6 == with_1
    assert outbox.for_case(case).count() == 6


@pytest.mark.django_db(transaction=True)
def test_acknowledgement_sent_over_smtp(inclusion_officer, authority, smtp_server):
    case = _record_referral(inclusion_officer)

    output = io.StringIO()
    call_command("send_outbox", "--once", stdout=output)

    assert output.getvalue() == "Outbox: 1 sent.\n"
    assert smtp_server.envelopes[0][1] == [REFERRER_EMAIL]
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received["To"] == REFERRER_EMAIL
    assert received["Subject"] == "We have received your referral about Mina Lowfield"
    text = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    assert text.startswith("Dear Sam Referrer,")
    assert "received your referral on 3 December 2026" in text
    assert "review the case by 14 January 2027" in text
    assert f"missing education case {case.pk}" in text
    assert f"The Inclusion Service of {authority.name}" in html
    assert "<strong>Mina Lowfield</strong>" in html
    [message] = outbox.for_case(case)
    assert message.status == Message.Status.SENT
    assert received["Message-ID"] == message.message_id
