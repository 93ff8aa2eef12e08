"""Date formats used in messages and pages, in GOV.UK style."""

from datetime import date


def long_date(day: date) -> str:
    """Format a date as GOV.UK writes it: 4 December 2026."""
    return f"{day.day} {day:%B %Y}"
