import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from schools.importers import (
    FORMAT_NAMES,
    LLR_FORMAT,
    ImportRejected,
    ImportResult,
    import_schools,
)


class Command(BaseCommand):
    help = (
        "Import schools from a GIAS all establishment data CSV file or from the "
        "Leicester, Leicestershire and Rutland extract (schools/data/gias_llr.csv). "
        "Schools are matched on URN, so importing a file again updates them. "
        "Nothing is saved if any row is invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            type=Path,
            help="CSV file to import: edubasealldataYYYYMMDD.csv or gias_llr.csv.",
        )
        parser.add_argument(
            "--la",
            action="append",
            dest="la_codes",
            metavar="CODE",
            help=(
                "Import only the schools of the authority with this three-digit "
                "DfE LA code, for example 855. Repeat for more authorities. "
                "Default: every row."
            ),
        )

    def handle(
        self, *args: object, path: Path, la_codes: list[str] | None, **options: object
    ) -> None:
        for code in la_codes or ():
            if not re.fullmatch(r"[0-9]{3}", code):
                raise CommandError(
                    f"--la {code} is not an LA code. Give a three-digit DfE LA "
                    "code such as 855."
                )
        if not path.is_file():
            raise CommandError(f"File not found: {path}. Give the path of a CSV file.")
        try:
            result = import_schools(path, la_codes=la_codes)
        except ImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{path} was rejected with the {len(rejected.errors)} problem(s) "
                "listed above, and nothing was saved. Correct the file and import "
                "it again."
            ) from None
        except OSError as error:
            raise CommandError(f"{path} cannot be read: {error.strerror}.") from None
        self._write_summary(path, result)

    def _write_summary(self, path: Path, result: ImportResult) -> None:
        total = result.created + result.updated + result.unchanged
        self.stdout.write(
            f"Imported {total} schools from {path.name} "
            f"({FORMAT_NAMES[result.file_format]}): {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged."
        )
        if result.skipped:
            self.stdout.write(
                f"Skipped {result.skipped} rows of authorities not given with --la."
            )
        if result.authorities_created:
            self.stdout.write(f"Created {result.authorities_created} authorities.")
        if result.file_format == LLR_FORMAT:
            self.stdout.write(
                f"Successor links: {result.successor_links_created} created, "
                f"{result.successor_links_removed} removed. "
                f"{result.schools_with_unmatched_successors} schools name successor "
                "URNs that are not in the school list."
            )
        if result.file_format == LLR_FORMAT and result.created:
            self.stdout.write(
                "This file has no type or phase, so those of the new schools were "
                "guessed from their names and marked provisional. Correct them in "
                "the administration pages."
            )
