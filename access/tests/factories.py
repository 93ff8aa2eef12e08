import factory

from access.models import User
from schools.tests.factories import AuthorityFactory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Officer{n}")
    role = User.Role.ADMISSIONS_OFFICER
    authority = factory.SubFactory(AuthorityFactory)
    password = factory.django.Password("correct horse battery")
