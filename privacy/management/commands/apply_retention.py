"""Anonymise children whose every record is past its retention period."""

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from casework.deadlines import london_today
from privacy.retention import (
    ChildRetention,
    anonymise_child,
    clear_upload_rows,
    find_past_retention,
    uploads_past_retention,
)


def _describe(records) -> str:
    return ", ".join(f"{record.label} ({record.rule})" for record in records)


class Command(BaseCommand):
    help = (
        "List every record past its retention period (settings.ONROLL_RETENTION) "
        "and anonymise each child whose records are all past it, one transaction "
        "per child. Then delete the rows of removal uploads that are confirmed or "
        "older than ONROLL_RETAIN_UNCONFIRMED_UPLOAD_DAYS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what is past retention without changing anything.",
        )

    def handle(self, *args, **options) -> None:
        dry_run = options["dry_run"]
        now = timezone.now()
        anonymised = kept = 0
        for status in find_past_retention(london_today(now)):
            if not status.is_due:
                kept += 1
                within = _describe(status.kept)
                self._report(status, f"kept, because still within retention: {within}")
            elif dry_run:
                anonymised += 1
                self._report(status, "would be anonymised")
            elif anonymise_child(status.child_id, now=now) is not None:
                anonymised += 1
                self._report(status, "anonymised")

        verb = "would be anonymised" if dry_run else "anonymised"
        self.stdout.write(
            f"{anonymised} {'child' if anonymised == 1 else 'children'} {verb}; "
            f"{kept} kept because a record is still within retention."
        )

        if dry_run:
            uploads = uploads_past_retention(now).count()
            verb = "would have"
        else:
            uploads = clear_upload_rows(now)
            verb = "had"
        if uploads == 1:
            self.stdout.write(
                f"1 removal upload past retention {verb} its rows deleted."
            )
        else:
            self.stdout.write(
                f"{uploads} removal uploads past retention {verb} their rows deleted."
            )

    def _report(self, status: ChildRetention, outcome: str) -> None:
        self.stdout.write(
            f"Child {status.child_id}: {outcome}. Past retention: "
            f"{_describe(status.past)}."
        )
