"""The subject_access management command."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from privacy.subject_access import SECTIONS

pytestmark = pytest.mark.django_db


def test_command_writes_json_file(tmp_path, child_with_history):
    output = tmp_path / "export.json"

    call_command(
        "subject_access",
        str(child_with_history.pk),
        "--output",
        str(output),
        stderr=StringIO(),
    )

    export = json.loads(output.read_text(encoding="utf-8"))
    assert export["child_id"] == child_with_history.pk
    assert export["generated_by"] == "manage.py subject_access"
    assert export["generated_at"] == "2026-12-04T10:00:00Z"
    assert export["identity"]["upn"] == "B801200005001"
    assert len(export["placements"]) == 1


def test_command_writes_html_file(tmp_path, child_with_history):
    output = tmp_path / "export.html"

    call_command(
        "subject_access",
        str(child_with_history.pk),
        "--format",
        "html",
        "--output",
        str(output),
        stderr=StringIO(),
    )

    html = output.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "@media print" in html
    assert ".govuk-table" in html
    for key, heading in SECTIONS:
        assert f'id="{key}"' in html, key
        assert heading in html, heading
    assert "Flat 2, Station Road" in html


def test_command_prints_json_without_output(child_with_history):
    stdout = StringIO()

    call_command("subject_access", str(child_with_history.pk), stdout=stdout)

    assert json.loads(stdout.getvalue())["child_id"] == child_with_history.pk


def test_command_unknown_child(db):
    with pytest.raises(CommandError, match="Child 999999 was not found"):
        call_command("subject_access", "999999")


def test_command_unwritable_output(tmp_path, child_with_history):
    output = tmp_path / "missing-directory" / "export.json"

    with pytest.raises(CommandError, match="Could not write"):
        call_command(
            "subject_access", str(child_with_history.pk), "--output", str(output)
        )
