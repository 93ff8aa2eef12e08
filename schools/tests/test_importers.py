import csv
from datetime import date
from pathlib import Path

import pytest

from schools.importers import (
    GIAS_FORMAT,
    LLR_COLUMNS,
    LLR_FORMAT,
    ImportRejected,
    guess_type_and_phase,
    import_schools,
)
from schools.models import Authority, School
from schools.tests.factories import AuthorityFactory, SchoolFactory

DATA = Path(__file__).resolve().parent.parent / "data"
LLR_CSV = DATA / "gias_llr.csv"
# Six synthetic schools under the full 139-column GIAS header, in Windows-1252.
GIAS_CSV = Path(__file__).resolve().parent / "data" / "edubasealldata_synthetic.csv"

pytestmark = pytest.mark.django_db


def _llr_header() -> list[str]:
    with LLR_CSV.open(newline="") as file:
        return next(csv.reader(file))


def _llr_row(urn: str, name: str, /, **overrides: str) -> dict[str, str]:
    row = dict.fromkeys(_llr_header(), "")
    row.update(
        urn=urn,
        name=name,
        town="Melton Mowbray",
        postcode="LE13 0AA",
        open_date="01-09-2001",
        status_at_extract="Open (no close date at extract)",
        la_code_derived="855",
        la_name_derived="Leicestershire",
        lad_gss_code="E07000133",
        lad_name="Melton",
    )
    row.update(overrides)
    return row


def _write_llr(path: Path, rows: list[dict[str, str] | list[str]]) -> Path:
    header = _llr_header()
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row[c] for c in header] if isinstance(row, dict) else row)
    return path


def _gias_rows() -> tuple[list[str], list[list[str]]]:
    with GIAS_CSV.open(newline="", encoding="cp1252") as file:
        reader = csv.reader(file)
        return next(reader), list(reader)


def _write_gias(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="cp1252") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _errors(path: Path, **kwargs) -> list[tuple[int, str]]:
    with pytest.raises(ImportRejected) as rejected:
        import_schools(path, **kwargs)
    return [(error.line, error.field) for error in rejected.value.errors]


# The Leicester, Leicestershire and Rutland extract


def test_llr_file_imports_every_school():
    result = import_schools(LLR_CSV)

    assert result.file_format == LLR_FORMAT
    assert result.created == 875
    assert result.updated == 0
    assert School.objects.count() == 875


def test_llr_schools_by_authority():
    import_schools(LLR_CSV)

    counts = {
        authority.code: authority.schools.count()
        for authority in Authority.objects.all()
    }
    assert counts == {"855": 577, "856": 248, "857": 50}


def test_llr_creates_authorities_with_gss_codes():
    result = import_schools(LLR_CSV)

    assert result.authorities_created == 3
    assert dict(Authority.objects.values_list("code", "gss_code")) == {
        "855": "E10000018",
        "856": "E06000016",
        "857": "E06000017",
    }
    assert Authority.objects.get(code="857").name == "Rutland"


def test_llr_reuses_existing_authority(authority):
    result = import_schools(LLR_CSV)

    assert result.authorities_created == 2
    assert Authority.objects.count() == 3
    assert authority.schools.count() == 577


def test_llr_fills_blank_gss_code():
    AuthorityFactory(code="857", name="Rutland County Council", gss_code="")

    import_schools(LLR_CSV)

    rutland = Authority.objects.get(code="857")
    assert rutland.gss_code == "E06000017"
    assert rutland.name == "Rutland County Council"


def test_llr_school_fields():
    import_schools(LLR_CSV)

    school = School.objects.get(urn=119902)
    assert school.name == "Ab Kettleby Community Primary School"
    assert school.town == "Melton Mowbray"
    assert school.postcode == "LE14 3JJ"
    assert school.open_date is None
    assert school.close_date == date(2014, 3, 31)
    assert school.status == School.Status.CLOSED
    assert school.laestab == ""
    assert school.authority.code == "855"


def test_llr_open_school_has_open_status():
    import_schools(LLR_CSV)

    school = School.objects.get(urn=140696)
    assert school.open_date == date(2014, 4, 1)
    assert school.close_date is None
    assert school.status == School.Status.OPEN


def test_llr_closed_count_matches_close_dates():
    import_schools(LLR_CSV)

    assert School.objects.filter(status=School.Status.CLOSED).count() == 389
    assert School.objects.filter(close_date__isnull=False).count() == 389


def test_llr_type_and_phase_are_provisional():
    import_schools(LLR_CSV)

    assert not School.objects.filter(type_and_phase_provisional=False).exists()
    nursery = School.objects.get(urn=119901)
    assert (nursery.type, nursery.phase) == ("maintained", "nursery")
    primary = School.objects.get(urn=119902)
    assert (primary.type, primary.phase) == ("maintained", "primary")


def test_llr_successor_link():
    import_schools(LLR_CSV)

    school = School.objects.get(urn=119902)
    assert list(school.successors.values_list("urn", flat=True)) == [140696]
    successor = School.objects.get(urn=140696)
    assert list(successor.predecessors.values_list("urn", flat=True)) == [119902]


def test_llr_several_successors():
    import_schools(LLR_CSV)

    school = School.objects.get(urn=129524)
    assert set(school.successors.values_list("urn", flat=True)) == {120106, 120108}


def test_llr_successor_links_count():
    result = import_schools(LLR_CSV)

    assert result.successor_links_created == 320
    assert School.successors.through.objects.count() == 320


def test_llr_unmatched_successor_recorded():
    result = import_schools(LLR_CSV)

    school = School.objects.get(urn=119978)
    assert school.unmatched_successor_urns == "151128"
    assert not school.successors.exists()
    assert result.schools_with_unmatched_successors == 26


def test_llr_successor_found_in_database(authority):
    SchoolFactory(urn=151128, authority=authority)

    import_schools(LLR_CSV)

    school = School.objects.get(urn=119978)
    assert list(school.successors.values_list("urn", flat=True)) == [151128]
    assert school.unmatched_successor_urns == ""


def test_llr_import_query_count(django_assert_max_num_queries):
    # 875 rows, 3 authorities and 320 links: a query per row would be over 1000.
    with django_assert_max_num_queries(40):
        import_schools(LLR_CSV)


def test_reimport_creates_nothing_twice():
    import_schools(LLR_CSV)

    result = import_schools(LLR_CSV)

    assert result.created == 0
    assert result.updated == 0
    assert result.unchanged == 875
    assert result.authorities_created == 0
    assert result.successor_links_created == 0
    assert School.objects.count() == 875
    assert Authority.objects.count() == 3
    assert School.successors.through.objects.count() == 320


def test_reimport_updates_in_place(tmp_path):
    first = _write_llr(
        tmp_path / "first.csv",
        [
            _llr_row(
                "990101",
                "Old Name Primary School",
                successor_urn_gias_links_2025_04="990102",
            ),
            _llr_row("990102", "Successor Primary School"),
        ],
    )
    second = _write_llr(
        tmp_path / "second.csv",
        [
            _llr_row("990101", "New Name Primary School"),
            _llr_row("990102", "Successor Primary School"),
        ],
    )
    import_schools(first)
    pk = School.objects.get(urn=990101).pk

    result = import_schools(second)

    school = School.objects.get(urn=990101)
    assert school.pk == pk
    assert school.name == "New Name Primary School"
    assert not school.successors.exists()
    assert result.updated == 1
    assert result.unchanged == 1
    assert result.successor_links_removed == 1


def test_reimport_keeps_confirmed_type(authority):
    SchoolFactory(
        urn=119901,
        authority=authority,
        type=School.Type.SPECIAL,
        phase=School.Phase.ALL_THROUGH,
        type_and_phase_provisional=False,
    )

    import_schools(LLR_CSV)

    school = School.objects.get(urn=119901)
    assert school.type == School.Type.SPECIAL
    assert school.phase == School.Phase.ALL_THROUGH
    assert school.type_and_phase_provisional is False
    assert school.name == "Countesthorpe Nursery School"


def test_reimport_replaces_provisional_type(authority):
    SchoolFactory(
        urn=119901,
        authority=authority,
        type=School.Type.SPECIAL,
        type_and_phase_provisional=True,
    )

    import_schools(LLR_CSV)

    school = School.objects.get(urn=119901)
    assert school.type == School.Type.MAINTAINED
    assert school.phase == School.Phase.NURSERY


def test_llr_keeps_contact_details(authority):
    SchoolFactory(
        urn=119903,
        authority=authority,
        email="office@latimer.example.org",
        head_teacher="Mr B Head",
        laestab="8552001",
    )

    import_schools(LLR_CSV)

    school = School.objects.get(urn=119903)
    assert school.email == "office@latimer.example.org"
    assert school.head_teacher == "Mr B Head"
    assert school.laestab == "8552001"


def test_llr_la_codes_filter():
    result = import_schools(LLR_CSV, la_codes={"857"})

    assert result.created == 50
    assert result.skipped == 825
    assert list(Authority.objects.values_list("code", flat=True)) == ["857"]


# Rejections


def test_import_rejects_each_bad_row(tmp_path):
    header_length = len(_llr_header())
    path = _write_llr(
        tmp_path / "bad.csv",
        [
            _llr_row("990101", "Good Primary School"),
            _llr_row(
                "990102",
                "Bad Date Primary School",
                close_date="31-13-2020",
                status_at_extract="Closed",
            ),
            _llr_row("12A456", "Bad Urn Primary School"),
            _llr_row("990104", "Bad Authority School", la_code_derived="999"),
            _llr_row("990105", ""),
            ["990106", "Short Row School"] + [""] * (header_length - 3),
        ],
    )

    assert _errors(path) == [
        (3, "close_date"),
        (4, "urn"),
        (5, "la_code_derived"),
        (6, "name"),
        (7, "row"),
    ]
    assert School.objects.count() == 0
    assert Authority.objects.count() == 0


def test_import_rejects_bad_date(tmp_path):
    path = _write_llr(
        tmp_path / "bad.csv",
        [
            _llr_row(
                "990101",
                "Bad Date School",
                close_date="31-13-2020",
                status_at_extract="Closed",
            )
        ],
    )

    with pytest.raises(ImportRejected) as rejected:
        import_schools(path)

    error = rejected.value.errors[0]
    assert error.value == "31-13-2020"
    assert str(error) == (
        "Line 2, close_date: '31-13-2020' is not a date in DD-MM-YYYY form. "
        "Correct it or leave it blank."
    )


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("urn", "12A456", "'12A456' is not a URN"),
        ("urn", "", "the URN is blank"),
        ("urn", "\u00b2", "'\u00b2' is not a URN"),
        ("urn", "0", "'0' is not a URN"),
        ("open_date", "2001-09-01", "'2001-09-01' is not a date in DD-MM-YYYY form"),
        ("la_code_derived", "999", "'999' is not an LA code of this extract"),
        ("la_name_derived", "Rutland", "'Rutland' does not match LA code 855"),
        ("name", "", "name is blank"),
        ("postcode", "LE13 0AA EXTRA", "at most 10 fit"),
        ("status_at_extract", "Open", "'Open' is not a status of this extract"),
        ("status_at_extract", "Closed", "does not agree with close_date ''"),
        ("successor_urn_gias_links_2025_04", "140696;X1", "'X1' in '140696;X1'"),
        ("successor_urn_gias_links_2025_04", "990101", "own URN 990101"),
    ],
)
def test_import_rejects_value(tmp_path, column, value, expected):
    path = _write_llr(
        tmp_path / "bad.csv", [_llr_row("990101", "Test School", **{column: value})]
    )

    with pytest.raises(ImportRejected) as rejected:
        import_schools(path)

    [error] = rejected.value.errors
    assert error.field == column
    assert expected in error.message


def test_import_rejects_close_before_open(tmp_path):
    row = _llr_row(
        "990101",
        "Test School",
        open_date="01-09-2010",
        close_date="31-08-2009",
        status_at_extract="Closed",
    )
    path = _write_llr(tmp_path / "bad.csv", [row])

    assert _errors(path) == [(2, "close_date")]


def test_import_rejects_duplicate_urn(tmp_path):
    path = _write_llr(
        tmp_path / "bad.csv",
        [_llr_row("990101", "First School"), _llr_row("990101", "Second School")],
    )

    with pytest.raises(ImportRejected) as rejected:
        import_schools(path)

    [error] = rejected.value.errors
    assert (error.line, error.field) == (3, "urn")
    assert "also on line 2" in error.message


def test_rejected_file_changes_nothing(tmp_path):
    import_schools(LLR_CSV)
    path = _write_llr(
        tmp_path / "bad.csv",
        [
            _llr_row("119902", "Renamed School"),
            _llr_row("990102", "New School"),
            _llr_row("990103", "Bad School", open_date="yesterday"),
        ],
    )

    assert _errors(path) == [(4, "open_date")]
    assert School.objects.get(urn=119902).name == "Ab Kettleby Community Primary School"
    assert not School.objects.filter(urn=990102).exists()
    assert School.objects.count() == 875


def test_error_line_counts_quoted_newlines(tmp_path):
    path = _write_llr(
        tmp_path / "bad.csv",
        [
            _llr_row("990101", "Two\nLine School"),
            _llr_row("990102", "Bad School", open_date="yesterday"),
        ],
    )

    # The header is line 1 and the first row takes lines 2 and 3.
    assert _errors(path) == [(4, "open_date")]


def test_import_rejects_unknown_header(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("id,title\n1,Something\n")

    with pytest.raises(ImportRejected) as rejected:
        import_schools(path)

    [error] = rejected.value.errors
    assert (error.line, error.field) == (1, "header")
    assert "neither" in error.message


def test_import_rejects_missing_column(tmp_path):
    path = tmp_path / "short.csv"
    columns = [c for c in LLR_COLUMNS if c != "close_date"]
    path.write_text(",".join(columns) + "\n")

    with pytest.raises(ImportRejected) as rejected:
        import_schools(path)

    [error] = rejected.value.errors
    assert error.value == "close_date"


def test_import_rejects_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    assert _errors(path) == [(1, "header")]


def test_import_accepts_header_only(tmp_path):
    path = _write_llr(tmp_path / "header.csv", [])

    result = import_schools(path)

    assert result.created == 0


def test_import_skips_blank_lines(tmp_path):
    path = _write_llr(tmp_path / "blank.csv", [_llr_row("990101", "Test School")])
    path.write_text(path.read_text() + "\n\n")

    assert import_schools(path).created == 1


# Guessing type and phase from a name


@pytest.mark.parametrize(
    ("name", "school_type", "phase"),
    [
        ("Countesthorpe Nursery School", "maintained", "nursery"),
        ("Ab Kettleby Community Primary School", "maintained", "primary"),
        ("Avenue Infant and Nursery School", "maintained", "primary"),
        ("Westfield Junior School", "maintained", "primary"),
        ("Leicester Grammar Junior School", "maintained", "primary"),
        ("Lutterworth High School", "maintained", "secondary"),
        ("Ibstock Community College", "maintained", "secondary"),
        ("Charnwood College (Upper)", "maintained", "secondary"),
        ("Example Secondary School", "maintained", "secondary"),
        ("Example Middle School", "maintained", "middle"),
        ("Example All-through School", "maintained", "all_through"),
        ("The Robert Smyth Academy", "academy", ""),
        ("Kibworth Mead Primary Academy", "academy", "primary"),
        ("Stephenson Studio School", "academy", ""),
        ("Wigston Birkett House Community Special School", "special", ""),
        ("Rolleston Junior School and Special Unit", "maintained", "primary"),
        (
            "King Edward VII School - Specialist Training School and Technology "
            "College",
            "maintained",
            "secondary",
        ),
        ("Leicester City Primary PRU", "pru", "primary"),
        ("Example Pupil Referral Unit", "pru", ""),
        ("Moel Llys Short Stay School", "pru", ""),
        ("Leicester Preparatory School", "independent", "primary"),
        ("Melton Vale Sixth Form College", "other", "16_plus"),
        ("Beauchamp City Sixth Form", "maintained", "16_plus"),
        ("Loughborough University", "other", ""),
        ("Great Dalby School", "maintained", ""),
    ],
)
def test_guess_type_and_phase(name, school_type, phase):
    assert guess_type_and_phase(name) == (school_type, phase)


def test_llr_marks_special_schools_by_name(tmp_path):
    path = _write_llr(
        tmp_path / "llr.csv",
        [
            _llr_row("990101", "Oak Community Special School"),
            _llr_row("990102", "Elm Special School Academy"),
            _llr_row("990103", "Ash Junior School and Special Unit"),
        ],
    )

    import_schools(path)

    special = dict(School.objects.values_list("urn", "is_special"))
    assert special == {990101: True, 990102: True, 990103: False}
    assert School.objects.get(urn=990102).type == School.Type.ACADEMY


# The full GIAS all establishment data download


def test_gias_file_imports_every_school():
    result = import_schools(GIAS_CSV)

    assert result.file_format == GIAS_FORMAT
    assert result.created == 6
    assert School.objects.count() == 6
    assert not School.objects.filter(type_and_phase_provisional=True).exists()


def test_gias_header_has_139_columns():
    header, rows = _gias_rows()

    assert len(header) == 139
    assert {len(row) for row in rows} == {139}


def test_gias_decodes_windows_1252():
    raw = GIAS_CSV.read_bytes()
    assert b"\x92" in raw  # the curly apostrophe in Windows-1252

    import_schools(GIAS_CSV)

    assert School.objects.get(urn=990001).name == "St Mary\u2019s CofE Primary School"
    academy = School.objects.get(urn=990002)
    assert academy.name == "Ch\u00eanefield Acad\u00e9my"
    assert academy.head_teacher == "Dr Zo\u00eb M\u00fcller"


def test_gias_reads_utf8_copy(tmp_path):
    path = tmp_path / "resaved.csv"
    path.write_bytes(GIAS_CSV.read_bytes().decode("cp1252").encode("utf-8-sig"))

    import_schools(path)

    assert School.objects.get(urn=990001).name == "St Mary\u2019s CofE Primary School"


def test_gias_maintained_school():
    import_schools(GIAS_CSV)

    school = School.objects.get(urn=990001)
    assert school.type == School.Type.MAINTAINED
    assert school.phase == School.Phase.PRIMARY
    assert school.status == School.Status.OPEN
    assert school.laestab == "8552901"
    assert school.open_date == date(1975, 9, 1)
    assert (school.statutory_low_age, school.statutory_high_age) == (4, 11)
    assert school.head_teacher == "Mrs Anne Example"
    assert school.town == "Synthton"
    assert school.postcode == "LE99 1AA"
    assert school.authority.code == "855"


def test_gias_academy():
    import_schools(GIAS_CSV)

    school = School.objects.get(urn=990002)
    assert school.type == School.Type.ACADEMY
    assert school.phase == School.Phase.SECONDARY
    assert school.trust == "Example Learning Trust"


def test_gias_pupil_referral_unit():
    import_schools(GIAS_CSV)

    school = School.objects.get(urn=990003)
    assert school.type == School.Type.PUPIL_REFERRAL_UNIT
    assert school.phase == School.Phase.NOT_APPLICABLE


def test_gias_closed_school():
    import_schools(GIAS_CSV)

    school = School.objects.get(urn=990004)
    assert school.status == School.Status.CLOSED
    assert school.close_date == date(2019, 8, 31)
    assert school.authority.code == "856"
    assert school.head_teacher == ""


def test_gias_special_academy_is_academy():
    import_schools(GIAS_CSV)

    school = School.objects.get(urn=990005)
    assert school.type == School.Type.ACADEMY
    assert school.is_special is True
    assert school.status == School.Status.PROPOSED_TO_CLOSE


def test_gias_marks_only_special_schools_special():
    import_schools(GIAS_CSV)

    special = set(School.objects.filter(is_special=True).values_list("urn", flat=True))
    assert special == {990005}


@pytest.mark.parametrize(
    ("type_code", "group_code", "school_type"),
    [
        ("7", "5", School.Type.SPECIAL),  # Community special school
        ("8", "5", School.Type.SPECIAL),  # Non-maintained special school
        ("33", "10", School.Type.ACADEMY),  # Academy special sponsor led
        ("36", "11", School.Type.ACADEMY),  # Free schools special
    ],
)
def test_gias_special_types(tmp_path, type_code, group_code, school_type):
    header, rows = _gias_rows()
    row = rows[0]
    row[header.index("TypeOfEstablishment (code)")] = type_code
    row[header.index("EstablishmentTypeGroup (code)")] = group_code
    path = _write_gias(tmp_path / "special.csv", header, [row])

    import_schools(path)

    school = School.objects.get()
    assert school.type == school_type
    assert school.is_special is True


def test_gias_proposed_free_school():
    import_schools(GIAS_CSV)

    school = School.objects.get(urn=990006)
    assert school.type == School.Type.ACADEMY
    assert school.status == School.Status.PROPOSED_TO_OPEN
    assert school.laestab == ""
    assert school.open_date is None
    assert school.head_teacher == ""


def test_gias_creates_authorities():
    result = import_schools(GIAS_CSV)

    assert result.authorities_created == 3
    assert dict(Authority.objects.values_list("code", "gss_code")) == {
        "855": "E10000018",
        "856": "E06000016",
        "857": "E06000017",
    }


def test_gias_confirms_provisional_type(authority):
    school = SchoolFactory(
        urn=990003,
        authority=authority,
        type=School.Type.MAINTAINED,
        phase=School.Phase.SECONDARY,
        type_and_phase_provisional=True,
    )

    result = import_schools(GIAS_CSV)

    school.refresh_from_db()
    assert school.type == School.Type.PUPIL_REFERRAL_UNIT
    assert school.phase == School.Phase.NOT_APPLICABLE
    assert school.type_and_phase_provisional is False
    assert result.updated == 1
    assert result.created == 5


def test_gias_leaves_successors_alone(authority):
    successor = SchoolFactory(urn=990099, authority=authority)
    school = SchoolFactory(
        urn=990004, authority=authority, unmatched_successor_urns="123456"
    )
    school.successors.add(successor)

    import_schools(GIAS_CSV)

    school.refresh_from_db()
    assert list(school.successors.all()) == [successor]
    assert school.unmatched_successor_urns == "123456"


def test_gias_keeps_head_teacher_when_blank(authority):
    SchoolFactory(urn=990004, authority=authority, head_teacher="Ms A Head")

    import_schools(GIAS_CSV)

    assert School.objects.get(urn=990004).head_teacher == "Ms A Head"


def test_gias_reimport_creates_nothing_twice():
    import_schools(GIAS_CSV)

    result = import_schools(GIAS_CSV)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 6)
    assert School.objects.count() == 6


def test_gias_la_codes_filter():
    result = import_schools(GIAS_CSV, la_codes={"856"})

    assert result.created == 2
    assert result.skipped == 4
    assert set(School.objects.values_list("urn", flat=True)) == {990004, 990005}


def test_gias_rejects_bad_rows(tmp_path):
    header, rows = _gias_rows()
    column = header.index
    rows[0][column("PhaseOfEducation (code)")] = "9"
    rows[1][column("EstablishmentStatus (name)")] = "Opened"
    rows[2][column("LA (code)")] = "85"
    rows[3][column("EstablishmentNumber")] = "29A1"
    rows[4][column("StatutoryLowAge")] = "12"
    rows[4][column("StatutoryHighAge")] = "11"
    rows[5][column("GSSLACode (name)")] = "Rutland"
    path = _write_gias(tmp_path / "bad.csv", header, rows)

    assert _errors(path) == [
        (2, "PhaseOfEducation (code)"),
        (3, "EstablishmentStatus (name)"),
        (4, "LA (code)"),
        (5, "EstablishmentNumber"),
        (6, "StatutoryLowAge"),
        (7, "GSSLACode (name)"),
    ]
    assert School.objects.count() == 0


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("URN", "", "the URN is blank"),
        ("EstablishmentName", "", "EstablishmentName is blank"),
        ("CloseDate", "31/08/2019", "'31/08/2019' is not a date in DD-MM-YYYY form"),
        ("TypeOfEstablishment (code)", "", "TypeOfEstablishment (code) is blank"),
        ("EstablishmentTypeGroup (code)", "x", "'x' is not a whole number"),
        ("StatutoryHighAge", "eleven", "'eleven' is not a whole number"),
    ],
)
def test_gias_rejects_value(tmp_path, column, value, expected):
    header, rows = _gias_rows()
    rows[3][header.index(column)] = value
    path = _write_gias(tmp_path / "bad.csv", header, rows)

    with pytest.raises(ImportRejected) as rejected:
        import_schools(path)

    [error] = rejected.value.errors
    assert (error.line, error.field) == (5, column)
    assert expected in error.message


def test_gias_rejects_undecodable_byte(tmp_path):
    raw = GIAS_CSV.read_bytes().splitlines(keepends=True)
    raw[3] = raw[3].replace(b"Example Valley", b"Example \x81Valley")
    path = tmp_path / "bad.csv"
    path.write_bytes(b"".join(raw))

    with pytest.raises(ImportRejected) as rejected:
        import_schools(path)

    [error] = rejected.value.errors
    assert (error.line, error.field, error.value) == (4, "file", "0x81")


def test_gias_rejects_missing_column(tmp_path):
    header, rows = _gias_rows()
    index = header.index("PhaseOfEducation (code)")
    for row in [header, *rows]:
        del row[index]
    path = _write_gias(tmp_path / "bad.csv", header, rows)

    with pytest.raises(ImportRejected) as rejected:
        import_schools(path)

    [error] = rejected.value.errors
    assert (error.line, error.field) == (1, "header")
    assert "PhaseOfEducation (code)" in error.message
