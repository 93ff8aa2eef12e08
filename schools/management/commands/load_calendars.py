import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from schools.importers import RowError
from schools.models import Authority, Term

LLR_TERMS = Path(__file__).resolve().parents[2] / "data" / "llr_terms.csv"
COLUMNS = ("academic_year", "term", "first_day", "last_day", "confidence")
# Leicester (856) and Leicestershire (855) set identical term dates. Rutland's
# (857) were not found, so its terms are loaded as estimated whatever
# confidence the file gives (schools/data/README.md).
LLR_CODES = ("855", "856", "857")
ALWAYS_ESTIMATED = {"857"}
_NAME_LENGTH = Term._meta.get_field("name").max_length


@dataclass(frozen=True)
class TermRow:
    academic_year: str
    name: str
    first_day: date
    last_day: date
    confidence: str


class Command(BaseCommand):
    help = (
        "Load the Leicester, Leicestershire and Rutland term dates into the "
        "authorities with LA code 855, 856 and 857 that exist. Terms are matched "
        "on authority, academic year and term name, so loading again updates them. "
        "Nothing is saved if any row is invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=LLR_TERMS,
            help=(
                "CSV file of terms with the columns "
                f"{','.join(COLUMNS)} and ISO dates. Default: {LLR_TERMS}."
            ),
        )

    def handle(self, *args: object, file: Path, **options: object) -> None:
        if not file.is_file():
            raise CommandError(
                f"File not found: {file}. Give the path of a terms CSV file."
            )
        rows, errors = read_terms(file)
        if errors:
            for error in errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{file} was rejected with the {len(errors)} problem(s) listed "
                "above, and nothing was saved. Correct the file and load it again."
            )
        authorities = list(Authority.objects.filter(code__in=LLR_CODES))
        if not authorities:
            raise CommandError(
                f"No authority with LA code {', '.join(LLR_CODES)} exists, so no "
                "terms were loaded. Run import_schools first."
            )
        missing = sorted(set(LLR_CODES) - {a.code for a in authorities})
        if missing:
            self.stdout.write(
                f"No authority exists with LA code {', '.join(missing)}, so those "
                "terms were not loaded."
            )
        with transaction.atomic():
            for authority in authorities:
                created, updated, unchanged = save_terms(authority, rows)
                note = ""
                if authority.code in ALWAYS_ESTIMATED:
                    note = " All were loaded as estimated."
                self.stdout.write(
                    f"{authority}: {created} terms created, {updated} updated, "
                    f"{unchanged} unchanged.{note}"
                )


def read_terms(path: Path) -> tuple[list[TermRow], list[RowError]]:
    """Read and validate every row of a terms file, collecting every problem."""
    rows: list[TermRow] = []
    errors: list[RowError] = []
    first_line: dict[tuple[str, str], int] = {}
    with path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        missing = [
            column for column in COLUMNS if column not in (reader.fieldnames or [])
        ]
        if missing:
            errors.append(
                RowError(
                    1,
                    "header",
                    ",".join(reader.fieldnames or []),
                    f"the header lacks the column(s) {', '.join(missing)}. The "
                    f"columns are {','.join(COLUMNS)}.",
                )
            )
            return rows, errors
        for record in reader:
            line = reader.line_num
            row = _validate_term(line, record, errors)
            if row is None:
                continue
            key = (row.academic_year, row.name)
            if key in first_line:
                errors.append(
                    RowError(
                        line,
                        "term",
                        row.name,
                        f"'{row.name}' of {row.academic_year} is also on line "
                        f"{first_line[key]}. Remove one of the two rows.",
                    )
                )
                continue
            first_line[key] = line
            rows.append(row)
    return rows, errors


def _validate_term(
    line: int, record: dict[str, str | None], errors: list[RowError]
) -> TermRow | None:
    errors_before = len(errors)

    def value(column: str) -> str:
        return (record.get(column) or "").strip()

    def error(column: str, message: str) -> None:
        errors.append(RowError(line, column, value(column), message))

    if None in record:
        errors.append(
            RowError(
                line,
                "row",
                "",
                "the row has more values than the header has columns. Remove the "
                "extra values.",
            )
        )
    year = value("academic_year")
    match = re.fullmatch(r"([0-9]{4})/([0-9]{2})", year)
    if not match or int(match[2]) != (int(match[1]) + 1) % 100:
        error(
            "academic_year",
            f"'{year}' is not an academic year. Write it as 2025/26.",
        )
        match = None
    name = value("term")
    if not name or len(name) > _NAME_LENGTH:
        error(
            "term",
            f"'{name}' is not a term name. Give a name of 1 to {_NAME_LENGTH} "
            "characters, such as Autumn 1.",
        )
    days: dict[str, date] = {}
    for column in ("first_day", "last_day"):
        try:
            days[column] = date.fromisoformat(value(column))
        except ValueError:
            error(column, f"'{value(column)}' is not a date in YYYY-MM-DD form.")
            continue
        # Terms start in late August at the earliest, so a day outside 1 August
        # to 31 August of the next year is taken as a typing mistake.
        if match and not (
            date(int(match[1]), 8, 1) <= days[column] <= date(int(match[1]) + 1, 8, 31)
        ):
            error(column, f"'{value(column)}' is outside the academic year {year}.")
    if len(days) == 2 and days["last_day"] < days["first_day"]:
        error("last_day", f"'{value('last_day')}' is before the first day.")
    confidence = value("confidence")
    if confidence not in Term.Confidence.values:
        error(
            "confidence",
            f"'{confidence}' is not a confidence. Expected one of "
            f"{', '.join(Term.Confidence.values)}.",
        )
    if len(errors) > errors_before:
        return None
    return TermRow(year, name, days["first_day"], days["last_day"], confidence)


def save_terms(authority: Authority, rows: list[TermRow]) -> tuple[int, int, int]:
    """Create or update the authority's terms from the rows.

    Return the numbers created, updated and unchanged. Terms not in the rows,
    such as a later year an administrator added, are kept.
    """
    existing: dict[tuple[str, str], Term] = {}
    for term in Term.objects.filter(authority=authority).order_by("pk"):
        # Of two terms with the same year and name the older is kept up to date.
        existing.setdefault((term.academic_year, term.name), term)
    to_create: list[Term] = []
    to_update: list[Term] = []
    for row in rows:
        confidence = row.confidence
        if authority.code in ALWAYS_ESTIMATED:
            confidence = Term.Confidence.ESTIMATED
        term = existing.get((row.academic_year, row.name))
        if term is None:
            to_create.append(
                Term(
                    authority=authority,
                    academic_year=row.academic_year,
                    name=row.name,
                    first_day=row.first_day,
                    last_day=row.last_day,
                    confidence=confidence,
                )
            )
        elif (term.first_day, term.last_day, term.confidence) != (
            row.first_day,
            row.last_day,
            confidence,
        ):
            term.first_day = row.first_day
            term.last_day = row.last_day
            term.confidence = confidence
            to_update.append(term)
    Term.objects.bulk_create(to_create)
    Term.objects.bulk_update(to_update, ["first_day", "last_day", "confidence"])
    return len(to_create), len(to_update), len(rows) - len(to_create) - len(to_update)
