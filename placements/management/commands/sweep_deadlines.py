"""Act on every deadline that has passed, in each journey, once.

Each journey's sweep returns a count of what it did to each case, keyed by
a short outcome name; the command prints them in words.
"""

from collections import Counter

from django.core.management.base import BaseCommand
from django.utils import timezone

from cme import sweep as cme_sweep
from placements.models import Placement
from placements.sweep import sweep as placements_sweep
from removals import sweep as removals_sweep

# The words for each sweep's outcome names, in the order they are printed.
PLACEMENT_OUTCOMES = {
    "chased": "chased",
    "escalated": "escalated to a manager",
    "referred": "referred as missing education",
    "left_with_manager": "already with a manager",
    "calendar_missing": "skipped for want of term dates",
    "claimed_elsewhere": "taken by another sweep",
}
CME_OUTCOMES = {
    "review_overdue": "review flagged overdue",
    "rescheduled": "review day counted",
    "not_searching": "awaiting sign-off or a school",
    "calendar_missing": "skipped for want of term dates",
    "claimed_elsewhere": "taken by another sweep",
}
ARRIVAL_OUTCOMES = {
    "referred": "referred as missing education",
    "claimed_elsewhere": "taken by another sweep",
}


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _summary(noun: str, outcomes: Counter, labels: dict[str, str]) -> str:
    if not outcomes:
        return f"Swept 0 {noun}s: none due."
    parts = [
        f"{labels.get(name, name)} {outcomes[name]}"
        for name in [*labels, *sorted(set(outcomes) - set(labels))]
        if outcomes[name]
    ]
    return f"Swept {_count(sum(outcomes.values()), noun)}: {', '.join(parts)}."


class Command(BaseCommand):
    help = (
        "Chase, escalate and refer placement cases whose deadline has passed, "
        "refer removed pupils whose new school has not confirmed them, and "
        "flag CME cases whose review is overdue."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the cases that are due without changing anything.",
        )

    def handle(self, *args, dry_run: bool = False, **options):
        now = timezone.now()
        if dry_run:
            self._list_due(now)
            return
        self.stdout.write(
            _summary("placement", placements_sweep(now), PLACEMENT_OUTCOMES)
        )
        self.stdout.write(_summary("CME case", cme_sweep.sweep(now), CME_OUTCOMES))
        self.stdout.write(
            _summary("awaited arrival", removals_sweep.sweep(now), ARRIVAL_OUTCOMES)
        )

    def _list_due(self, now) -> None:
        placements = Placement.objects.filter(is_open=True, due_at__lte=now)
        for placement in placements.select_related("child").order_by("due_at"):
            self.stdout.write(
                f"Placement {placement.pk}: {placement.get_state_display()}, "
                f"due {placement.due_on}, reminders sent {placement.reminders_sent}"
            )
        cme_cases = cme_sweep.due_cases(now)
        for case in cme_cases.order_by("due_at"):
            self.stdout.write(
                f"CME case {case.pk}: {case.get_state_display()}, "
                f"review due {case.due_on}"
            )
        arrivals = removals_sweep.due_arrivals(now)
        for notice in arrivals.order_by("arrival_due_at"):
            self.stdout.write(
                f"Removal notice {notice.pk}: arrival due {notice.arrival_due_on}"
            )
        due = [
            _count(placements.count(), "placement"),
            _count(cme_cases.count(), "CME case"),
            _count(arrivals.count(), "awaited arrival"),
        ]
        self.stdout.write(f"Due: {', '.join(due)}; nothing changed (dry run).")
