from datetime import date

import pytest
from django.utils import timezone

from access.models import User
from access.tests.factories import UserFactory
from children.tests.factories import ChildFactory
from cme import actions
from cme.models import CmeCase, DeferredPlace, Transfer
from demo.cme_cases import add_cme_demo
from schools.tests.factories import SchoolFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]


def test_cme_demo_covers_each_kind(authority, other_authority):
    SchoolFactory(authority=authority, phase="primary")
    users = [
        UserFactory(username="officer.leics", authority=authority),
        UserFactory(
            username="manager.leics",
            authority=authority,
            role=User.Role.SERVICE_MANAGER,
        ),
    ]
    for _ in range(6):
        actions.refer(
            child=ChildFactory(authority=authority, upn=""),
            authority=authority,
            source=CmeCase.Source.PLACE_NOT_TAKEN_UP,
            reason="Place not taken up.",
        )
    ChildFactory(authority=authority, upn="", date_of_birth=date(2022, 6, 1))

    add_cme_demo(timezone.now(), {"855": authority, "856": other_authority}, users)

    states = set(CmeCase.objects.values_list("state", flat=True))
    assert states == {"open", "closed", "awaiting_sign_off", "not_found"}
    assert Transfer.objects.filter(status="requested").count() == 1
    assert CmeCase.objects.filter(waiting_for_place=True, is_open=True).exists()
    assert DeferredPlace.objects.count() == 1
