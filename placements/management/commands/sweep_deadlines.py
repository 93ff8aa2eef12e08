from django.core.management.base import BaseCommand
from django.utils import timezone

from cme import sweep as cme_sweep
from placements.models import Placement
from placements.sweep import sweep
from removals import sweep as removals_sweep


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
            due = Placement.objects.filter(is_open=True, due_at__lte=now)
            for placement in due.select_related("child").order_by("due_at"):
                self.stdout.write(
                    f"placement {placement.pk}: {placement.get_state_display()}, "
                    f"due {placement.due_on}, reminders sent {placement.reminders_sent}"
                )
            arrivals = removals_sweep.due_arrivals(now)
            for notice in arrivals.order_by("arrival_due_at"):
                self.stdout.write(
                    f"removal notice {notice.pk}: arrival due {notice.arrival_due_on}"
                )
            self.stdout.write(f"{arrivals.count()} awaited arrivals due.")
            cme_due = cme_sweep.due_cases(now)
            for case in cme_due.order_by("due_at"):
                self.stdout.write(
                    f"CME case {case.pk}: {case.get_state_display()}, "
                    f"review due {case.due_on}"
                )
            self.stdout.write(
                f"{due.count() + cme_due.count()} cases due; nothing changed (dry run)."
            )
            return
        outcomes = sweep(now)
        outcomes.update(
            {f"cme_{name}": count for name, count in cme_sweep.sweep(now).items()}
        )
        arrivals = removals_sweep.sweep(now)
        summary = ", ".join(
            f"{name} {count}" for name, count in sorted(outcomes.items())
        )
        self.stdout.write(
            f"Swept {sum(outcomes.values())} cases: {summary or 'none due'}."
        )
        arrivals_summary = ", ".join(
            f"{name} {count}" for name, count in sorted(arrivals.items())
        )
        self.stdout.write(
            f"Swept {sum(arrivals.values())} awaited arrivals: "
            f"{arrivals_summary or 'none due'}."
        )
