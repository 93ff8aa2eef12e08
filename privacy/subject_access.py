"""Gather everything Onroll stores about a child, for a subject access request.

UK GDPR Article 15 gives a data subject (here the child, or a parent acting
for them) the right to a copy of their personal data, the purposes, the
recipients and the source. `build_export` collects every record about the
child into one dictionary of plain values, and `to_json` writes it with ISO
dates. The HTML page and the `subject_access` command render the same
dictionary.
"""

import json
import re
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.contrib.staticfiles import finders
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from access.models import User
from audit.models import AuditEntry
from casework.models import Event
from children.models import Child
from cme.models import (
    CmeCase,
    DeferredPlace,
    Enquiry,
    InterimProvision,
    MissingPeriod,
    SafeguardingReferral,
    Transfer,
)
from correspondence.models import Message
from placements.models import Placement
from placements.templatetags.onroll import event_label
from removals.models import Challenge, RemovalNotice

# Top-level keys of the export that hold records, with their headings, in the
# order the HTML document shows them.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("identity", "Identity"),
    ("addresses", "Addresses"),
    ("parents_and_carers", "Parents and carers"),
    ("vulnerability_profile", "Vulnerability profile"),
    ("risk_assessments", "Risk assessments"),
    ("placements", "Placements"),
    ("cme_cases", "Children missing education cases"),
    ("cme_missing_periods", "Periods missing education"),
    ("cme_enquiries", "Enquiries made to find the child"),
    ("cme_safeguarding_referrals", "Safeguarding referrals"),
    ("cme_interim_provision", "Interim (section 19) provision"),
    ("cme_transfers", "Transfers between authorities"),
    ("deferred_places", "Deferred school places"),
    ("removal_notices", "Notices of removal from a school roll"),
    ("removal_challenges", "Challenges to a removal from roll"),
    ("timeline", "Timeline"),
    ("correspondence", "Correspondence"),
    ("audit_log", "Who viewed or changed the record"),
)

# Timeline events whose action sends, or tried to send, an email to a school.
# A chase stores whether it emailed the school in data["school_emailed"]. An
# escalation emails the school only when the case waits on the school, and
# its event states that only in the note, so every escalation is listed.
CORRESPONDENCE_NOTE = (
    "Every email Onroll queued about the child, with its plain-text part as "
    "rendered, the template version it came from, and whether it was sent."
)


def actor_label(user: User | None) -> str:
    """Return the user's full name and username, or a label for no user."""
    if user is None:
        return "Onroll (no user)"
    full_name = user.get_full_name()
    return f"{full_name} ({user.username})" if full_name else user.username


def _related_value(related: models.Model | None) -> Any:
    if related is None:
        return None
    if isinstance(related, ContentType):
        return f"{related.app_label}.{related.model}"
    if isinstance(related, User):
        return {"id": related.pk, "name": actor_label(related)}
    return {"id": related.pk, "name": str(related)}


def record_fields(
    instance: models.Model, exclude: tuple[str, ...] = ("child",)
) -> dict[str, Any]:
    """Return every stored field of a row, by field name, as plain values.

    A foreign key becomes the related row's id and name. A field with choices
    gets a second key, `<name>_label`, with the readable choice. Keys follow
    the model's field order, so they stay the same from one export to the next.
    """
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        if field.is_relation:
            values[field.name] = _related_value(getattr(instance, field.name))
            continue
        value = field.value_from_object(instance)
        values[field.name] = value
        if field.choices and value not in (None, ""):
            values[f"{field.name}_label"] = getattr(
                instance, f"get_{field.name}_display"
            )()
    return values


def _timeline_entry(event: Event) -> dict[str, Any]:
    return {
        "id": event.pk,
        "at": event.at,
        "kind": event.kind,
        "description": event_label(event.kind),
        "case_type": _related_value(event.case_type),
        "case_id": event.case_id,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "actor": event.actor_label if event.actor is None else actor_label(event.actor),
        "note": event.note,
        "data": event.data,
    }


# A school's one-time reply link in an email lets whoever holds it answer for
# the school (placements.links), so the export leaves it out.
REPLY_LINK = re.compile(r"\S*/school/reply/[^/\s]+/\S*")


def _correspondence(child: Child) -> dict[str, Any]:
    messages = (
        Message.objects.filter(child=child)
        .select_related("template_version__template", "case_type")
        .order_by("created_at", "pk")
    )
    emails = [
        {
            "id": message.pk,
            "queued_at": message.created_at,
            "sent_at": message.sent_at,
            "status": message.get_status_display(),
            "template": message.template_version.template.title,
            "template_version": message.template_version.number,
            "case_type": _related_value(message.case_type),
            "case_id": message.case_id,
            "recipient": message.to,
            "subject": message.subject,
            "text": REPLY_LINK.sub("[one-time reply link removed]", message.text),
        }
        for message in messages
    ]
    return {"note": CORRESPONDENCE_NOTE, "emails": emails}


def audit_section(child: Child) -> dict[str, Any]:
    """List the audit log's entries about the child, oldest first."""
    entries = [
        {
            "seq": entry.seq,
            "at": entry.at,
            "actor": entry.actor_label,
            "organisation": entry.organisation_label,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "request_id": entry.request_id,
        }
        for entry in AuditEntry.objects.filter(child_ref=child.pk).order_by("seq")
    ]
    return {
        "note": "Every read and change of the child's record that the audit log holds.",
        "entries": entries,
    }


def build_export(child: Child, *, generated_by: str) -> dict[str, Any]:
    """Collect every record Onroll stores about the child.

    Values are Python dates, datetimes and plain types, which `to_json` writes
    as ISO 8601 strings. `generated_by` names who requested the export.
    """
    events = list(
        Event.objects.filter(child=child)
        .select_related("actor", "case_type")
        .order_by("at", "pk")
    )
    placements = (
        Placement.objects.filter(child=child)
        .select_related("authority", "owner", "school")
        .order_by("opened_at", "pk")
    )
    cme_cases = (
        CmeCase.objects.filter(child=child)
        .select_related("authority", "owner", "referred_by", "last_known_school")
        .order_by("opened_at", "pk")
    )
    return {
        "child_id": child.pk,
        "generated_at": timezone.now(),
        "generated_by": generated_by,
        "identity": record_fields(child, exclude=()),
        "addresses": [record_fields(row) for row in child.addresses.order_by("pk")],
        "parents_and_carers": [
            record_fields(row) for row in child.contacts.order_by("pk")
        ],
        "vulnerability_profile": [
            record_fields(row)
            for row in child.vulnerabilities.select_related("recorded_by").order_by(
                "pk"
            )
        ],
        "risk_assessments": [
            record_fields(row)
            for row in child.risk_assessments.select_related("completed_by").order_by(
                "completed_on", "pk"
            )
        ],
        "placements": [record_fields(row) for row in placements],
        "cme_cases": [record_fields(row) for row in cme_cases],
        **_cme_sections(child),
        **_removal_sections(child),
        "timeline": [_timeline_entry(event) for event in events],
        "correspondence": _correspondence(child),
        "audit_log": audit_section(child),
    }


def to_json(export: dict[str, Any]) -> str:
    """Write an export as indented JSON with ISO 8601 dates and times."""
    return json.dumps(export, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def export_filename(child: Child, generated_at: datetime, extension: str) -> str:
    """Name an export file by the child's id and the day it was made."""
    return f"subject-access-child-{child.pk}-{generated_at:%Y-%m-%d}.{extension}"


def display_sections(export: dict[str, Any]) -> list[dict[str, Any]]:
    """Arrange an export's sections for the HTML templates.

    Each section gets its heading, an optional note and a list of records,
    and each record is a dictionary of field name to value.
    """
    sections = []
    for key, heading in SECTIONS:
        value = export[key]
        note = ""
        if key == "correspondence":
            note, records = value["note"], value["emails"]
        elif key == "audit_log":
            note, records = value["note"], value["entries"]
        elif isinstance(value, dict):
            records = [value]
        else:
            records = value
        sections.append(
            {"key": key, "heading": heading, "note": note, "records": records}
        )
    return sections


# Stylesheets copied into a standalone HTML document: GOV.UK Frontend's (from
# frontend/build, made by `make frontend`) and the export's own.
DOCUMENT_STYLESHEETS = ("govuk/govuk-frontend.min.css", "privacy/subject-access.css")


class StylesheetMissing(Exception):
    """A stylesheet the standalone HTML document copies in was not found."""


def render_document(child: Child, export: dict[str, Any]) -> str:
    """Render an export as a standalone HTML document with its styles inline.

    Raises StylesheetMissing when GOV.UK Frontend has not been built.
    """
    styles = []
    for name in DOCUMENT_STYLESHEETS:
        path = finders.find(name)
        if path is None:
            raise StylesheetMissing(
                f"The stylesheet {name} was not found in the static files. Run "
                "`make frontend` to build GOV.UK Frontend, then try again."
            )
        with open(path, encoding="utf-8") as file:
            styles.append(file.read())
    return render_to_string(
        "privacy/subject_access_document.html",
        {
            "child": child,
            "export": export,
            "sections": display_sections(export),
            "stylesheet": "\n".join(styles),
        },
    )


def _cme_sections(child: Child) -> dict[str, list]:
    """Return the rows that belong to the child's CME cases, one list per section."""

    def rows(model, *related: str) -> list:
        queryset = model.objects.filter(case__child=child).select_related(*related)
        # The case is named by id: its name repeats the child's, which the
        # identity section already gives.
        return [
            {**record_fields(row, exclude=("case",)), "cme_case_id": row.case_id}
            for row in queryset.order_by("pk")
        ]

    return {
        "cme_missing_periods": rows(MissingPeriod),
        "cme_enquiries": rows(Enquiry, "kind", "made_by"),
        "cme_safeguarding_referrals": rows(SafeguardingReferral, "referred_by"),
        "cme_interim_provision": rows(InterimProvision),
        "cme_transfers": rows(Transfer, "from_authority", "to_authority"),
        "deferred_places": [
            record_fields(row)
            for row in DeferredPlace.objects.filter(child=child)
            .select_related("school", "recorded_by")
            .order_by("pk")
        ],
    }


def _removal_sections(child: Child) -> dict[str, list]:
    """Return the child's removal notices and the challenges to them."""
    notices = RemovalNotice.objects.filter(child=child).select_related(
        "authority",
        "school",
        "destination_school",
        "destination_authority",
        "notified_by",
        "upload",
    )
    challenges = Challenge.objects.filter(child=child).select_related(
        "authority", "owner", "notice"
    )
    return {
        # The fingerprint only detects a notice sent twice and contains
        # nothing about the child.
        "removal_notices": [
            record_fields(row, exclude=("child", "fingerprint"))
            for row in notices.order_by("deletion_on", "pk")
        ],
        "removal_challenges": [
            record_fields(row) for row in challenges.order_by("opened_at", "pk")
        ],
    }
