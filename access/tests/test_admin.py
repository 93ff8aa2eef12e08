"""Administrators add users in the admin pages with their role and organisation."""

import pytest

from access.models import Organisation, User
from access.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, authority):
    user = UserFactory(
        username="admin", authority=authority, is_staff=True, is_superuser=True
    )
    client.force_login(user)
    return client


def _add_user(client, **fields):
    data = {
        "username": "inclusion.new",
        "usable_password": "true",
        "password1": "a long synthetic passphrase 7",
        "password2": "a long synthetic passphrase 7",
        "role": User.Role.INCLUSION_OFFICER,
        "team": "",
        **fields,
    }
    return client.post("/admin/access/user/add/", data)


def test_add_user_with_role_and_organisation(superuser_client, authority):
    organisation = Organisation.objects.get(
        authority=authority, kind=Organisation.Kind.LOCAL_AUTHORITY
    )

    response = _add_user(superuser_client, organisation=organisation.pk)

    assert response.status_code == 302
    user = User.objects.get(username="inclusion.new")
    assert user.organisation == organisation
    assert user.role == User.Role.INCLUSION_OFFICER


def test_add_user_without_organisation_shows_error(superuser_client):
    page = superuser_client.get("/admin/access/user/add/").content.decode()
    assert 'name="organisation"' in page

    response = _add_user(superuser_client, organisation="")

    assert response.status_code == 200
    assert "Choose the organisation this user works for." in response.content.decode()
    assert not User.objects.filter(username="inclusion.new").exists()
