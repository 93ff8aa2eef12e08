import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

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

    def handle(self, *args, census_date: str, la: str, as_json: bool, **options):
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
        figures = census_figures(authority.pk, day)
        if as_json:
            self.stdout.write(json.dumps(figures, indent=2))
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
