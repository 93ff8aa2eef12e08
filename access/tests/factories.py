import factory
from django.utils import timezone

from access.models import Organisation, Share, Team, User
from children.tests.factories import ChildFactory
from schools.models import Authority, School
from schools.tests.factories import AuthorityFactory


def organisation_for(
    authority: Authority | None, school: School | None
) -> Organisation | None:
    """Get or create the organisation of a school, else of an authority, else None."""
    if school is not None:
        organisation, _ = Organisation.objects.get_or_create(
            school=school,
            defaults={
                "kind": Organisation.Kind.SCHOOL,
                "name": school.name,
                "authority": school.authority,
            },
        )
        return organisation
    if authority is not None:
        organisation, _ = Organisation.objects.get_or_create(
            kind=Organisation.Kind.LOCAL_AUTHORITY,
            authority=authority,
            defaults={"name": authority.name},
        )
        return organisation
    return None


class OrganisationFactory(factory.django.DjangoModelFactory):
    """A partner agency by default: police working with the authority's area."""

    class Meta:
        model = Organisation

    kind = Organisation.Kind.POLICE
    name = factory.Sequence(lambda n: f"Test Police {n}")
    authority = factory.SubFactory(AuthorityFactory)
    school = None


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.LazyFunction(
        lambda: organisation_for(AuthorityFactory(), None)
    )
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A user of the organisation of `school` if given, else of `authority`.

    Pass `organisation=` for a partner agency user, and `authority=None` for
    a user with no organisation.
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        authority = factory.SubFactory(AuthorityFactory)
        school = None

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Officer{n}")
    role = User.Role.ADMISSIONS_OFFICER
    organisation = factory.LazyAttribute(
        lambda u: organisation_for(u.authority, u.school)
    )
    password = factory.django.Password("correct horse battery")


class ShareFactory(factory.django.DjangoModelFactory):
    """A share of every part of a child's record."""

    class Meta:
        model = Share

    child = factory.SubFactory(ChildFactory)
    organisation = factory.SubFactory(
        OrganisationFactory, authority=factory.SelfAttribute("..child.authority")
    )
    identity = True
    contacts = True
    vulnerability = True
    risk = True
    placements = True
    timeline = True
    shared_by = factory.SubFactory(
        UserFactory, authority=factory.SelfAttribute("..child.authority")
    )
    shared_at = factory.LazyFunction(timezone.now)
