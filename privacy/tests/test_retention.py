"""Retention periods, and anonymising a child once every record is past one."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEntry
from casework.deadlines import london_today
from casework.models import Event
from children.models import (
    Address,
    Child,
    Contact,
    RiskAssessment,
    VulnerabilityCharacteristic,
)
from children.tests.factories import ChildFactory
from cme import actions as cme_actions
from cme.models import CmeCase
from correspondence.models import Message
from placements.models import Placement
from placements.states import State
from placements.tests.factories import PlacementFactory
from privacy.checks import check_retention_settings
from privacy.models import RetentionRecord
from privacy.retention import add_years, find_past_retention
from removals.tests.factories import RemovalUploadFactory

pytestmark = pytest.mark.django_db


def _due_and_kept(child: Child) -> tuple[bool, bool]:
    """Return whether the child is listed past retention, and whether it is due."""
    today = london_today(timezone.now())
    for status in find_past_retention(today):
        if status.child_id == child.pk:
            return True, status.is_due
    return False, False


def _apply_retention(*args: str) -> str:
    stdout = StringIO()
    call_command("apply_retention", *args, stdout=stdout)
    return stdout.getvalue()


# Retention periods at their boundaries ---------------------------------------


@pytest.mark.parametrize(
    ("closed_at", "last_kept", "first_past"),
    [
        # Winter: London is on UTC.
        ("2020-12-04 10:00 +0000", "2026-12-04 23:59 +0000", "2026-12-05 00:00 +0000"),
        # Summer: 23:30 UTC on 30 June is 00:30 on 1 July in London.
        ("2020-06-30 23:30 +0000", "2026-07-01 22:59 +0000", "2026-07-01 23:00 +0000"),
    ],
)
def test_placement_past_six_years_after_closing(
    time_machine, authority, closed_at, last_kept, first_past
):
    time_machine.move_to(closed_at, tick=False)
    child = ChildFactory(authority=authority, date_of_birth=date(2012, 5, 1))
    PlacementFactory(child=child, state=State.WITHDRAWN)

    time_machine.move_to(last_kept, tick=False)
    assert _due_and_kept(child) == (False, False)

    time_machine.move_to(first_past, tick=False)
    assert _due_and_kept(child) == (True, True)


def test_open_placement_never_past(time_machine, authority):
    time_machine.move_to("2010-01-04 10:00 +0000", tick=False)
    child = ChildFactory(authority=authority, date_of_birth=date(2002, 5, 1))
    PlacementFactory(child=child, state=State.OFFERED, received_on=date(2010, 1, 4))

    time_machine.move_to("2060-01-04 10:00 +0000", tick=False)

    assert _due_and_kept(child) == (False, False)


def test_cme_case_past_25_years_after_birth(time_machine, authority):
    time_machine.move_to("2014-09-01 10:00 +0000", tick=False)
    child = ChildFactory(authority=authority, date_of_birth=date(2001, 3, 14))
    cme_actions.refer(
        child=child,
        authority=authority,
        source=CmeCase.Source.PUBLIC,
        reason="Neighbour reports the child at home in school hours.",
    )

    time_machine.move_to("2026-03-14 23:59 +0000", tick=False)
    assert _due_and_kept(child) == (False, False)

    time_machine.move_to("2026-03-15 00:00 +0000", tick=False)
    assert _due_and_kept(child) == (True, True)


def test_child_without_cases_past_six_years(time_machine, authority):
    time_machine.move_to("2020-12-04 10:00 +0000", tick=False)
    child = ChildFactory(authority=authority)

    time_machine.move_to("2026-12-04 23:59 +0000", tick=False)
    assert _due_and_kept(child) == (False, False)

    time_machine.move_to("2026-12-05 00:00 +0000", tick=False)
    assert _due_and_kept(child) == (True, True)


def test_child_kept_while_any_case_within(time_machine, authority):
    time_machine.move_to("2014-09-01 10:00 +0000", tick=False)
    child = ChildFactory(authority=authority, date_of_birth=date(2001, 3, 14))
    cme_actions.refer(
        child=child, authority=authority, source=CmeCase.Source.PUBLIC, reason="-"
    )
    PlacementFactory(child=child, state=State.RECEIVED)

    time_machine.move_to("2030-01-01 10:00 +0000", tick=False)
    output = _apply_retention()

    assert _due_and_kept(child) == (True, False)
    assert f"Child {child.pk}: kept, because still within retention: " in output
    assert RetentionRecord.objects.count() == 0
    child.refresh_from_db()
    assert child.legal_last_name == "Testchild"


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2020, 12, 4), 6, date(2026, 12, 4)),
        (date(2020, 2, 29), 6, date(2026, 3, 1)),
        (date(2020, 2, 29), 4, date(2024, 2, 29)),
    ],
)
def test_add_years(day, years, expected):
    assert add_years(day, years) == expected


@pytest.mark.parametrize(
    "setting",
    [
        "placement_years_after_closing",
        "cme_case_years_after_birth",
        "child_without_cases_years_after_creation",
    ],
)
@pytest.mark.parametrize("value", [0, -1, "6", None])
def test_invalid_period_rejected(settings, setting, value):
    settings.ONROLL_RETENTION = {**settings.ONROLL_RETENTION, setting: value}

    with pytest.raises(ImproperlyConfigured, match=setting):
        list(find_past_retention(date(2026, 12, 4)))
    [error] = check_retention_settings(None)
    assert error.id == "privacy.E001"


def test_period_configurable(settings, time_machine, authority):
    settings.ONROLL_RETENTION = {
        **settings.ONROLL_RETENTION,
        "placement_years_after_closing": 1,
    }
    time_machine.move_to("2020-12-04 10:00 +0000", tick=False)
    child = ChildFactory(authority=authority, date_of_birth=date(2012, 5, 1))
    PlacementFactory(child=child, state=State.WITHDRAWN)

    time_machine.move_to("2021-12-05 10:00 +0000", tick=False)

    assert _due_and_kept(child) == (True, True)


# Anonymising ------------------------------------------------------------------


@pytest.fixture
def after_retention(child_with_history, time_machine):
    """Move the clock to the day after the full-history child's CME case
    expires: 25 years after the date of birth, 14 March 2015."""
    time_machine.move_to("2040-03-15 10:00 +0000", tick=False)
    return child_with_history


def _counts(child: Child) -> dict[str, int]:
    return {
        "placements": Placement.objects.filter(child=child).count(),
        "cme_cases": CmeCase.objects.filter(child=child).count(),
        "events": Event.objects.filter(child=child).count(),
        "vulnerabilities": VulnerabilityCharacteristic.objects.filter(
            child=child
        ).count(),
        "risk_assessments": RiskAssessment.objects.filter(child=child).count(),
        "addresses": Address.objects.filter(child=child).count(),
        "contacts": Contact.objects.filter(child=child).count(),
    }


def test_dry_run_changes_nothing(after_retention):
    child = after_retention
    before = Child.objects.filter(pk=child.pk).values().get()
    counts = _counts(child)
    notes = list(Event.objects.filter(child=child).values_list("note", flat=True))

    output = _apply_retention("--dry-run")

    assert f"Child {child.pk}: would be anonymised." in output
    assert "1 child would be anonymised" in output
    assert Child.objects.filter(pk=child.pk).values().get() == before
    assert _counts(child) == counts
    assert list(Event.objects.filter(child=child).values_list("note", flat=True)) == (
        notes
    )
    assert RetentionRecord.objects.count() == 0


def test_anonymise_blanks_child(after_retention):
    child = after_retention

    output = _apply_retention()

    assert f"Child {child.pk}: anonymised." in output
    child.refresh_from_db()
    assert child.legal_first_name == "Anonymised"
    assert child.legal_last_name == "Anonymised"
    assert child.preferred_name == ""
    assert child.former_names == ""
    assert child.date_of_birth == date(2015, 1, 1)
    assert child.upn == ""
    assert child.nhs_number == ""
    assert child.sex == Child.Sex.FEMALE


def test_anonymise_blanks_related_records(after_retention):
    child = after_retention

    _apply_retention()

    assert not Address.objects.filter(child=child).exists()
    assert not Contact.objects.filter(child=child).exists()
    for vulnerability in VulnerabilityCharacteristic.objects.filter(child=child):
        assert vulnerability.evidence == ""
        assert vulnerability.detail == ""
        assert vulnerability.source == ""
    for risk in RiskAssessment.objects.filter(child=child):
        assert risk.summary == ""
    assert set(Event.objects.filter(child=child).values_list("note", flat=True)) == {""}
    emails = Message.objects.filter(child=child)
    assert emails.exists()
    assert set(emails.values_list("subject", "text", "html")) == {("", "", "")}
    placement = Placement.objects.get(child=child)
    assert placement.reason == ""
    case = CmeCase.objects.get(child=child)
    assert case.reason == ""
    assert case.last_known_address == ""
    assert case.history == []


def test_anonymise_keeps_counts(after_retention):
    child = after_retention
    before = _counts(child)

    _apply_retention()

    after = _counts(child)
    assert after == {**before, "addresses": 0, "contacts": 0}
    placement = Placement.objects.get(child=child)
    assert placement.state == State.REFERRED_CME
    assert placement.received_on == date(2026, 11, 2)


def test_anonymise_leaves_other_children(after_retention, authority):
    other = ChildFactory(authority=authority, legal_last_name="Recent")
    PlacementFactory(child=other, state=State.RECEIVED)

    _apply_retention()

    other.refresh_from_db()
    assert other.legal_last_name == "Recent"


def test_anonymise_writes_retention_records(after_retention):
    child = after_retention
    placement = Placement.objects.get(child=child)
    case = CmeCase.objects.get(child=child)

    _apply_retention()

    records = {
        (record.kind, record.object_id): record.rule
        for record in RetentionRecord.objects.all()
    }
    assert records == {
        ("placement", placement.pk): "placement_years_after_closing = 6",
        ("cme_case", case.pk): "cme_case_years_after_birth = 25",
        ("child", child.pk): (
            "cme_case_years_after_birth = 25; placement_years_after_closing = 6"
        ),
    }
    assert {record.at for record in RetentionRecord.objects.all()} == {timezone.now()}
    audit = AuditEntry.objects.get(action="retention.anonymise")
    assert audit.child_ref == child.pk
    assert audit.actor is None


def test_second_run_does_nothing(after_retention):
    child = after_retention
    _apply_retention()
    records = list(RetentionRecord.objects.values())
    anonymised = Child.objects.filter(pk=child.pk).values().get()

    output = _apply_retention()

    assert f"Child {child.pk}" not in output
    assert "0 children anonymised" in output
    assert list(RetentionRecord.objects.values()) == records
    assert Child.objects.filter(pk=child.pk).values().get() == anonymised


def test_child_without_cases_anonymised(time_machine, authority):
    time_machine.move_to("2020-12-04 10:00 +0000", tick=False)
    child = ChildFactory(authority=authority)
    Address.objects.create(
        child=child, line_1="1 High St", town="Hinckley", postcode="LE10 1AA"
    )

    time_machine.move_to("2026-12-05 10:00 +0000", tick=False)
    _apply_retention()

    child.refresh_from_db()
    assert child.legal_first_name == "Anonymised"
    assert not child.addresses.exists()
    [record] = RetentionRecord.objects.all()
    assert record.kind == "child"
    assert record.object_id == child.pk
    assert record.rule == "child_without_cases_years_after_creation = 6"


@pytest.fixture
def referred_with_emails(child_with_history, authority, officer):
    """Add two referrals with referrer emails to the full-history child: one
    acknowledged, one to an address this deployment may not email."""
    for address in ("sam.referrer@example.org", "pat.referrer@example.com"):
        cme_actions.refer(
            child=child_with_history,
            authority=authority,
            source=CmeCase.Source.PUBLIC,
            reason="Seen at home on school days.",
            referred_by=officer,
            referrer_name="Sam Referrer",
            referrer_email=address,
        )
    return child_with_history


def test_anonymise_blanks_referrer_emails(referred_with_emails, time_machine, school):
    child = referred_with_emails
    acknowledgements = Message.objects.filter(
        child=child, template_version__template__name="cme_referral_acknowledgement"
    )
    assert set(acknowledgements.values_list("to", "status")) == {
        ("sam.referrer@example.org", Message.Status.QUEUED),
        ("pat.referrer@example.com", Message.Status.REFUSED),
    }
    time_machine.move_to("2040-03-15 10:00 +0000", tick=False)

    _apply_retention()

    emails = set(CmeCase.objects.filter(child=child).values_list("referrer_email"))
    assert emails == {("",)}
    assert set(acknowledgements.values_list("to", "last_error")) == {("", "")}
    school_emails = Message.objects.filter(
        child=child, template_version__template__name="on_roll_request"
    )
    assert set(school_emails.values_list("to", flat=True)) == {school.email}
    refused = Event.objects.get(child=child, kind="email.refused")
    assert refused.data["to"] == ""
    assert refused.data["message_id"] == acknowledgements.get(status="refused").pk


# Rows of removal uploads -------------------------------------------------------

UPLOAD_ROWS = [{"line": 2, "first_name": "Maya", "last_name": "Testpupil"}]
UPLOAD_PROBLEMS = [{"line": 3, "field": "date_of_birth", "message": "“14/03/2015”"}]


def _removal_upload(school_user, *, days_ago: int, confirmed: bool = False):
    uploaded_at = timezone.now() - timedelta(days=days_ago)
    return RemovalUploadFactory(
        school=school_user.school,
        uploaded_by=school_user,
        uploaded_at=uploaded_at,
        confirmed_at=uploaded_at if confirmed else None,
        rows=UPLOAD_ROWS,
        problems=UPLOAD_PROBLEMS,
    )


@pytest.mark.usefixtures("friday_4_december")
def test_unconfirmed_upload_rows_are_deleted_after_limit(school_user):
    old = _removal_upload(school_user, days_ago=31)
    recent = _removal_upload(school_user, days_ago=29)

    output = _apply_retention()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.rows == []
    assert old.problems == []
    assert old.rows_cleared_at == timezone.now()
    assert recent.rows == UPLOAD_ROWS
    assert recent.problems == UPLOAD_PROBLEMS
    assert recent.rows_cleared_at is None
    assert "1 removal upload past retention had its rows deleted." in output
    entry = AuditEntry.objects.get(action="retention.clear_uploads")
    assert entry.data == {"uploads": [old.pk]}


@pytest.mark.usefixtures("friday_4_december")
def test_unconfirmed_upload_limit_is_a_setting(school_user, settings):
    settings.ONROLL_RETAIN_UNCONFIRMED_UPLOAD_DAYS = 7
    upload = _removal_upload(school_user, days_ago=8)

    _apply_retention()

    upload.refresh_from_db()
    assert upload.rows == []


@pytest.mark.usefixtures("friday_4_december")
def test_confirmed_upload_rows_are_deleted(school_user):
    upload = _removal_upload(school_user, days_ago=1, confirmed=True)

    _apply_retention()

    upload.refresh_from_db()
    assert upload.rows == []
    assert upload.problems == []


@pytest.mark.usefixtures("friday_4_december")
def test_upload_dry_run_changes_nothing(school_user):
    upload = _removal_upload(school_user, days_ago=31)

    output = _apply_retention("--dry-run")

    upload.refresh_from_db()
    assert upload.rows == UPLOAD_ROWS
    assert upload.rows_cleared_at is None
    assert "1 removal upload past retention would have its rows deleted." in output
    assert not AuditEntry.objects.filter(action="retention.clear_uploads").exists()
