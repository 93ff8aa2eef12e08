from datetime import date

import pytest
from django.utils import timezone

from access.models import User
from access.tests.factories import UserFactory
from children.tests.factories import ChildFactory
from cme import actions
from cme.models import CmeCase, DeferredPlace, Transfer
from demo.cme_cases import add_cme_demo
from schools.calendars import calendar_for_school
from schools.tests.factories import SchoolFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]


def test_cme_demo_covers_each_kind(authority, other_authority):
    SchoolFactory(authority=authority, phase="primary", urn=100001, status="closed")
    open_school = SchoolFactory(authority=authority, phase="primary", urn=100002)
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
    [place] = DeferredPlace.objects.all()
    # Compulsory school age starts on 31 August 2027; the place starts on the
    # first school day from then, at an open school.
    assert place.school == open_school
    assert calendar_for_school(open_school).is_school_day(place.deferred_to)
    assert date(2027, 8, 31) <= place.deferred_to <= date(2027, 9, 8)


def test_deferred_place_starts_after_the_easter_holiday(authority, other_authority):
    open_school = SchoolFactory(authority=authority, phase="primary")
    users = [
        UserFactory(username="officer.leics", authority=authority),
        UserFactory(username="manager.leics", authority=authority),
    ]
    # Five on 15 January 2027, so of compulsory school age from 31 March 2027.
    # That day is in the Easter holiday, and the summer term starts on 5 April.
    ChildFactory(authority=authority, upn="", date_of_birth=date(2022, 1, 15))

    add_cme_demo(timezone.now(), {"855": authority, "856": other_authority}, users)

    [place] = DeferredPlace.objects.filter(school=open_school)
    assert place.deferred_to == date(2027, 4, 5)
