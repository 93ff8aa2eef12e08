"""The end of a due day across the UK clock changes.

British Summer Time ends at 02:00 BST on the last Sunday of October (25
October 2026) and starts at 01:00 GMT on the last Sunday of March (28 March
2027). Midnight in London is 23:00 UTC in summer and 00:00 UTC in winter.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from casework.deadlines import end_of_day, london_today
from placements.models import Placement
from placements.tests.factories import PlacementFactory


@pytest.mark.parametrize(
    ("due_on", "expected_utc"),
    [
        # Friday before the October change: the night is still in BST.
        (date(2026, 10, 23), datetime(2026, 10, 23, 23, 0, tzinfo=UTC)),
        # Saturday: midnight at its end is before the 02:00 change.
        (date(2026, 10, 24), datetime(2026, 10, 24, 23, 0, tzinfo=UTC)),
        # The day of the change itself ends in GMT.
        (date(2026, 10, 25), datetime(2026, 10, 26, 0, 0, tzinfo=UTC)),
        (date(2026, 10, 26), datetime(2026, 10, 27, 0, 0, tzinfo=UTC)),
        # Saturday before the March change: midnight is still GMT.
        (date(2027, 3, 27), datetime(2027, 3, 28, 0, 0, tzinfo=UTC)),
        # The day of the change ends in BST.
        (date(2027, 3, 28), datetime(2027, 3, 28, 23, 0, tzinfo=UTC)),
        (date(2027, 3, 29), datetime(2027, 3, 29, 23, 0, tzinfo=UTC)),
    ],
)
def test_end_of_day_in_utc(due_on, expected_utc):
    instant = end_of_day(due_on)

    assert instant.utcoffset() is not None
    assert instant == expected_utc
    assert instant.astimezone(UTC) == expected_utc


def _elapsed(first: date, second: date) -> timedelta:
    # Python subtracts two datetimes of the same tzinfo as wall-clock times, so
    # both are converted to UTC to measure real time.
    return end_of_day(second).astimezone(UTC) - end_of_day(first).astimezone(UTC)


def test_october_change_day_is_25_hours():
    length = _elapsed(date(2026, 10, 24), date(2026, 10, 25))

    assert length == timedelta(hours=25)


def test_march_change_day_is_23_hours():
    length = _elapsed(date(2027, 3, 27), date(2027, 3, 28))

    assert length == timedelta(hours=23)


def test_end_of_day_is_next_london_midnight():
    instant = end_of_day(date(2026, 10, 24))

    assert london_today(instant) == date(2026, 10, 25)
    assert london_today(instant - timedelta(microseconds=1)) == date(2026, 10, 24)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # 23:30 UTC is 00:30 the next day in BST.
        (datetime(2026, 10, 23, 23, 30, tzinfo=UTC), date(2026, 10, 24)),
        # After the October change 23:30 UTC is still the same day.
        (datetime(2026, 10, 26, 23, 30, tzinfo=UTC), date(2026, 10, 26)),
        (datetime(2027, 3, 27, 23, 30, tzinfo=UTC), date(2027, 3, 27)),
        (datetime(2027, 3, 28, 23, 30, tzinfo=UTC), date(2027, 3, 29)),
    ],
)
def test_london_today(now, expected):
    assert london_today(now) == expected


@pytest.mark.django_db
def test_due_at_stored_as_utc():
    placement = PlacementFactory(
        due_on=date(2026, 10, 25), due_at=end_of_day(date(2026, 10, 25))
    )

    placement.refresh_from_db()

    assert placement.due_at == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)
    assert Placement.objects.filter(due_at__lte=placement.due_at).count() == 1
