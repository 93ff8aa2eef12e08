"""Reading a CSV file of removal notices into rows and problems by line and field.

The file has one notice per line, with the columns in COLUMNS (any order)
and a column for each ground question a row's ground needs, named by the
question's key (removals.grounds.QUESTIONS). Dates are written year-month-day.
Nothing here saves a notice: removals.actions stores the parsed rows for the
user to preview, and saves them only when the user confirms.
"""

import csv
import io
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from removals import actions, checks
from removals.grounds import QUESTIONS, SPECIAL_SCHOOL_QUESTIONS
from schools.models import Authority, School

REQUIRED_COLUMNS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "ground",
    "deletion_on",
    "destination",
    "notifier_name",
    "notifier_role",
)
OPTIONAL_COLUMNS = (
    "upn",
    "address",
    "parent_name",
    "parent_address",
    "parent_phone",
    "parent2_name",
    "parent2_address",
    "parent2_phone",
    "destination_school_urn",
    "destination_school_name",
    "destination_authority_code",
    "destination_authority_name",
    "destination_country",
    "new_address",
    "new_start_on",
    "siblings",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
ANSWER_COLUMNS = tuple(QUESTIONS) + tuple(q.key for q in SPECIAL_SCHOOL_QUESTIONS)
DATE_COLUMNS = ("date_of_birth", "deletion_on", "new_start_on")


def _problem(line: int, field: str, message: str) -> dict:
    return {"line": line, "field": field, "message": message}


def parse(content: bytes, school: School) -> tuple[list[dict], list[dict]]:
    """Return the valid rows (JSON-ready, with their line) and every problem."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return [], [
            _problem(
                0,
                "file",
                f"The file is not UTF-8 text ({error.reason} at byte {error.start}). "
                "Save it as “CSV UTF-8” and upload it again.",
            )
        ]
    reader = csv.DictReader(io.StringIO(text))
    headers = reader.fieldnames or []
    missing = [name for name in REQUIRED_COLUMNS if name not in headers]
    if missing:
        return [], [
            _problem(
                1,
                "header",
                "The first line must name the columns; these are missing: "
                + ", ".join(missing)
                + ".",
            )
        ]
    unknown = [
        name for name in headers if name not in COLUMNS and name not in ANSWER_COLUMNS
    ]
    if unknown:
        return [], [
            _problem(
                1,
                "header",
                "These columns are not known: " + ", ".join(unknown) + ". Remove "
                "them or correct their names.",
            )
        ]
    rows, problems = [], []
    for raw in reader:
        line = reader.line_num
        if None in raw:
            problems.append(
                _problem(line, "row", "The line has more values than the header.")
            )
            continue
        row_problems, fields = _read_row(line, raw, school)
        problems.extend(row_problems)
        if not row_problems:
            rows.append({"line": line, **_to_json(fields)})
    if not rows and not problems:
        problems.append(_problem(2, "row", "The file has no notices after the header."))
    return rows, problems


def _read_row(line: int, raw: dict, school: School) -> tuple[list[dict], dict]:
    """Return a row's problems and its fields as removals.actions.notify takes them.

    Every problem of the row is reported, both those of reading the file's
    text and those the notice's own validation finds.
    """
    values = {key: (value or "").strip() for key, value in raw.items()}
    fields: dict[str, Any] = {
        name: values.get(name, "")
        for name in COLUMNS
        if name not in DATE_COLUMNS and not name.startswith(("parent", "destination_"))
    }
    fields["ground"] = values["ground"].upper()
    fields["answers"] = {key: values[key] for key in ANSWER_COLUMNS if values.get(key)}
    fields["parents"] = [
        {
            "name": values.get(f"{prefix}_name", ""),
            "address": values.get(f"{prefix}_address", ""),
            "phone": values.get(f"{prefix}_phone", ""),
        }
        for prefix in ("parent", "parent2")
        if values.get(f"{prefix}_name")
    ]
    problems = _read_dates(line, values, fields)
    problems += _read_destination(line, values, fields)

    try:
        actions.validate_notice(school, fields)
    except ValidationError as error:
        reported = {problem["field"] for problem in problems}
        for field, messages in error.message_dict.items():
            column = field.removeprefix(checks.ANSWER_PREFIX)
            if column in reported:
                continue
            for message in messages:
                problems.append(_problem(line, column, message))
    return problems, fields


def _read_dates(line: int, values: dict, fields: dict) -> list[dict]:
    problems = []
    for name in DATE_COLUMNS:
        fields[name] = None
        if not values.get(name):
            continue
        try:
            fields[name] = date.fromisoformat(values[name])
        except ValueError:
            problems.append(
                _problem(
                    line,
                    name,
                    f"“{values[name]}” is not a date. Write it as year-month-day, "
                    "for example 2026-11-30.",
                )
            )
    return problems


def _read_destination(line: int, values: dict, fields: dict) -> list[dict]:
    """Find the destination school by URN and the authority by LA code."""
    problems = []
    fields["destination_school_name"] = values.get("destination_school_name", "")
    fields["destination_authority_name"] = values.get("destination_authority_name", "")
    fields["destination_country"] = values.get("destination_country", "")
    fields["destination_school"] = None
    fields["destination_authority"] = None

    urn = values.get("destination_school_urn", "")
    if urn:
        fields["destination_school"] = School.objects.filter(
            urn=int(urn) if urn.isdigit() else -1
        ).first()
        if fields["destination_school"] is None:
            problems.append(
                _problem(
                    line,
                    "destination_school_urn",
                    f"No school in Onroll has URN “{urn}”. Check the URN, or leave "
                    "it blank and give the school's name.",
                )
            )

    code = values.get("destination_authority_code", "")
    if code:
        fields["destination_authority"] = Authority.objects.filter(code=code).first()
        if (
            fields["destination_authority"] is None
            and not fields["destination_authority_name"]
        ):
            fields["destination_authority_name"] = f"Local authority {code}"
    return problems


def _to_json(fields: dict) -> dict:
    result = {}
    for name, value in fields.items():
        if isinstance(value, date):
            result[name] = value.isoformat()
        elif isinstance(value, School | Authority):
            result[name] = value.pk
        else:
            result[name] = value
    return result


def from_json(row: dict) -> dict:
    """Return a stored row as the keyword arguments of removals.actions.notify."""
    fields = {name: value for name, value in row.items() if name != "line"}
    for name in DATE_COLUMNS:
        if fields.get(name):
            fields[name] = date.fromisoformat(fields[name])
    if fields.get("destination_school"):
        fields["destination_school"] = School.objects.get(
            pk=fields["destination_school"]
        )
    if fields.get("destination_authority"):
        fields["destination_authority"] = Authority.objects.get(
            pk=fields["destination_authority"]
        )
    return fields
