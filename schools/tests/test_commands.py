from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from schools.models import Authority, School, Term
from schools.tests.factories import AuthorityFactory

DATA = Path(__file__).resolve().parent.parent / "data"
LLR_CSV = DATA / "gias_llr.csv"
GIAS_CSV = Path(__file__).resolve().parent / "data" / "edubasealldata_synthetic.csv"
TERMS_HEADER = "academic_year,term,first_day,last_day,confidence\n"

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command(*args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def _run_failing(*args: str) -> tuple[str, str]:
    """Run a command expected to fail and return its error and stderr."""
    stderr = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(*args, stdout=StringIO(), stderr=stderr)
    return str(failure.value), stderr.getvalue()


@pytest.fixture
def llr_authorities(db) -> dict[str, Authority]:
    """The three LLR authorities with no terms yet."""
    return {
        "855": AuthorityFactory(code="855", name="Leicestershire"),
        "856": AuthorityFactory(code="856", name="Leicester", gss_code="E06000016"),
        "857": AuthorityFactory(code="857", name="Rutland", gss_code="E06000017"),
    }


# import_schools


def test_import_schools_prints_counts():
    output, errors = _run("import_schools", str(LLR_CSV))

    assert "Imported 875 schools from gias_llr.csv" in output
    assert "875 created, 0 updated, 0 unchanged" in output
    assert "Created 3 authorities" in output
    assert "320 created, 0 removed" in output
    assert "26 schools name successor URNs" in output
    assert "marked provisional" in output
    assert errors == ""
    assert School.objects.count() == 875


def test_import_schools_twice():
    _run("import_schools", str(LLR_CSV))

    output, _ = _run("import_schools", str(LLR_CSV))

    assert "0 created, 0 updated, 875 unchanged" in output
    assert "provisional" not in output
    assert School.objects.count() == 875


def test_import_schools_gias_file():
    output, _ = _run("import_schools", str(GIAS_CSV))

    assert "(GIAS all establishment data): 6 created" in output
    assert "provisional" not in output


def test_import_schools_la_option():
    output, _ = _run("import_schools", str(LLR_CSV), "--la", "856", "--la", "857")

    assert "298 created" in output
    assert "Skipped 577 rows" in output
    assert set(Authority.objects.values_list("code", flat=True)) == {"856", "857"}


def test_import_schools_rejects_bad_la_option():
    message, _ = _run_failing("import_schools", str(LLR_CSV), "--la", "85")

    assert "--la 85 is not an LA code" in message
    assert School.objects.count() == 0


def test_import_schools_lists_every_error(tmp_path):
    lines = LLR_CSV.read_text().splitlines(keepends=True)
    lines[2] = lines[2].replace("31-03-2014", "31-13-2014", 1)
    lines[5] = lines[5].replace("119905", "119X05", 1)
    path = tmp_path / "bad.csv"
    path.write_text("".join(lines))

    message, errors = _run_failing("import_schools", str(path))

    assert errors.splitlines() == [
        "Line 3, close_date: '31-13-2014' is not a date in DD-MM-YYYY form. "
        "Correct it or leave it blank.",
        "Line 6, urn: '119X05' is not a URN. A URN is a whole number such as "
        "119902. Correct it.",
    ]
    assert "rejected with the 2 problem(s) listed above" in message
    assert "nothing was saved" in message
    assert School.objects.count() == 0


def test_import_schools_missing_file(tmp_path):
    message, _ = _run_failing("import_schools", str(tmp_path / "absent.csv"))

    assert (
        message
        == f"File not found: {tmp_path / 'absent.csv'}. Give the path of a CSV file."
    )


# load_calendars


def test_load_calendars_creates_terms(llr_authorities):
    output, _ = _run("load_calendars")

    assert "Leicestershire (855): 24 terms created, 0 updated, 0 unchanged." in output
    assert "Leicester (856): 24 terms created" in output
    assert "Rutland (857): 24 terms created" in output
    assert Term.objects.count() == 72


def test_load_calendars_term_dates(llr_authorities):
    _run("load_calendars")

    term = Term.objects.get(
        authority=llr_authorities["856"], academic_year="2026/27", name="Autumn 1"
    )
    assert term.first_day == date(2026, 9, 1)
    assert term.last_day == date(2026, 10, 16)
    assert term.confidence == Term.Confidence.ESTIMATED
    assert term.school is None


def test_load_calendars_keeps_csv_confidence(llr_authorities):
    _run("load_calendars")

    confidences = Term.objects.filter(authority=llr_authorities["855"]).values_list(
        "academic_year", "confidence"
    )
    assert set(confidences) == {
        ("2024/25", "confirmed"),
        ("2025/26", "reconstructed"),
        ("2026/27", "estimated"),
        ("2027/28", "estimated"),
    }


def test_load_calendars_rutland_estimated(llr_authorities):
    output, _ = _run("load_calendars")

    rutland_terms = Term.objects.filter(authority=llr_authorities["857"])
    assert rutland_terms.count() == 24
    assert set(rutland_terms.values_list("confidence", flat=True)) == {"estimated"}
    assert (
        "Rutland (857): 24 terms created, 0 updated, 0 unchanged. "
        "All were loaded as estimated." in output
    )


def test_load_calendars_twice(llr_authorities):
    _run("load_calendars")

    output, _ = _run("load_calendars")

    assert "Leicestershire (855): 0 terms created, 0 updated, 24 unchanged." in output
    assert "Rutland (857): 0 terms created, 0 updated, 24 unchanged." in output
    assert Term.objects.count() == 72


def test_load_calendars_restores_edited_term(llr_authorities):
    _run("load_calendars")
    Term.objects.filter(
        authority=llr_authorities["855"], academic_year="2025/26", name="Spring 2"
    ).update(last_day=date(2026, 3, 20), confidence="confirmed")

    output, _ = _run("load_calendars")

    term = Term.objects.get(
        authority=llr_authorities["855"], academic_year="2025/26", name="Spring 2"
    )
    assert term.last_day == date(2026, 3, 27)
    assert term.confidence == "reconstructed"
    assert "Leicestershire (855): 0 terms created, 1 updated, 23 unchanged." in output


def test_load_calendars_keeps_other_terms(llr_authorities):
    extra = Term.objects.create(
        authority=llr_authorities["855"],
        academic_year="2028/29",
        name="Autumn 1",
        first_day=date(2028, 9, 5),
        last_day=date(2028, 10, 20),
        confidence="estimated",
    )

    _run("load_calendars")

    assert Term.objects.filter(pk=extra.pk).exists()
    assert Term.objects.filter(authority=llr_authorities["855"]).count() == 25


def test_load_calendars_existing_fixture_terms(authority):
    # The authority fixture already has the same terms, added by the factories.
    output, _ = _run("load_calendars")

    assert "Leicestershire (855): 0 terms created, 0 updated, 24 unchanged." in output
    assert (
        "No authority exists with LA code 856, 857, so those terms were not loaded."
        in output
    )


def test_load_calendars_without_authorities(db):
    message, _ = _run_failing("load_calendars")

    assert "No authority with LA code 855, 856, 857 exists" in message
    assert "Run import_schools first." in message


def test_load_calendars_after_import_schools():
    _run("import_schools", str(LLR_CSV))

    _run("load_calendars")

    assert Term.objects.count() == 72


def test_load_calendars_rejects_bad_file(llr_authorities, tmp_path):
    path = tmp_path / "terms.csv"
    path.write_text(
        TERMS_HEADER
        + "2026/27,Autumn 1,2026-09-01,2026-10-16,estimated\n"
        + "2026/28,Autumn 2,2026-10-26,2026-12-18,estimated\n"
        + "2026/27,Spring 1,2027-02-30,2027-02-12,estimated\n"
        + "2026/27,Spring 2,2027-03-19,2027-02-22,estimated\n"
        + "2026/27,Summer 1,2027-04-05,2027-05-28,guessed\n"
        + "2026/27,Summer 2,2029-06-07,2029-07-16,estimated\n"
        + "2026/27,Autumn 1,2026-09-01,2026-10-16,estimated\n"
    )

    message, errors = _run_failing("load_calendars", "--file", str(path))

    assert errors.splitlines() == [
        "Line 3, academic_year: '2026/28' is not an academic year. Write it as "
        "2025/26.",
        "Line 4, first_day: '2027-02-30' is not a date in YYYY-MM-DD form.",
        "Line 5, last_day: '2027-02-22' is before the first day.",
        "Line 6, confidence: 'guessed' is not a confidence. Expected one of "
        "confirmed, reconstructed, estimated.",
        "Line 7, first_day: '2029-06-07' is outside the academic year 2026/27.",
        "Line 7, last_day: '2029-07-16' is outside the academic year 2026/27.",
        "Line 8, term: 'Autumn 1' of 2026/27 is also on line 2. Remove one of "
        "the two rows.",
    ]
    assert "rejected with the 7 problem(s)" in message
    assert Term.objects.count() == 0


def test_load_calendars_rejects_missing_column(llr_authorities, tmp_path):
    path = tmp_path / "terms.csv"
    path.write_text("academic_year,term,first_day,last_day\n")

    message, errors = _run_failing("load_calendars", "--file", str(path))

    assert "lacks the column(s) confidence" in errors
    assert "rejected with the 1 problem(s)" in message
