"""Find records kept past their retention period and anonymise their child.

UK GDPR Article 5(1)(e) (storage limitation) allows personal data to be kept
in a form that identifies the child no longer than the purpose needs. Each
kind of record has a retention period in settings.ONROLL_RETENTION, counted
from a day that depends on the kind:

- a placement: from the day it closed (London time); an open placement is
  always within retention;
- a CME case: from the child's date of birth, open or closed, because the
  duty to find children missing education ends with compulsory school age;
- a child with no case at all: from the day the child's record was created.

A record is within retention up to and including the last day of its period
and past retention from the next day. A child is anonymised only when every
one of their records is past retention: names become "Anonymised", the date
of birth keeps only its year, identifiers, free-text notes and evidence are
blanked, and addresses and contacts are deleted. The rows of cases, events,
vulnerabilities and risk assessments stay for statistics. A RetentionRecord
of kind "child" marks the child as done, so a second run changes nothing.

Separately, clear_upload_rows deletes the rows and problems of a school's
CSV file of removal notices once they are no longer needed: at once for a
confirmed file, and ONROLL_RETAIN_UNCONFIRMED_UPLOAD_DAYS calendar days
after upload for a file never confirmed.
"""

import logging
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from audit.log import record as audit_record
from casework.deadlines import LONDON, london_today
from casework.models import Event
from children.models import Child, RiskAssessment, VulnerabilityCharacteristic
from cme.models import CmeCase, Enquiry, SafeguardingReferral
from correspondence.models import Message
from placements.models import Placement
from privacy.models import RetentionRecord
from removals.models import Challenge, RemovalNotice, RemovalUpload

logger = logging.getLogger(__name__)

ANONYMISED_NAME = "Anonymised"

# Each key of settings.ONROLL_RETENTION, with the environment variable that
# sets it.
RETENTION_SETTINGS: dict[str, str] = {
    "placement_years_after_closing": "ONROLL_RETAIN_PLACEMENT_YEARS",
    "cme_case_years_after_birth": "ONROLL_RETAIN_CME_CASE_YEARS",
    "child_without_cases_years_after_creation": (
        "ONROLL_RETAIN_CHILD_WITHOUT_CASES_YEARS"
    ),
}

# Children whose records are read per database round trip.
BATCH_SIZE = 500


def retention_years() -> dict[str, int]:
    """Return each retention period from settings, in whole years.

    Raises ImproperlyConfigured for a missing key or a period under one year,
    because a period of zero would anonymise a child the day after their last
    case closed.
    """
    configured = getattr(settings, "ONROLL_RETENTION", {})
    years: dict[str, int] = {}
    for key, env_var in RETENTION_SETTINGS.items():
        value = configured.get(key)
        if value is None:
            raise ImproperlyConfigured(
                f"ONROLL_RETENTION has no {key!r}. Add it to the settings, or set "
                f"{env_var} to a whole number of years."
            )
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ImproperlyConfigured(
                f"ONROLL_RETENTION[{key!r}] is {value!r}, which is not a whole "
                f"number of years of 1 or more. Set {env_var} to one, such as 6."
            )
        years[key] = value
    return years


def add_years(day: date, years: int) -> date:
    """Return the same day `years` later; 29 February moves to 1 March."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


@dataclass(frozen=True)
class RecordRetention:
    """Retention status of one record."""

    kind: str
    object_id: int
    setting: str
    years: int
    # The last day the record is kept, or None while an open case has no end.
    kept_until: date | None

    @property
    def rule(self) -> str:
        return f"{self.setting} = {self.years}"

    @property
    def label(self) -> str:
        return f"{RetentionRecord.Kind(self.kind).label} {self.object_id}"

    def is_past(self, today: date) -> bool:
        return self.kept_until is not None and today > self.kept_until


@dataclass(frozen=True)
class ChildRetention:
    """Retention status of every record about one child on a given day."""

    child_id: int
    today: date
    records: tuple[RecordRetention, ...]

    @property
    def past(self) -> list[RecordRetention]:
        return [record for record in self.records if record.is_past(self.today)]

    @property
    def kept(self) -> list[RecordRetention]:
        return [record for record in self.records if not record.is_past(self.today)]

    @property
    def is_due(self) -> bool:
        """Return whether every record is past retention, so the child is anonymised."""
        return not self.kept


def _london_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def _assess(
    child: Child,
    placements: list[Placement],
    cme_cases: list[CmeCase],
    years: dict[str, int],
    today: date,
) -> ChildRetention:
    records: list[RecordRetention] = []
    setting = "placement_years_after_closing"
    for placement in placements:
        closed = not placement.is_open and placement.closed_at is not None
        records.append(
            RecordRetention(
                RetentionRecord.Kind.PLACEMENT,
                placement.pk,
                setting,
                years[setting],
                add_years(_london_date(placement.closed_at), years[setting])
                if closed
                else None,
            )
        )
    setting = "cme_case_years_after_birth"
    for case in cme_cases:
        records.append(
            RecordRetention(
                RetentionRecord.Kind.CME_CASE,
                case.pk,
                setting,
                years[setting],
                add_years(child.date_of_birth, years[setting]),
            )
        )
    if not records:
        setting = "child_without_cases_years_after_creation"
        records.append(
            RecordRetention(
                RetentionRecord.Kind.CHILD,
                child.pk,
                setting,
                years[setting],
                add_years(_london_date(child.created_at), years[setting]),
            )
        )
    return ChildRetention(child.pk, today, tuple(records))


def _not_anonymised() -> Exists:
    return ~Exists(
        RetentionRecord.objects.filter(
            kind=RetentionRecord.Kind.CHILD, object_id=OuterRef("pk")
        )
    )


def _cases_by_child(model, child_ids: list[int]) -> dict[int, list]:
    cases = defaultdict(list)
    for case in (
        model.objects.filter(child_id__in=child_ids)
        .only("pk", "child_id", "is_open", "closed_at")
        .order_by("pk")
    ):
        cases[case.child_id].append(case)
    return cases


def find_past_retention(today: date) -> Iterator[ChildRetention]:
    """Yield each child not yet anonymised who has a record past retention.

    Each result's `is_due` is true when every record is past retention.
    """
    years = retention_years()
    children = (
        Child.objects.filter(_not_anonymised())
        .only("pk", "date_of_birth", "created_at")
        .order_by("pk")
    )
    last_pk = 0
    while True:
        batch = list(children.filter(pk__gt=last_pk)[:BATCH_SIZE])
        if not batch:
            return
        child_ids = [child.pk for child in batch]
        placements = _cases_by_child(Placement, child_ids)
        cme_cases = _cases_by_child(CmeCase, child_ids)
        for child in batch:
            status = _assess(
                child, placements[child.pk], cme_cases[child.pk], years, today
            )
            if status.past:
                yield status
        last_pk = batch[-1].pk


def _anonymise_rows(child: Child) -> None:
    child.legal_first_name = ANONYMISED_NAME
    child.legal_last_name = ANONYMISED_NAME
    child.preferred_name = ""
    child.former_names = ""
    child.date_of_birth = date(child.date_of_birth.year, 1, 1)
    child.upn = ""
    child.nhs_number = ""
    child.save()
    child.addresses.all().delete()
    child.contacts.all().delete()
    VulnerabilityCharacteristic.objects.filter(child=child).update(
        detail="", evidence="", source=""
    )
    RiskAssessment.objects.filter(child=child).update(summary="")
    Event.objects.filter(child=child).update(note="")
    # A referral added to an open case keeps its referrer's details here.
    Event.objects.filter(child=child, kind="cme.referred_again").update(data={})
    # An email's subject and parts name the child.
    Message.objects.filter(child=child).update(subject="", text="", html="")
    _blank_referrer_emails(child)
    # Free text on the cases can name people or places, so it is blanked too.
    # The states, dates and schools stay for statistics.
    Placement.objects.filter(child=child).update(reason="")
    CmeCase.objects.filter(child=child).update(
        reason="",
        last_known_address="",
        history=[],
        referrer_name="",
        referrer_email="",
        outcome_destination="",
        outcome_evidence="",
    )
    Enquiry.objects.filter(case__child=child).update(note="")
    SafeguardingReferral.objects.filter(case__child=child).update(
        concern="", outcome=""
    )
    # A school's removal notice repeats the child's name, birth date, homes
    # and family. The ground, dates, destination type and checks stay.
    RemovalNotice.objects.filter(child=child).update(
        first_name=ANONYMISED_NAME,
        last_name=ANONYMISED_NAME,
        date_of_birth=child.date_of_birth,
        upn="",
        address="",
        parents=[],
        answers={},
        new_address="",
        siblings="",
        destination_school_name="",
        destination_country="",
    )
    Challenge.objects.filter(child=child).update(reason="", outcome_note="")


def _blank_referrer_emails(child: Child) -> None:
    """Blank the referrers' addresses in the emails sent to them about the child.

    A referrer's address is personal data, so it goes from the recipient and
    error of each such email and from the "to" of its timeline events
    (email.refused and email.failed). Runs before the cases are blanked,
    because it reads the addresses from them.
    """
    addresses = set(
        CmeCase.objects.filter(child=child)
        .exclude(referrer_email="")
        .values_list("referrer_email", flat=True)
    )
    if not addresses:
        return
    # NOTE: the audit log also stores the address of an email that was
    # refused or not delivered (correspondence.outbox), and cannot be edited.
    Message.objects.filter(child=child, to__in=addresses).update(to="", last_error="")
    for event in Event.objects.filter(
        child=child, kind__in=["email.refused", "email.failed"]
    ):
        if event.data.get("to") in addresses:
            event.data["to"] = ""
            event.save(update_fields=["data"])


def anonymise_child(child_id: int, *, now: datetime) -> ChildRetention | None:
    """Anonymise the child if every record is past retention, in one transaction.

    Returns the child's retention status, or None when the child was already
    anonymised, is missing, or has a record still within retention by the
    time the row is locked.
    """
    years = retention_years()
    today = london_today(now)
    with transaction.atomic():
        child = (
            Child.objects.select_for_update()
            .filter(pk=child_id)
            .filter(_not_anonymised())
            .first()
        )
        if child is None:
            return None
        status = _assess(
            child,
            list(Placement.objects.filter(child=child).order_by("pk")),
            list(CmeCase.objects.filter(child=child).order_by("pk")),
            years,
            today,
        )
        if not status.is_due:
            return None

        _anonymise_rows(child)
        records = [
            RetentionRecord(
                at=now, kind=record.kind, object_id=record.object_id, rule=record.rule
            )
            for record in status.records
            if record.kind != RetentionRecord.Kind.CHILD
        ]
        rules = sorted({record.rule for record in status.records})
        records.append(
            RetentionRecord(
                at=now,
                kind=RetentionRecord.Kind.CHILD,
                object_id=child.pk,
                rule="; ".join(rules),
            )
        )
        RetentionRecord.objects.bulk_create(records)
        audit_record(
            "retention.anonymise",
            target=child,
            child=child,
            data={"rules": rules},
        )
    logger.info("Anonymised child %s under retention rules: %s", child_id, rules)
    return status


def uploads_past_retention(now: datetime) -> QuerySet:
    """Return the removal uploads whose rows and problems are due for deletion.

    These are the confirmed uploads that still have rows, and the unconfirmed
    uploads older than ONROLL_RETAIN_UNCONFIRMED_UPLOAD_DAYS calendar days.
    Confirming an upload deletes its rows, so the first kind are only those
    confirmed before it did.
    """
    cutoff = now - timedelta(days=settings.ONROLL_RETAIN_UNCONFIRMED_UPLOAD_DAYS)
    return RemovalUpload.objects.filter(
        Q(confirmed_at__isnull=False) | Q(uploaded_at__lt=cutoff),
        rows_cleared_at__isnull=True,
    ).order_by("pk")


def clear_upload_rows(now: datetime) -> int:
    """Delete the rows and problems of each upload past retention; return how many.

    The upload itself stays, so the same file uploaded again is recognised.
    An unconfirmed upload can be confirmed only after the school uploads the
    file again, which reads it afresh (removals.actions.preview_upload).
    """
    with transaction.atomic():
        upload_ids = list(uploads_past_retention(now).values_list("pk", flat=True))
        if not upload_ids:
            return 0
        cleared = RemovalUpload.objects.filter(
            pk__in=upload_ids, rows_cleared_at__isnull=True
        ).update(rows=[], problems=[], rows_cleared_at=now)
        audit_record("retention.clear_uploads", data={"uploads": upload_ids})
    logger.info("Deleted the rows of removal uploads past retention: %s", upload_ids)
    return cleared
