from datetime import date

import factory
from django.utils import timezone

from children.tests.factories import ChildFactory
from placements.models import Placement
from placements.states import State


class PlacementFactory(factory.django.DjangoModelFactory):
    """A placement in any state, with the dates that state implies filled in.

    The deadline is not computed: tests that need one call
    `placements.deadlines.set_deadline` or go through the actions.
    """

    class Meta:
        model = Placement

    child = factory.SubFactory(ChildFactory)
    authority = factory.SelfAttribute("child.authority")
    state = State.RECEIVED
    opened_at = factory.LazyFunction(timezone.now)
    received_on = date(2026, 11, 2)
