from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from demo.generate import (
    DEFAULT_CHILDREN,
    DEFAULT_PASSWORD,
    DEFAULT_SEED,
    DemoError,
    Summary,
    load_demo,
)
from demo.journeys import NoSchoolDays
from placements.states import State
from schools.schooldays import CalendarNotKnown


class Command(BaseCommand):
    help = (
        "Load demo data: the Leicester, Leicestershire and Rutland schools and "
        "term dates, demo users, and synthetic children with placement cases at "
        "every stage. Running it again replaces the generated children and "
        "updates the users and schools in place. For demonstration databases "
        "only: it overwrites every open school's email address."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--children",
            type=int,
            default=DEFAULT_CHILDREN,
            help=f"Number of children to generate (default {DEFAULT_CHILDREN}).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help="Random seed: the same seed gives the same children, UPNs and "
            f"states (default {DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help="Password set on every demo user. For demo use only, never on a "
            f"server with real data (default {DEFAULT_PASSWORD}).",
        )

    def handle(self, *args, children: int, seed: int, password: str, **options) -> None:
        try:
            summary = load_demo(
                children=children, seed=seed, password=password, stdout=self.stdout
            )
        except (DemoError, NoSchoolDays, CalendarNotKnown) as error:
            raise CommandError(str(error)) from error
        self._print(summary)

    def _print(self, summary: Summary) -> None:
        write = self.stdout.write
        write("")
        write("Schools (open of all):")
        for name, (open_count, total) in summary.schools_by_authority.items():
            write(f"  {name}: {open_count} of {total}")
        write("Every open school has a demo admissions email at schools.example.org.")

        write("")
        write(f'Demo users, each with the password "{summary.password}":')
        for user in summary.users:
            where = user.organisation or "all authorities"
            write(f"  {user.username:<19} {user.get_role_display()}, {where}")

        write("")
        total = sum(summary.children_by_authority.values())
        by_authority = ", ".join(
            f"{name} {count}"
            for name, count in sorted(summary.children_by_authority.items())
        )
        write(
            f"Children: {total} ({by_authority}); "
            f"{summary.replaced_children} from an earlier run replaced."
        )

        write("Placements by state:")
        for state in State:
            write(f"  {state.label:<32} {summary.placements_by_state[state]:>4}")
        share = summary.overdue_cases / summary.open_cases if summary.open_cases else 0
        write(
            f"Open cases: {summary.open_cases}, of which {summary.overdue_cases} "
            f"overdue ({share:.0%}) and {summary.chased_cases} already chased."
        )
        write(f"CME cases opened: {summary.cme_cases}.")
        write(
            f"Removals from roll notified: {summary.removals}, by the demo "
            "registrar of a Leicestershire secondary school."
        )
