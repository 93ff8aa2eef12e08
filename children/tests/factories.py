from datetime import date

import factory

from children.models import Child, RiskAssessment, VulnerabilityCharacteristic
from schools.tests.factories import AuthorityFactory


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    authority = factory.SubFactory(AuthorityFactory)
    legal_first_name = factory.Sequence(lambda n: f"Alex{n}")
    legal_last_name = "Testchild"
    date_of_birth = date(2015, 3, 14)
    sex = Child.Sex.FEMALE
    upn = "B801200005001"


class VulnerabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VulnerabilityCharacteristic

    child = factory.SubFactory(ChildFactory)
    kind = VulnerabilityCharacteristic.Kind.CHILD_IN_NEED
    evidence = "Open child in need plan."
    source = "Children's social care"
    recorded_on = date(2026, 11, 2)


class RiskAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskAssessment

    child = factory.SubFactory(ChildFactory)
    level = RiskAssessment.Level.MEDIUM
    completed_on = date(2026, 11, 2)
    next_review_on = date(2027, 1, 4)
