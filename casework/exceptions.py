"""The exception report: every case of any journey past one of its time limits.

Each journey registers a source in its AppConfig.ready(). A source is a
function that takes the user and today's date and returns the rows for
cases the user may see (it filters through access.policy itself), so the
report page never needs to know the journeys.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class ExceptionRow:
    case_label: str
    url: str
    child_name: str
    limit: str
    due_on: date | None
    detail: str = ""


@dataclass(frozen=True)
class ExceptionSource:
    title: str
    rows: Callable[[Any, date], list[ExceptionRow]]


_SOURCES: list[ExceptionSource] = []


def register(title: str, rows: Callable[[Any, date], list[ExceptionRow]]) -> None:
    if any(source.title == title for source in _SOURCES):
        return
    _SOURCES.append(ExceptionSource(title, rows))


def sources() -> list[ExceptionSource]:
    return list(_SOURCES)
