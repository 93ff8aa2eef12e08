"""Import schools from Get Information About Schools (GIAS) CSV files.

Two formats are read, and the header row shows which one a file is:

* the Leicester, Leicestershire and Rutland extract shipped as
  schools/data/gias_llr.csv (lower-case columns, no type, phase or ages,
  successor links joined in), described in schools/data/README.md;
* the full GIAS "all establishment data" download, edubasealldataYYYYMMDD.csv
  (Windows-1252, about 139 columns with headers such as "LA (code)").

An import is all-or-nothing. Every row is validated before anything is
written, and any problem rejects the whole file with `ImportRejected`, which
lists each problem by line and column. Schools are keyed on URN, so importing
the same file again updates rows in place and creates nothing twice.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from django.db import transaction

from schools.models import Authority, School

LLR_FORMAT = "llr"
GIAS_FORMAT = "gias"
FORMAT_NAMES = {
    LLR_FORMAT: "Leicester, Leicestershire and Rutland extract",
    GIAS_FORMAT: "GIAS all establishment data",
}

LLR_COLUMNS = (
    "urn",
    "name",
    "town",
    "postcode",
    "open_date",
    "close_date",
    "status_at_extract",
    "la_code_derived",
    "la_name_derived",
    "successor_urn_gias_links_2025_04",
)
# The GIAS columns this importer reads. A download carries many more, and the
# set changes between releases, so only these are required.
GIAS_COLUMNS = (
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (code)",
    "EstablishmentTypeGroup (code)",
    "EstablishmentStatus (name)",
    "OpenDate",
    "CloseDate",
    "PhaseOfEducation (code)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "Trusts (name)",
    "Town",
    "Postcode",
    "GSSLACode (name)",
    "HeadFirstName",
    "HeadLastName",
)
# Read when present: older downloads may lack it.
GIAS_HEAD_TITLE = "HeadTitle (name)"

# The three authorities the LLR extract covers: DfE LA code to name and the
# GSS code of the county or unitary authority.
LLR_AUTHORITIES = {
    "855": ("Leicestershire", "E10000018"),
    "856": ("Leicester", "E06000016"),
    "857": ("Rutland", "E06000017"),
}
LLR_CLOSED = "Closed"
LLR_OPEN = "Open (no close date at extract)"

# GIAS establishment type groups ("EstablishmentTypeGroup (code)").
GIAS_GROUP_INDEPENDENT = 3
GIAS_GROUP_LA_MAINTAINED = 4
GIAS_GROUP_SPECIAL = 5
GIAS_GROUP_ACADEMIES = 10
GIAS_GROUP_FREE_SCHOOLS = 11
GIAS_TYPE_PUPIL_REFERRAL_UNIT = 14
# Special academies and special free schools sit in the academy groups and
# are imported as academies, because the model has one type per school.
# School.is_special records that they are special schools.
GIAS_TYPES_SPECIAL_ACADEMY = frozenset(
    {
        33,  # Academy special sponsor led
        36,  # Free schools special
        44,  # Academy special converter
    }
)
GIAS_TYPES_BY_GROUP = {
    GIAS_GROUP_INDEPENDENT: School.Type.INDEPENDENT,
    GIAS_GROUP_LA_MAINTAINED: School.Type.MAINTAINED,
    GIAS_GROUP_SPECIAL: School.Type.SPECIAL,
    GIAS_GROUP_ACADEMIES: School.Type.ACADEMY,
    GIAS_GROUP_FREE_SCHOOLS: School.Type.ACADEMY,
}
# "PhaseOfEducation (code)": 3 is middle deemed primary, 5 middle deemed
# secondary.
GIAS_PHASES = {
    0: School.Phase.NOT_APPLICABLE,
    1: School.Phase.NURSERY,
    2: School.Phase.PRIMARY,
    3: School.Phase.MIDDLE,
    4: School.Phase.SECONDARY,
    5: School.Phase.MIDDLE,
    6: School.Phase.SIXTEEN_PLUS,
    7: School.Phase.ALL_THROUGH,
}
GIAS_STATUSES = {
    "Open": School.Status.OPEN,
    "Closed": School.Status.CLOSED,
    "Open, but proposed to close": School.Status.PROPOSED_TO_CLOSE,
    "Proposed to open": School.Status.PROPOSED_TO_OPEN,
}
GIAS_NOT_APPLICABLE = "Not applicable"

# Name patterns for the LLR extract, which has no type or phase. Each list is
# tried in order and the first match wins. Academies come first because GIAS
# files special and alternative-provision academies under the academy groups
# too, and the full import maps those to academy. "Special School" is matched
# in place of "Special" alone so that "Specialist ... College" and "Junior
# School and Special Unit" (a unit inside a mainstream school) stay mainstream.
# A name matching nothing is taken as a maintained school.
SPECIAL_SCHOOL_NAME = re.compile(r"\bSpecial School\b", re.IGNORECASE)
TYPE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"\bAcadem(y|ies)\b|\bStudio (School|College)\b"
            r"|\bUniversity Technical College\b|\bUTC\b",
            re.IGNORECASE,
        ),
        School.Type.ACADEMY,
    ),
    (
        re.compile(r"\bPupil Referral\b|\bPRU\b|\bShort Stay School\b", re.IGNORECASE),
        School.Type.PUPIL_REFERRAL_UNIT,
    ),
    (SPECIAL_SCHOOL_NAME, School.Type.SPECIAL),
    # In England "preparatory" in a name almost always means an independent
    # school.
    (
        re.compile(r"\bPre-Preparatory\b|\bPreparatory\b|\bPrep\b", re.IGNORECASE),
        School.Type.INDEPENDENT,
    ),
    # GIAS puts universities and sixth form colleges in the Universities and
    # Colleges type groups, which the full import maps to other.
    (
        re.compile(r"\bUniversity\b|\bSixth Form College\b", re.IGNORECASE),
        School.Type.OTHER,
    ),
)
# Primary comes before nursery so that "Infant and Nursery School" is primary,
# and before secondary so that "Grammar Junior School" is primary. A name
# matching nothing gets a blank phase rather than a guess.
PHASE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bAll[- ]Through\b", re.IGNORECASE), School.Phase.ALL_THROUGH),
    (
        re.compile(r"\bSixth Form College\b|\bSixth Form$", re.IGNORECASE),
        School.Phase.SIXTEEN_PLUS,
    ),
    (
        re.compile(
            r"\bPrimary\b|\bInfants?\b|\bJuniors?\b|\bFirst School\b"
            r"|\bPre-Preparatory\b|\bPreparatory\b|\bPrep\b",
            re.IGNORECASE,
        ),
        School.Phase.PRIMARY,
    ),
    (re.compile(r"\bNursery\b", re.IGNORECASE), School.Phase.NURSERY),
    (re.compile(r"\bMiddle School\b", re.IGNORECASE), School.Phase.MIDDLE),
    (
        re.compile(
            r"\bSecondary\b|\bHigh School\b|\bCollege\b|\bUpper\b|\bGrammar School\b",
            re.IGNORECASE,
        ),
        School.Phase.SECONDARY,
    ),
)

_DATE_FORM = re.compile(r"([0-9]{2})-([0-9]{2})-([0-9]{4})")
# ASCII digits only: str.isdigit() also accepts characters such as "²" that
# int() rejects.
_DIGITS = re.compile(r"[0-9]+")
_GSS_CODE = re.compile(r"[EWSN][0-9]{8}")
_MAX_URN = 2_147_483_647  # the largest PositiveIntegerField value on every backend
# Rows per query: SQLite before 3.32 allows 999 parameters in one statement.
_CHUNK_SIZE = 900
_MAX_UNMATCHED_LENGTH = School._meta.get_field("unmatched_successor_urns").max_length

_T = TypeVar("_T")


@dataclass(frozen=True)
class RowError:
    """One problem found in an import file."""

    line: int
    field: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}, {self.field}: {self.message}"


class ImportRejected(Exception):
    """The file had at least one invalid row, so nothing was saved."""

    def __init__(self, path: Path, errors: list[RowError]) -> None:
        self.path = path
        self.errors = errors
        super().__init__(
            f"{path} was rejected with {len(errors)} problem(s) and nothing was "
            f"saved. The first: {errors[0]}"
        )


@dataclass
class ImportResult:
    """Counts of what an import changed."""

    file_format: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows left out because their LA code was not among those requested.
    skipped: int = 0
    authorities_created: int = 0
    successor_links_created: int = 0
    successor_links_removed: int = 0
    # Schools naming at least one successor URN that is not in the database.
    schools_with_unmatched_successors: int = 0


@dataclass
class _SchoolRecord:
    """A validated row: the School field values it sets and its authority."""

    line: int
    urn: int
    la_code: str
    la_name: str
    gss_code: str
    values: dict[str, Any]
    # Guesses set only on new schools and on schools whose type and phase are
    # still provisional, so that re-importing the LLR extract never undoes a
    # correction made by an administrator or a full GIAS import.
    guessed_values: dict[str, Any] = field(default_factory=dict)
    # None when the format carries no successor links, so links stay as they are.
    successor_urns: tuple[int, ...] | None = None


class _RowReader:
    """Reads and validates the values of one CSV row, collecting problems."""

    def __init__(self, line: int, row: dict[str, str], errors: list[RowError]):
        self.line = line
        self.row = row
        self.errors = errors

    def error(self, column: str, value: str, message: str) -> None:
        self.errors.append(RowError(self.line, column, value, message))

    def raw(self, column: str) -> str:
        return self.row.get(column, "").strip()

    def text(
        self, column: str, max_length: int, *, required: bool = False
    ) -> str | None:
        value = self.raw(column)
        if required and not value:
            self.error(column, value, f"{column} is blank. Enter a value.")
            return None
        if len(value) > max_length:
            self.error(
                column,
                value,
                f"'{value}' has {len(value)} characters but at most {max_length} "
                "fit. Shorten it.",
            )
            return None
        return value

    def urn(self, column: str) -> int | None:
        value = self.raw(column)
        if not value:
            self.error(column, value, "the URN is blank. Every school needs its URN.")
            return None
        number = _parse_urn(value)
        if number is None:
            self.error(
                column,
                value,
                f"'{value}' is not a URN. A URN is a whole number such as 119902. "
                "Correct it.",
            )
        return number

    def date(self, column: str) -> date | None:
        value = self.raw(column)
        if not value:
            return None
        match = _DATE_FORM.fullmatch(value)
        try:
            if match is None:
                raise ValueError(value)
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        except ValueError:
            self.error(
                column,
                value,
                f"'{value}' is not a date in DD-MM-YYYY form. Correct it or leave "
                "it blank.",
            )
            return None

    def integer(
        self, column: str, *, required: bool = False, maximum: int = 32767
    ) -> int | None:
        value = self.raw(column)
        if not value:
            if required:
                self.error(column, value, f"{column} is blank. Enter a whole number.")
            return None
        if not _DIGITS.fullmatch(value) or int(value) > maximum:
            fix = "Correct it." if required else "Correct it or leave it blank."
            self.error(
                column,
                value,
                f"'{value}' is not a whole number from 0 to {maximum}. {fix}",
            )
            return None
        return int(value)


def import_schools(
    path: Path | str, *, la_codes: Collection[str] | None = None
) -> ImportResult:
    """Import every school in the file, or nothing if any row is invalid.

    `la_codes` limits the import to rows of those authorities (DfE LA codes),
    for the full GIAS download, which also lists Welsh establishments and
    others outside any English authority. Raise `ImportRejected` listing every
    problem, and OSError if the file cannot be read.
    """
    path = Path(path)
    errors: list[RowError] = []
    file_format, rows = _read_rows(path.read_bytes(), errors)
    if not file_format:
        raise ImportRejected(path, errors)

    parse_row = _parse_llr_row if file_format == LLR_FORMAT else _parse_gias_row
    la_column = "la_code_derived" if file_format == LLR_FORMAT else "LA (code)"
    result = ImportResult(file_format)
    records: list[_SchoolRecord] = []
    first_line_by_urn: dict[int, int] = {}
    for line, row in rows:
        if la_codes is not None and row.get(la_column, "").strip() not in la_codes:
            result.skipped += 1
            continue
        record = parse_row(_RowReader(line, row, errors))
        if record is None:
            continue
        if record.urn in first_line_by_urn:
            errors.append(
                RowError(
                    line,
                    "urn" if file_format == LLR_FORMAT else "URN",
                    str(record.urn),
                    f"URN {record.urn} is also on line "
                    f"{first_line_by_urn[record.urn]}. Remove one of the two rows.",
                )
            )
            continue
        first_line_by_urn[record.urn] = line
        records.append(record)
    if errors:
        # Rows with the wrong number of values were reported while reading.
        errors.sort(key=lambda error: error.line)
        raise ImportRejected(path, errors)

    with transaction.atomic():
        authorities = _ensure_authorities(records, result)
        _fill_unmatched_successors(records)
        _save_schools(records, authorities, result)
        _link_successors(records, result)
    return result


def guess_type_and_phase(name: str) -> tuple[str, str]:
    """Return a provisional (type, phase) for a school from its name alone.

    The rules are in TYPE_PATTERNS and PHASE_PATTERNS. The phase is blank when
    the name gives no hint.
    """
    school_type = _first_match(TYPE_PATTERNS, name, School.Type.MAINTAINED)
    phase = _first_match(PHASE_PATTERNS, name, "")
    return school_type, phase


def _first_match(
    patterns: tuple[tuple[re.Pattern[str], str], ...], name: str, default: str
) -> str:
    for pattern, value in patterns:
        if pattern.search(name):
            return value
    return default


def _parse_urn(value: str) -> int | None:
    if not _DIGITS.fullmatch(value) or not 0 < int(value) <= _MAX_URN:
        return None
    return int(value)


# Reading the file


def _read_rows(
    content: bytes, errors: list[RowError]
) -> tuple[str, list[tuple[int, dict[str, str]]]]:
    """Decode the file, detect its format and return it with the rows by line.

    Problems with the file as a whole (encoding, header, broken quoting) and
    rows with the wrong number of values are added to `errors`. The format is
    "" when the header cannot be read as either format.
    """
    text = _decode(content, errors)
    if text is None:
        return "", []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        errors.append(RowError(1, "header", "", "the file is empty."))
        return "", []
    except csv.Error as error:
        errors.append(RowError(1, "header", "", f"the header cannot be read: {error}"))
        return "", []

    file_format = _detect_format(header, errors)
    if file_format is None:
        return "", []

    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                errors.append(
                    RowError(
                        line,
                        "row",
                        str(len(values)),
                        f"the row has {len(values)} values but the header names "
                        f"{len(header)} columns. Check for a missing or extra comma, "
                        "and quote any value that contains a comma.",
                    )
                )
                continue
            rows.append((line, dict(zip(header, values, strict=True))))
    except csv.Error as error:
        errors.append(
            RowError(
                reader.line_num,
                "row",
                "",
                f"the file cannot be read from this line on: {error}. Check the "
                "quotation marks.",
            )
        )
    return file_format, rows


def _decode(content: bytes, errors: list[RowError]) -> str | None:
    """Decode the file as UTF-8 if it is valid UTF-8, else as Windows-1252.

    GIAS publishes Windows-1252. A file saved again by a spreadsheet program
    may be UTF-8, with or without a byte order mark. Text in Windows-1252 with
    any byte above 0x7F is almost never valid UTF-8, so trying UTF-8 first does
    not misread a GIAS download.
    """
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        byte = content[error.start : error.start + 1]
        errors.append(
            RowError(
                line,
                "file",
                f"0x{byte.hex()}",
                f"byte 0x{byte.hex()} is neither UTF-8 nor Windows-1252 text. Save "
                "the file again as CSV in UTF-8 or Windows-1252.",
            )
        )
        return None


def _detect_format(header: list[str], errors: list[RowError]) -> str | None:
    columns = set(header)
    if "URN" in columns and "EstablishmentName" in columns:
        file_format, required = GIAS_FORMAT, GIAS_COLUMNS
    elif "urn" in columns and "la_code_derived" in columns:
        file_format, required = LLR_FORMAT, LLR_COLUMNS
    else:
        errors.append(
            RowError(
                1,
                "header",
                ",".join(header[:5]),
                "the header is neither that of the Leicester, Leicestershire and "
                "Rutland extract (urn,name,...,la_code_derived,...) nor that of a "
                "GIAS all establishment data download (URN,LA (code),...). Check "
                "that this is the right file.",
            )
        )
        return None
    missing = [column for column in required if column not in columns]
    if missing:
        errors.append(
            RowError(
                1,
                "header",
                ", ".join(missing),
                f"the header of this {FORMAT_NAMES[file_format]} file lacks the "
                f"column(s) {', '.join(missing)}. Use an unedited download.",
            )
        )
        return None
    duplicates = sorted({column for column in header if header.count(column) > 1})
    if duplicates:
        errors.append(
            RowError(
                1,
                "header",
                ", ".join(duplicates),
                f"the column(s) {', '.join(duplicates)} appear more than once. "
                "Remove the copies.",
            )
        )
        return None
    return file_format


# Validating rows


def _parse_llr_row(reader: _RowReader) -> _SchoolRecord | None:
    errors_before = len(reader.errors)
    urn = reader.urn("urn")
    name = reader.text("name", 200, required=True)
    town = reader.text("town", 100)
    postcode = reader.text("postcode", 10)
    open_date = reader.date("open_date")
    close_date = reader.date("close_date")
    _check_date_order(reader, "close_date", open_date, close_date)
    _check_llr_status(reader, close_date)
    la_code = _llr_la_code(reader)
    successor_urns = _successor_urns(reader, "successor_urn_gias_links_2025_04", urn)
    if len(reader.errors) > errors_before:
        return None

    la_name, gss_code = LLR_AUTHORITIES[la_code]
    school_type, phase = guess_type_and_phase(name)
    return _SchoolRecord(
        line=reader.line,
        urn=urn,
        la_code=la_code,
        la_name=la_name,
        gss_code=gss_code,
        values={
            "name": name,
            "town": town,
            "postcode": postcode,
            "open_date": open_date,
            "close_date": close_date,
            # The extract's own status column records only whether a close
            # date was set when the extract was taken.
            "status": School.Status.CLOSED if close_date else School.Status.OPEN,
        },
        guessed_values={
            "type": school_type,
            "phase": phase,
            # True also for a special school whose name marks it as an academy.
            "is_special": SPECIAL_SCHOOL_NAME.search(name) is not None,
            "type_and_phase_provisional": True,
        },
        successor_urns=successor_urns,
    )


def _check_llr_status(reader: _RowReader, close_date: date | None) -> None:
    status = reader.raw("status_at_extract")
    if status not in (LLR_CLOSED, LLR_OPEN):
        reader.error(
            "status_at_extract",
            status,
            f"'{status}' is not a status of this extract. Expected '{LLR_CLOSED}' "
            f"or '{LLR_OPEN}'.",
        )
    elif (status == LLR_CLOSED) != (reader.raw("close_date") != ""):
        reader.error(
            "status_at_extract",
            status,
            f"'{status}' does not agree with close_date "
            f"'{reader.raw('close_date')}': a school is closed exactly when it has "
            "a close date. Correct the status or the close date.",
        )


def _llr_la_code(reader: _RowReader) -> str | None:
    code = reader.raw("la_code_derived")
    if code not in LLR_AUTHORITIES:
        expected = ", ".join(
            f"{known} ({name})" for known, (name, _) in LLR_AUTHORITIES.items()
        )
        reader.error(
            "la_code_derived",
            code,
            f"'{code}' is not an LA code of this extract. Expected one of "
            f"{expected}. Correct it.",
        )
        return None
    name = reader.raw("la_name_derived")
    if name != LLR_AUTHORITIES[code][0]:
        reader.error(
            "la_name_derived",
            name,
            f"'{name}' does not match LA code {code}, which is "
            f"{LLR_AUTHORITIES[code][0]}. Correct the code or the name.",
        )
        return None
    return code


def _successor_urns(
    reader: _RowReader, column: str, own_urn: int | None
) -> tuple[int, ...] | None:
    value = reader.raw(column)
    if len(value) > _MAX_UNMATCHED_LENGTH:
        reader.error(
            column,
            value,
            f"the list has {len(value)} characters but at most "
            f"{_MAX_UNMATCHED_LENGTH} can be stored. Shorten it.",
        )
        return None
    urns: list[int] = []
    for part in value.split(";"):
        part = part.strip()
        if not part:
            continue
        urn = _parse_urn(part)
        if urn is None:
            reader.error(
                column,
                value,
                f"'{part}' in '{value}' is not a URN. List successor URNs "
                "separated by ';'.",
            )
        elif urn == own_urn:
            reader.error(
                column,
                value,
                f"the school's own URN {urn} is listed as its successor. Remove it.",
            )
        elif urn not in urns:
            urns.append(urn)
    return tuple(urns)


def _parse_gias_row(reader: _RowReader) -> _SchoolRecord | None:
    errors_before = len(reader.errors)
    urn = reader.urn("URN")
    la_code = reader.raw("LA (code)")
    if not re.fullmatch(r"[0-9]{3}", la_code):
        reader.error(
            "LA (code)",
            la_code,
            f"'{la_code}' is not an LA code. A DfE LA code has three digits, such "
            "as 855. Correct it.",
        )
    la_name = reader.text("LA (name)", 100, required=True)
    laestab = _gias_laestab(reader, la_code)
    name = reader.text("EstablishmentName", 200, required=True)
    school_type, is_special = _gias_type(reader)
    phase = _gias_phase(reader)
    status = _gias_status(reader)
    open_date = reader.date("OpenDate")
    close_date = reader.date("CloseDate")
    _check_date_order(reader, "CloseDate", open_date, close_date)
    low_age = reader.integer("StatutoryLowAge", maximum=99)
    high_age = reader.integer("StatutoryHighAge", maximum=99)
    if low_age is not None and high_age is not None and low_age > high_age:
        reader.error(
            "StatutoryLowAge",
            str(low_age),
            f"'{low_age}' is above the statutory high age {high_age}. Correct one "
            "of them.",
        )
    trust = reader.text("Trusts (name)", 200)
    town = reader.text("Town", 100)
    postcode = reader.text("Postcode", 10)
    head_teacher = _gias_head_teacher(reader)
    gss_code = _gias_gss_code(reader)
    if len(reader.errors) > errors_before:
        return None

    values: dict[str, Any] = {
        "laestab": laestab,
        "name": name,
        "type": school_type,
        "is_special": is_special,
        "phase": phase,
        "type_and_phase_provisional": False,
        "statutory_low_age": low_age,
        "statutory_high_age": high_age,
        "status": status,
        "open_date": open_date,
        "close_date": close_date,
        "town": town,
        "postcode": postcode,
        "trust": trust,
    }
    # A blank head in GIAS leaves a name entered in Onroll in place.
    if head_teacher:
        values["head_teacher"] = head_teacher
    return _SchoolRecord(
        line=reader.line,
        urn=urn,
        la_code=la_code,
        la_name=la_name,
        gss_code=gss_code,
        values=values,
    )


def _gias_laestab(reader: _RowReader, la_code: str) -> str:
    number = reader.raw("EstablishmentNumber")
    if not number:
        return ""
    if not _DIGITS.fullmatch(number) or len(number) > 4:
        reader.error(
            "EstablishmentNumber",
            number,
            f"'{number}' is not an establishment number. It has up to four "
            "digits, such as 2001. Correct it or leave it blank.",
        )
        return ""
    return f"{la_code}{number.zfill(4)}"


def _gias_type(reader: _RowReader) -> tuple[str | None, bool]:
    """Return the school's type and whether it is a special school of any type."""
    type_code = reader.integer("TypeOfEstablishment (code)", required=True)
    group_code = reader.integer("EstablishmentTypeGroup (code)", required=True)
    if type_code is None or group_code is None:
        return None, False
    is_special = (
        group_code == GIAS_GROUP_SPECIAL or type_code in GIAS_TYPES_SPECIAL_ACADEMY
    )
    if (
        group_code == GIAS_GROUP_LA_MAINTAINED
        and type_code == GIAS_TYPE_PUPIL_REFERRAL_UNIT
    ):
        return School.Type.PUPIL_REFERRAL_UNIT, is_special
    return GIAS_TYPES_BY_GROUP.get(group_code, School.Type.OTHER), is_special


def _gias_phase(reader: _RowReader) -> str | None:
    code = reader.integer("PhaseOfEducation (code)", required=True)
    if code is None:
        return None
    if code not in GIAS_PHASES:
        reader.error(
            "PhaseOfEducation (code)",
            str(code),
            f"'{code}' is not a GIAS phase of education code. Expected a whole "
            "number from 0 to 7.",
        )
        return None
    return GIAS_PHASES[code]


def _gias_status(reader: _RowReader) -> str | None:
    value = reader.raw("EstablishmentStatus (name)")
    if value not in GIAS_STATUSES:
        expected = ", ".join(f"'{status}'" for status in GIAS_STATUSES)
        reader.error(
            "EstablishmentStatus (name)",
            value,
            f"'{value}' is not a GIAS establishment status. Expected one of "
            f"{expected}.",
        )
        return None
    return GIAS_STATUSES[value]


def _gias_head_teacher(reader: _RowReader) -> str:
    title = reader.raw(GIAS_HEAD_TITLE)
    parts = [
        "" if title == GIAS_NOT_APPLICABLE else title,
        reader.raw("HeadFirstName"),
        reader.raw("HeadLastName"),
    ]
    if not parts[1] and not parts[2]:
        return ""
    name = " ".join(part for part in parts if part)
    max_length = School._meta.get_field("head_teacher").max_length
    if len(name) > max_length:
        reader.error(
            "HeadLastName",
            name,
            f"the head's name '{name}' has {len(name)} characters but at most "
            f"{max_length} fit. Shorten it.",
        )
        return ""
    return name


def _gias_gss_code(reader: _RowReader) -> str:
    value = reader.raw("GSSLACode (name)")
    if value in ("", GIAS_NOT_APPLICABLE):
        return ""
    if not _GSS_CODE.fullmatch(value):
        reader.error(
            "GSSLACode (name)",
            value,
            f"'{value}' is not a GSS code. A GSS code is a letter and eight "
            "digits, such as E10000018. Correct it or leave it blank.",
        )
        return ""
    return value


def _check_date_order(
    reader: _RowReader, column: str, open_date: date | None, close_date: date | None
) -> None:
    if open_date and close_date and close_date < open_date:
        reader.error(
            column,
            reader.raw(column),
            f"'{reader.raw(column)}' is before the open date "
            f"{open_date:%d-%m-%Y}. Correct one of them.",
        )


# Saving


def _chunks(items: Iterable[_T], size: int = _CHUNK_SIZE) -> Iterator[list[_T]]:
    chunk: list[_T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _in_chunks(
    query: Callable[[list[_T]], Iterable[Any]], items: Iterable[_T]
) -> Iterator[Any]:
    for chunk in _chunks(items):
        yield from query(chunk)


def _ensure_authorities(
    records: list[_SchoolRecord], result: ImportResult
) -> dict[str, Authority]:
    """Return the authorities the records name by LA code, creating missing ones.

    An existing authority keeps its name. Its GSS code is filled in only when
    blank.
    """
    first_record_by_code: dict[str, _SchoolRecord] = {}
    for record in records:
        first_record_by_code.setdefault(record.la_code, record)
    authorities = {
        authority.code: authority
        for authority in Authority.objects.filter(code__in=first_record_by_code)
    }
    for code, record in first_record_by_code.items():
        authority = authorities.get(code)
        if authority is None:
            authorities[code] = Authority.objects.create(
                code=code, name=record.la_name, gss_code=record.gss_code
            )
            result.authorities_created += 1
        elif not authority.gss_code and record.gss_code:
            authority.gss_code = record.gss_code
            authority.save(update_fields=["gss_code"])
    return authorities


def _fill_unmatched_successors(records: list[_SchoolRecord]) -> None:
    """Record on each school the successor URNs found in neither the file nor
    the database, so an administrator can see which links are missing."""
    successor_urns = {urn for record in records for urn in record.successor_urns or ()}
    known = {record.urn for record in records}
    known.update(
        _in_chunks(
            lambda chunk: School.objects.filter(urn__in=chunk).values_list(
                "urn", flat=True
            ),
            successor_urns - known,
        )
    )
    for record in records:
        if record.successor_urns is not None:
            unmatched = [urn for urn in record.successor_urns if urn not in known]
            record.values["unmatched_successor_urns"] = " ".join(map(str, unmatched))


def _save_schools(
    records: list[_SchoolRecord],
    authorities: dict[str, Authority],
    result: ImportResult,
) -> None:
    existing: dict[int, School] = {
        school.urn: school
        for school in _in_chunks(
            lambda chunk: School.objects.filter(urn__in=chunk),
            (record.urn for record in records),
        )
    }
    to_create: list[School] = []
    to_update: list[School] = []
    fields: set[str] = {"authority"}
    for record in records:
        values = dict(record.values)
        school = existing.get(record.urn)
        if school is None or school.type_and_phase_provisional:
            values.update(record.guessed_values)
        fields.update(values)
        # Compared by id, because reading school.authority costs a query.
        values["authority_id"] = authorities[record.la_code].pk
        if school is None:
            to_create.append(School(urn=record.urn, **values))
            continue
        changed = False
        for name, value in values.items():
            if getattr(school, name) != value:
                setattr(school, name, value)
                changed = True
        if changed:
            to_update.append(school)
        else:
            result.unchanged += 1

    School.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        School.objects.bulk_update(to_update, sorted(fields), batch_size=500)
    result.created = len(to_create)
    result.updated = len(to_update)
    result.schools_with_unmatched_successors = sum(
        1 for record in records if record.values.get("unmatched_successor_urns")
    )


def _link_successors(records: list[_SchoolRecord], result: ImportResult) -> None:
    """Set each school's successors to exactly the schools its row names.

    Links added by hand to a school in the file are removed when the file does
    not list them, because the file is the record of GIAS links.
    """
    linked = [record for record in records if record.successor_urns is not None]
    if not linked:
        return
    urns = {record.urn for record in linked}
    urns.update(urn for record in linked for urn in record.successor_urns or ())
    id_by_urn: dict[int, int] = dict(
        _in_chunks(
            lambda chunk: School.objects.filter(urn__in=chunk).values_list("urn", "id"),
            urns,
        )
    )
    target_links = {
        (id_by_urn[record.urn], id_by_urn[successor])
        for record in linked
        for successor in record.successor_urns or ()
        if successor in id_by_urn
    }
    link_model = School.successors.through
    present: dict[tuple[int, int], int] = {
        (from_id, to_id): link_id
        for link_id, from_id, to_id in _in_chunks(
            lambda chunk: link_model.objects.filter(
                from_school_id__in=chunk
            ).values_list("id", "from_school_id", "to_school_id"),
            (id_by_urn[record.urn] for record in linked),
        )
    }
    stale = [link_id for pair, link_id in present.items() if pair not in target_links]
    for chunk in _chunks(stale):
        link_model.objects.filter(id__in=chunk).delete()
    link_model.objects.bulk_create(
        [
            link_model(from_school_id=from_id, to_school_id=to_id)
            for from_id, to_id in sorted(target_links - present.keys())
        ],
        batch_size=500,
    )
    result.successor_links_created = len(target_links - present.keys())
    result.successor_links_removed = len(stale)
