import csv
from datetime import date
from pathlib import Path

import factory

from schools.models import Authority, School, Term

LLR_TERMS = Path(__file__).resolve().parent.parent / "data" / "llr_terms.csv"


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority
        django_get_or_create = ("code",)

    code = "855"
    name = "Leicestershire"
    gss_code = "E10000018"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    urn = factory.Sequence(lambda n: 900000 + n)
    name = factory.Sequence(lambda n: f"Test Primary School {n}")
    authority = factory.SubFactory(AuthorityFactory)
    type = School.Type.MAINTAINED
    is_special = factory.LazyAttribute(lambda s: s.type == School.Type.SPECIAL)
    phase = School.Phase.PRIMARY
    status = School.Status.OPEN
    email = factory.LazyAttribute(lambda s: f"admissions@school-{s.urn}.example.org")
    head_teacher = "Ms A Head"


def add_llr_terms(authority: Authority) -> None:
    """Give the authority the shipped Leicester, Leicestershire and Rutland terms."""
    with LLR_TERMS.open(newline="") as file:
        Term.objects.bulk_create(
            Term(
                authority=authority,
                academic_year=row["academic_year"],
                name=row["term"],
                first_day=date.fromisoformat(row["first_day"]),
                last_day=date.fromisoformat(row["last_day"]),
                confidence=row["confidence"],
            )
            for row in csv.DictReader(file)
        )
