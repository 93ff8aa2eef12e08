import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from audit.log import record
from casework.deadlines import london_today
from cme.figures import census_figures
from schools.models import Authority


class Command(BaseCommand):
    help = (
        "Print the figures of the DfE termly children missing education return "
        "for one authority on a census date."
    )

    def add_arguments(self, parser):
        parser.add_argument("census_date", help="The census date, as YYYY-MM-DD.")
        parser.add_argument("--la", required=True, help="The authority's DfE LA code.")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print JSON."
        )
        parser.add_argument(
            "--cases",
            action="store_true",
            dest="with_cases",
            help="Also list each case counted: case number, the child's UPN, "
            "school days missing, time band and primary reason, without names. "
            'In JSON, a "cases" list with "upn" null for a child with no UPN.',
        )

    def handle(
        self,
        *args,
        census_date: str,
        la: str,
        as_json: bool,
        with_cases: bool,
        **options,
    ):
        try:
            day = date.fromisoformat(census_date)
        except ValueError:
            raise CommandError(
                f"{census_date!r} is not a date. Give the census date as "
                "YYYY-MM-DD, for example 2027-01-21."
            ) from None
        authority = Authority.objects.filter(code=la).first()
        if authority is None:
            raise CommandError(
                f"No authority has LA code {la!r}. Give a code from the schools "
                "import, for example 855."
            )
        figures = census_figures(authority.pk, day, with_cases=with_cases)
        if with_cases:
            # The list identifies children by UPN, so the audit log records it.
            record(
                "cme.return_cases_listed",
                target=authority,
                data={
                    "census_date": figures["census_date"],
                    "cases": [case["case_id"] for case in figures["cases"]],
                    "via": "manage.py cme_return",
                },
            )
        if day > london_today():
            # A census date ahead counts today's cases as if they were still
            # missing then; useful for planning, but not the return.
            self.stderr.write(
                f"{day} is in the future: these figures project today's cases "
                "forward and are not the return."
            )
        if as_json:
            document = {"la_code": authority.code, "authority": authority.name}
            self.stdout.write(json.dumps(document | figures, indent=2))
            return
        self.stdout.write(f"{authority.name}, census date {figures['census_date']}")
        self.stdout.write(
            f"Children missing education: {figures['children_missing_education']}"
        )
        self.stdout.write("By time missing:")
        for label, count in figures["by_time_missing"].items():
            self.stdout.write(f"  {label}: {count}")
        self.stdout.write("By primary reason:")
        for label, count in figures["by_primary_reason"].items():
            self.stdout.write(f"  {label}: {count}")
        if not figures["by_primary_reason"]:
            self.stdout.write("  None")
        if with_cases:
            self._write_cases(figures["cases"])

    def _write_cases(self, cases: list[dict]) -> None:
        self.stdout.write("Cases counted:")
        if not cases:
            self.stdout.write("  None")
        for case in cases:
            days = case["school_days_missing"]
            self.stdout.write(
                f"  CME case {case['case_id']}, {case['upn'] or 'no UPN'}: "
                f"{days} school day{'' if days == 1 else 's'}, "
                f"{case['time_missing']}, {case['primary_reason']}"
            )
