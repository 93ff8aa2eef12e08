"""Checks of a removal notice against the grounds and the deletion return.

The rules themselves are the rows of removals.grounds; this module parses the
answers to a ground's questions and runs each row's test. A notice's
findings are the checks it failed, each with the rule's source.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from casework.deadlines import london_today
from onroll.formatters import long_date
from removals.grounds import (
    CHECKS,
    GROUNDS,
    Condition,
    Question,
    asks_la_consent,
    questions_for,
)
from schools.models import School
from schools.schooldays import (
    CalendarNotKnown,
    SchoolCalendar,
    add_school_days,
    school_days_between,
)

ANSWER_PREFIX = "answer_"


def limit(key: str) -> int:
    return settings.ONROLL_REMOVALS[key]


# Answers ---------------------------------------------------------------------


def _parse(question: Question, raw: Any) -> Any:
    """Return the answer as stored (bool, ISO date or int), or raise ValueError.

    Raw answers are strings from a form or a CSV file, or already-typed values
    from demo data and tests.
    """
    if question.kind == "yes_no" and isinstance(raw, bool):
        return raw
    if question.kind == "date" and isinstance(raw, date):
        return raw.isoformat()
    text = "" if raw is None else str(raw).strip().lower()
    if not text:
        raise ValueError("missing")
    if question.kind == "yes_no":
        if text in ("yes", "y", "true"):
            return True
        if text in ("no", "n", "false"):
            return False
        raise ValueError(f"“{raw}” is not yes or no. Answer yes or no")
    if question.kind == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError(
                f"“{raw}” is not a date. Write it as year-month-day, for example "
                "2026-11-30"
            ) from None
    if not text.isdigit():
        raise ValueError(
            f"“{raw}” is not a whole number of 0 or more. Enter a number, such as 6"
        )
    return int(text)


def clean_answers(ground: str, school: School, raw: dict[str, Any]) -> dict[str, Any]:
    """Return the answers to the ground's questions, parsed.

    Only the questions of this ground are read, plus the questions about LA
    placement and consent for a special school on a ground that needs the
    consent. Answers to other questions are dropped. Raises ValidationError keyed by
    "answer_<question>" for every question missing or invalid.
    """
    if ground not in GROUNDS:
        raise ValidationError(
            {"ground": f"“{ground}” is not a ground. Choose a letter from A to O."}
        )
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in questions_for(ground, school):
        try:
            answers[question.key] = _parse(question, raw.get(question.key))
        except ValueError as error:
            if str(error) == "missing":
                errors[ANSWER_PREFIX + question.key] = (
                    f"Answer the question for ground {ground}: {question.text}"
                )
            else:
                errors[ANSWER_PREFIX + question.key] = f"{error}."
    if errors:
        raise ValidationError(errors)
    return answers


# Tests named by the conditions in removals.grounds ------------------------------


@dataclass(frozen=True)
class Facts:
    """What a condition's test reads: the notice's answers, dates and calendar."""

    answers: dict[str, Any]
    deletion_on: date
    date_of_birth: date
    calendar: SchoolCalendar | None


@dataclass(frozen=True)
class Outcome:
    passed: bool
    detail: dict[str, Any]


def _is_yes(facts: Facts, condition: Condition) -> Outcome:
    return Outcome(facts.answers.get(condition.question) is True, {})


def _is_no(facts: Facts, condition: Condition) -> Outcome:
    return Outcome(facts.answers.get(condition.question) is False, {})


def _count_school_days(facts: Facts, start: date, end: date) -> int | None:
    if facts.calendar is None:
        return None
    try:
        return school_days_between(facts.calendar, start, end)
    except CalendarNotKnown:
        return None


def _school_days_to_deletion_at_least(facts: Facts, condition: Condition) -> Outcome:
    # Counts the school days after the leave ended, up to and including the
    # deletion day.
    start = date.fromisoformat(facts.answers[condition.question])
    threshold = limit(condition.setting)
    count = _count_school_days(facts, start, facts.deletion_on)
    detail = {
        "threshold": threshold,
        "count": "an unknown number" if count is None else count,
    }
    return Outcome(count is not None and count >= threshold, detail)


def _absent_school_days_at_least(facts: Facts, condition: Condition) -> Outcome:
    # The school days from the first day of absence to the day before the
    # deletion, both included: the pupil is absent on each before the name
    # comes off.
    first = date.fromisoformat(facts.answers[condition.question])
    threshold = limit(condition.setting)
    count = _count_school_days(
        facts, first - timedelta(days=1), facts.deletion_on - timedelta(days=1)
    )
    detail = {
        "threshold": threshold,
        "count": "an unknown number" if count is None else count,
    }
    return Outcome(count is not None and count >= threshold, detail)


def _at_least(facts: Facts, condition: Condition) -> Outcome:
    threshold = limit(condition.setting)
    value = facts.answers[condition.question]
    return Outcome(value >= threshold, {"threshold": threshold, "count": value})


def school_leaving_date(date_of_birth: date) -> date:
    """Return the last Friday in June of the school year in which the child turns 16.

    Every child whose 16th birthday falls in one school year (1 September to
    31 August) reaches the school leaving date on that day.
    NOTE: the rule is the usual reading of Education Act 1996 s8, not checked
    against the text of the Act or its orders.
    """
    year = date_of_birth.year + 16 + (1 if date_of_birth.month >= 9 else 0)
    last_of_june = date(year, 6, 30)
    return last_of_june - timedelta(days=(last_of_june.weekday() - 4) % 7)


def _near_leaving_date(facts: Facts, condition: Condition) -> Outcome:
    leaving = school_leaving_date(facts.date_of_birth)
    try:
        if facts.calendar is None:
            raise CalendarNotKnown("no calendar")
        next_meets = add_school_days(facts.calendar, facts.deletion_on, 1)
    except CalendarNotKnown:
        # NOTE: without term dates the next meeting is taken as the next day,
        # which fails a deletion made just before a holiday that would pass.
        next_meets = facts.deletion_on + timedelta(days=1)
    passed = facts.answers.get(condition.question) is True and leaving <= next_meets
    return Outcome(passed, {"leaving_date": long_date(leaving)})


TESTS: dict[str, Callable[[Facts, Condition], Outcome]] = {
    "is_yes": _is_yes,
    "is_no": _is_no,
    "school_days_to_deletion_at_least": _school_days_to_deletion_at_least,
    "absent_school_days_at_least": _absent_school_days_at_least,
    "at_least": _at_least,
    "near_leaving_date": _near_leaving_date,
}


# Findings --------------------------------------------------------------------


def _finding(check: str, message: str, source: str = "", confidence: str = "") -> dict:
    rule = CHECKS[check]
    return {
        "check": check,
        "title": rule.title,
        "message": message,
        "source": source or rule.source,
        "confidence": confidence or rule.confidence,
    }


def _on_time(notice: Any, notified_on: date) -> list[dict]:
    if notified_on <= notice.deletion_on:
        return []
    return [
        _finding(
            "on_time",
            f"The notice arrived on {long_date(notified_on)}, after the deletion on "
            f"{long_date(notice.deletion_on)}.",
        )
    ]


def _school_type(notice: Any, school: School) -> list[dict]:
    ground = GROUNDS[notice.ground]
    if ground.school_types is None or school.type in ground.school_types:
        return []
    allowed = ", ".join(
        sorted(School.Type(kind).label.lower() for kind in ground.school_types)
    )
    return [
        _finding(
            "school_type",
            f"Ground {ground.letter} does not apply to a "
            f"{school.get_type_display().lower()} school; it applies to: {allowed}.",
            ground.source,
            ground.confidence,
        )
    ]


def _conditions(notice: Any, facts: Facts) -> list[dict]:
    findings = []
    for condition in GROUNDS[notice.ground].conditions:
        if condition.question not in facts.answers:
            findings.append(
                _finding(
                    condition.check,
                    f"No answer to: {condition.question}.",
                    condition.source,
                    condition.confidence,
                )
            )
            continue
        outcome = TESTS[condition.test](facts, condition)
        if not outcome.passed:
            findings.append(
                _finding(
                    condition.check,
                    condition.failure.format(**outcome.detail),
                    condition.source,
                    condition.confidence,
                )
            )
    return findings


def _la_consent(notice: Any, school: School) -> list[dict]:
    answers = notice.answers
    if not asks_la_consent(notice.ground, school):
        return []
    if answers.get("placed_by_la") is not True:
        return []
    if answers.get("la_consent_given") is True:
        return []
    return [
        _finding(
            "la_consent",
            f"{school.name} is a special school and the authority arranged this "
            f"pupil's place, so the name may not be deleted on ground "
            f"{notice.ground} without the authority's consent, which has not been "
            "given.",
        )
    ]


def _deletion_return(notice: Any) -> list[dict]:
    missing = []
    if not notice.address.strip():
        missing.append("(b) the pupil's address")
    parents = notice.parents or []
    if not parents:
        missing.append("(c) a parent the pupil normally lives with")
    for number, parent in enumerate(parents, start=1):
        if not (parent.get("name") or "").strip():
            missing.append(f"(c) parent {number}'s full name")
        if not (parent.get("address") or "").strip():
            missing.append(f"(c) parent {number}'s address")
        if not (parent.get("phone") or "").strip():
            missing.append(f"(d) an emergency telephone number for parent {number}")
    if notice.destination == "school":
        if not (notice.destination_school_id or notice.destination_school_name):
            missing.append("(e) the name of the new school")
        if notice.new_start_on is None:
            missing.append("(e) the date the pupil starts at the new school")
    if not missing:
        return []
    return [_finding("deletion_return", "Missing: " + "; ".join(missing) + ".")]


def evaluate(
    notice: Any, school: School, calendar: SchoolCalendar | None
) -> list[dict]:
    """Run every check on the notice and return the failed ones, in CHECKS order."""
    facts = Facts(
        answers=notice.answers,
        deletion_on=notice.deletion_on,
        date_of_birth=notice.date_of_birth,
        calendar=calendar,
    )
    notified_on = london_today(notice.notified_at)
    findings = (
        _on_time(notice, notified_on)
        + _school_type(notice, school)
        + _conditions(notice, facts)
        + _la_consent(notice, school)
        + _deletion_return(notice)
    )
    order = list(CHECKS)
    return sorted(findings, key=lambda finding: order.index(finding["check"]))
