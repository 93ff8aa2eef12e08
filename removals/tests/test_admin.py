"""The admin pages list notices and challenges and change neither."""

import pytest

from removals.tests.factories import ChallengeFactory, RemovalNoticeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge(officer):
    return ChallengeFactory(notice=RemovalNoticeFactory(notified_by=officer))


@pytest.mark.parametrize("model", ["removalnotice", "challenge"])
def test_admin_lists_and_shows_read_only(admin_client, challenge, model):
    pk = challenge.notice.pk if model == "removalnotice" else challenge.pk

    listing = admin_client.get(f"/admin/removals/{model}/")
    page = admin_client.get(f"/admin/removals/{model}/{pk}/change/")
    added = admin_client.get(f"/admin/removals/{model}/add/")

    assert listing.status_code == 200
    assert page.status_code == 200
    assert b'type="submit"' not in page.content.split(b'id="content-main"')[1]
    assert added.status_code == 403
