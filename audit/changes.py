"""Build the `changes` of an audit entry from model instances.

Values are stored as JSON. Fields that identify a child or their family, and
free text that may do so, are logged by name only: their value becomes
REDACTED. The log cannot be edited, so a value written here would outlive the
child's anonymisation, which UK GDPR Article 17 (right to erasure) and the
retention schedule may require.
"""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

REDACTED = "[personal data]"

# Model label -> fields whose values are never written to the audit log.
PERSONAL_FIELDS: dict[str, frozenset[str]] = {
    "children.child": frozenset(
        {
            "legal_first_name",
            "legal_last_name",
            "preferred_name",
            "former_names",
            "date_of_birth",
            "upn",
            "nhs_number",
        }
    ),
    "children.address": frozenset({"line_1", "line_2", "town", "postcode"}),
    "children.contact": frozenset({"name", "relationship", "phone", "email"}),
    "children.vulnerabilitycharacteristic": frozenset({"detail", "evidence", "source"}),
    "children.riskassessment": frozenset({"answers", "summary"}),
    "placements.placement": frozenset({"reason"}),
    "cme.cmecase": frozenset(
        {
            "reason",
            "last_known_address",
            "history",
            "referrer_name",
            "referrer_email",
            "outcome_destination",
            "outcome_evidence",
        }
    ),
    "cme.enquiry": frozenset({"note"}),
    "cme.safeguardingreferral": frozenset({"concern", "outcome"}),
    "removals.removalnotice": frozenset(
        {
            "first_name",
            "last_name",
            "date_of_birth",
            "upn",
            "address",
            "parents",
            "new_address",
            "siblings",
        }
    ),
    "removals.challenge": frozenset({"reason", "outcome_note"}),
}


def to_json(value: Any) -> Any:
    """Return `value` as it reads back from a JSON column (dates as ISO text)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(instance: models.Model) -> dict[str, Any]:
    """Return every concrete field of `instance` but its primary key, as JSON.

    Foreign keys appear by their column name (`school_id`) with the related
    object's id. Personal fields hold REDACTED instead of their value.
    """
    personal = PERSONAL_FIELDS.get(instance._meta.label_lower, frozenset())
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key:
            continue
        value = getattr(instance, field.attname)
        if field.name in personal and value not in (None, ""):
            value = REDACTED
        values[field.attname] = to_json(value)
    return values


def created(instance: models.Model, *, prefix: str = "") -> dict[str, list]:
    """Return [None, value] for each field of a new instance that has a value."""
    return {
        f"{prefix}{name}": [None, value]
        for name, value in snapshot(instance).items()
        if value not in (None, "", {}, [])
    }


def diff(before: dict[str, Any], instance: models.Model) -> dict[str, list]:
    """Return [old, new] for each field whose value differs from `before`."""
    after = snapshot(instance)
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }
