"""The demo's removals from roll: every route, one challenge, and a clean rerun."""

import pytest

from cme.models import CmeCase
from demo.tests.test_load_demo import frozen_time, run_load_demo  # noqa: F401
from removals.models import Challenge, PartnerFlag, RemovalNotice

pytestmark = pytest.mark.django_db


def test_demo_removals_cover_every_route(frozen_time):  # noqa: F811
    output = run_load_demo()

    notices = RemovalNotice.objects.all()
    assert "Removals from roll notified: 8" in output
    assert {n.destination for n in notices} == {
        "unknown",
        "home_education",
        "other_authority",
        "school",
        "abroad",
    }
    assert CmeCase.objects.filter(source="unknown_destination").count() == 2
    assert notices.filter(arrival="awaited").count() == 1
    assert PartnerFlag.objects.exists()
    challenge = Challenge.objects.get()
    assert challenge.state == "informal"
    assert challenge.letters.count() == 1


def test_demo_removals_replaced_on_rerun(frozen_time):  # noqa: F811
    run_load_demo()
    run_load_demo()

    assert RemovalNotice.objects.count() == 8
    assert Challenge.objects.count() == 1
