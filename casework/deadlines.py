"""Turning a due day into the instant the deadline sweep acts."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def end_of_day(day: date) -> datetime:
    """Return the first instant after `day` ends in London, as an aware datetime.

    A reply due on a day is on time until midnight London time, which is
    23:00 UTC in summer and 00:00 UTC in winter. Building the datetime in
    London and letting Django store it as UTC keeps that right across the
    clock changes.
    """
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=LONDON)


def london_today(now: datetime | None = None) -> date:
    """Return the date in London at `now`, by default the current instant."""
    return (now or timezone.now()).astimezone(LONDON).date()
