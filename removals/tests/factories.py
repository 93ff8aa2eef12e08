from datetime import date

import factory
from django.utils import timezone

from children.tests.factories import ChildFactory
from removals.models import Challenge, PartnerFlag, RemovalNotice, RemovalUpload
from removals.states import State
from schools.tests.factories import SchoolFactory


class RemovalNoticeFactory(factory.django.DjangoModelFactory):
    """A notice saved directly, with no checks, routing or challenge.

    Tests of checks and routes go through removals.actions.notify instead.
    """

    class Meta:
        model = RemovalNotice

    school = factory.SubFactory(SchoolFactory)
    authority = factory.SelfAttribute("school.authority")
    child = factory.SubFactory(
        ChildFactory, authority=factory.SelfAttribute("..school.authority")
    )
    first_name = factory.SelfAttribute("child.legal_first_name")
    last_name = factory.SelfAttribute("child.legal_last_name")
    date_of_birth = factory.SelfAttribute("child.date_of_birth")
    address = "12 Station Road, Hinckley LE10 1AA"
    parents = factory.LazyFunction(
        lambda: [{"name": "Sam Parent", "address": "12 Station Road", "phone": "01"}]
    )
    ground = "F"
    answers = factory.LazyFunction(lambda: {"parent_told_in_writing": True})
    deletion_on = date(2026, 12, 4)
    destination = "home_education"
    notifier_name = "Pat Registrar"
    notifier_role = "Attendance officer"
    notified_at = factory.LazyFunction(timezone.now)
    fingerprint = factory.Sequence(lambda n: f"{n:064d}")


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge

    notice = factory.SubFactory(RemovalNoticeFactory)
    authority = factory.SelfAttribute("notice.authority")
    child = factory.SelfAttribute("notice.child")
    state = State.OPENED
    opened_at = factory.LazyFunction(timezone.now)
    reason = "The parent says they did not ask for home education."


class PartnerFlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerFlag

    flagged_at = factory.LazyFunction(timezone.now)


class RemovalUploadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RemovalUpload

    fingerprint = factory.Sequence(lambda n: f"{n:064d}")
    filename = "removals.csv"
    uploaded_at = factory.LazyFunction(timezone.now)
