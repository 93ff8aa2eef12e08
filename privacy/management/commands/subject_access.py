"""Export everything Onroll stores about one child, as JSON or HTML."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.log import record
from children.models import Child
from privacy.subject_access import (
    StylesheetMissing,
    build_export,
    render_document,
    to_json,
)


class Command(BaseCommand):
    help = (
        "Export everything held about a child for a subject access request, as "
        "JSON or as a printable HTML document."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("child_id", type=int, help="The child's id in Onroll.")
        parser.add_argument(
            "--format",
            choices=["json", "html"],
            default="json",
            help="json (the default) for a machine-readable file, html for a "
            "document to print.",
        )
        parser.add_argument(
            "--output",
            type=Path,
            help="The file to write. Without it the export goes to standard output.",
        )

    def handle(self, *args, **options) -> None:
        child_id = options["child_id"]
        child = Child.objects.filter(pk=child_id).first()
        if child is None:
            raise CommandError(
                f"Child {child_id} was not found. Check the id on the child's page "
                "(/children/<id>/)."
            )
        export = build_export(child, generated_by="manage.py subject_access")
        record(
            "export.subject_access",
            target=child,
            child=child,
            data={"format": options["format"], "via": "manage.py subject_access"},
        )
        if options["format"] == "json":
            text = to_json(export) + "\n"
        else:
            try:
                text = render_document(child, export)
            except StylesheetMissing as error:
                raise CommandError(str(error)) from error

        output: Path | None = options["output"]
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(
                f"Could not write {output}: {error.strerror}. Choose a path in a "
                "directory you can write to."
            ) from error
        self.stderr.write(f"Wrote the export for child {child_id} to {output}.")
