"""Every ground A to O against its conditions, met and each one missing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from removals import actions
from removals.grounds import CHECKS, GROUNDS, QUESTIONS, questions_for
from removals.tests.conftest import (
    GROUND_SCHOOL_TYPES,
    notice_fields,
)
from schools.models import School

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]


def _failing_answer(test: str) -> str:
    """Return an answer that breaks a condition with this test."""
    return {
        "is_yes": "no",
        "is_no": "yes",
        # The day before the deletion: 0 school days have passed since.
        "school_days_to_deletion_at_least": "2026-12-03",
        "absent_school_days_at_least": "2026-12-03",
        "at_least": "1",
        "near_leaving_date": "no",
    }[test]


def _notify(school_of_type, ground: str, **overrides):
    kind = GROUND_SCHOOL_TYPES.get(ground, School.Type.MAINTAINED)
    _, user = school_of_type(kind)
    notice, created = actions.notify(actor=user, **notice_fields(ground, **overrides))
    assert created
    return notice


@pytest.mark.parametrize("ground", sorted(GROUNDS))
def test_ground_with_conditions_met_passes(school_of_type, ground):
    notice = _notify(school_of_type, ground)

    assert notice.findings == []
    assert not notice.challenges.exists()


MISSING = [
    pytest.param(letter, index, id=f"{letter}-{condition.question}")
    for letter, ground in sorted(GROUNDS.items())
    for index, condition in enumerate(ground.conditions)
]


@pytest.mark.parametrize(("ground", "index"), MISSING)
def test_ground_with_one_condition_missing_fails(school_of_type, ground, index):
    condition = GROUNDS[ground].conditions[index]
    fields = notice_fields(ground)
    fields["answers"][condition.question] = _failing_answer(condition.test)

    notice = _notify(school_of_type, ground, answers=fields["answers"])

    assert [f["check"] for f in notice.findings] == [condition.check]
    assert notice.findings[0]["source"] == condition.source
    assert notice.challenges.get().state == "opened"


SCHOOL_TYPE_CASES = [
    pytest.param(letter, kind, id=f"{letter}-{kind}")
    for letter, ground in sorted(GROUNDS.items())
    if ground.school_types is not None
    for kind in School.Type.values
    if kind not in ground.school_types
]


@pytest.mark.parametrize(("ground", "kind"), SCHOOL_TYPE_CASES)
def test_ground_at_wrong_kind_of_school_fails(school_of_type, ground, kind):
    _, user = school_of_type(kind)

    notice, _ = actions.notify(actor=user, **notice_fields(ground))

    assert [f["check"] for f in notice.findings] == ["school_type"]


# Grounds on which a special school needs the authority's consent to delete a
# pupil the authority placed there: every ground but a school attendance
# order changed or revoked (D, E), death (K) and permanent exclusion (O).
LA_CONSENT_GROUNDS = set("ABCFGHIJLMN")
NO_CONSENT = {"placed_by_la": "yes", "la_consent_given": "no"}


def test_la_consent_table_matches_grounds():
    needs_consent = {
        letter
        for letter, ground in GROUNDS.items()
        if ground.needs_la_consent_at_special_school
    }

    assert needs_consent == LA_CONSENT_GROUNDS


@pytest.mark.parametrize("ground", sorted(GROUNDS))
def test_la_placed_pupil_at_special_school(school_of_type, ground):
    school, user = school_of_type(School.Type.SPECIAL)
    answers = notice_fields(ground)["answers"] | NO_CONSENT

    notice, _ = actions.notify(actor=user, **notice_fields(ground, answers=answers))

    asked = {question.key for question in questions_for(ground, school)}
    if ground in LA_CONSENT_GROUNDS:
        assert [f["check"] for f in notice.findings] == ["la_consent"]
        assert {"placed_by_la", "la_consent_given"} <= asked
        assert notice.answers["la_consent_given"] is False
    else:
        assert notice.findings == []
        assert not asked & {"placed_by_la", "la_consent_given"}
        assert "placed_by_la" not in notice.answers


@pytest.mark.parametrize("ground", sorted(LA_CONSENT_GROUNDS))
def test_special_school_must_answer_la_questions(school_of_type, ground):
    _, user = school_of_type(School.Type.SPECIAL)

    with pytest.raises(ValidationError) as raised:
        actions.notify(actor=user, **notice_fields(ground))

    errors = raised.value.message_dict
    assert set(errors) == {"answer_placed_by_la", "answer_la_consent_given"}


def test_special_academy_needs_la_consent(school_of_type):
    _, user = school_of_type(School.Type.ACADEMY, is_special=True)
    answers = notice_fields("F")["answers"] | NO_CONSENT

    notice, _ = actions.notify(actor=user, **notice_fields("F", answers=answers))

    assert [f["check"] for f in notice.findings] == ["la_consent"]


def test_mainstream_school_is_not_asked_la_questions(school_of_type):
    school, user = school_of_type(School.Type.ACADEMY)
    answers = notice_fields("F")["answers"] | NO_CONSENT

    notice, _ = actions.notify(actor=user, **notice_fields("F", answers=answers))

    assert notice.findings == []
    assert "placed_by_la" not in notice.answers
    assert [q.key for q in questions_for("F", school)] == ["parent_told_in_writing"]


def test_every_condition_names_a_check_and_a_question():
    for ground in GROUNDS.values():
        for condition in ground.conditions:
            assert condition.check in CHECKS, ground.letter
            assert condition.question in ground.questions, ground.letter
        for key in ground.questions:
            assert key in QUESTIONS, ground.letter


@pytest.mark.parametrize(
    ("first_absence_on", "absent_days", "passes"),
    [
        ("2026-11-05", 21, True),
        ("2026-11-06", 20, True),
        ("2026-11-09", 19, False),
    ],
)
def test_ground_i_counts_school_days_of_absence(
    school_of_type, first_absence_on, absent_days, passes
):
    answers = notice_fields("I")["answers"] | {"first_absence_on": first_absence_on}

    notice = _notify(school_of_type, "I", answers=answers)

    checks_failed = [f["check"] for f in notice.findings]
    assert ("continuous_absence" not in checks_failed) is passes
    if not passes:
        assert f"there were {absent_days}." in notice.findings[0]["message"]


def test_ground_h_window_is_a_setting(school_of_type, settings):
    settings.ONROLL_REMOVALS = settings.ONROLL_REMOVALS | {
        "leave_not_returned_days": 16
    }

    notice = _notify(school_of_type, "H")

    assert [f["check"] for f in notice.findings] == ["ground_conditions"]
    assert "16 school days" in notice.findings[0]["message"]
    assert "15 had passed" in notice.findings[0]["message"]


def test_ground_j_minimum_is_a_setting(school_of_type, settings):
    settings.ONROLL_REMOVALS = settings.ONROLL_REMOVALS | {"detention_min_months": 8}

    notice = _notify(school_of_type, "J")

    assert "at least 8 months" in notice.findings[0]["message"]


def test_ground_l_for_young_pupil_fails(school_of_type):
    notice = _notify(school_of_type, "L", date_of_birth=date(2012, 1, 10))

    assert [f["check"] for f in notice.findings] == ["ground_conditions"]
    assert "30 June 2028" in notice.findings[0]["message"]
