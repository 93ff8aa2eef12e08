"""The grounds for deleting a pupil from the admission register, as data.

Each row of GROUNDS is one sub-paragraph of regulation 9(1) of the School
Attendance (Pupil Registration) (England) Regulations 2024 (SI 2024/208),
with the questions the school answers for it and the conditions those
answers must meet. CHECKS lists every check a removal notice goes through.
removals.checks evaluates both tables. No other module contains a rule
about grounds, so a reader finds each one here with its source.

Confidence follows the sources: "confirmed" where the text of SI 2024/208
was read, "secondary" where it comes from DfE guidance or local authority
forms, and "unconfirmed" where the 2024 text was not found and the rule is
carried over from the 2006 Regulations. Every unconfirmed number is a
setting in ONROLL_REMOVALS.
"""

from dataclasses import dataclass

from schools.models import School

CONFIRMED = "confirmed"
SECONDARY = "secondary"
UNCONFIRMED = "unconfirmed"

SI = "SI 2024/208"


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    kind: str  # "yes_no", "date" or "number"
    hint: str = ""


@dataclass(frozen=True)
class Condition:
    """One condition a ground's answers must meet, and the check it belongs to.

    `test` names a function in removals.checks.TESTS. `setting` is the key of
    ONROLL_REMOVALS holding the threshold, for tests that compare a number.
    """

    check: str
    question: str
    test: str
    failure: str
    source: str
    confidence: str
    setting: str = ""


@dataclass(frozen=True)
class Ground:
    letter: str
    title: str
    explanation: str
    source: str
    confidence: str
    questions: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    # School types the ground applies to; None means every type.
    school_types: frozenset[str] | None = None
    # Whether a pupil whose special school place the authority arranged may
    # be deleted on this ground only with the authority's consent (the
    # la_consent check). SI 2006/1751 reg 8(2) does not cover its reg
    # 8(1)(a), (j) and (m), which are a school attendance order changed or
    # revoked, death and permanent exclusion (grounds D, E, K and O here).
    # NOTE: which 2024 paragraph carries the rule over was not confirmed.
    needs_la_consent_at_special_school: bool = True


@dataclass(frozen=True)
class Check:
    code: str
    title: str
    source: str
    confidence: str


CHECKS: dict[str, Check] = {
    check.code: check
    for check in [
        Check(
            "on_time",
            "Notified no later than the deletion",
            f"{SI} reg 13(4): the deletion return is made when the name is "
            "deleted, so no later than the day of deletion",
            SECONDARY,
        ),
        Check(
            "school_type",
            "Ground applies to this kind of school",
            f"{SI} reg 9(1)",
            SECONDARY,
        ),
        Check(
            "ground_conditions",
            "Conditions of the ground are met",
            f"{SI} reg 9(1)",
            SECONDARY,
        ),
        Check(
            "la_decision",
            "Local authority decision on the school attendance order",
            f"{SI} reg 9(1)(d) and (e)",
            CONFIRMED,
        ),
        Check(
            "joint_enquiries",
            "Reasonable enquiries made jointly with the local authority",
            f"{SI} reg 9(1)(h) and (i)",
            SECONDARY,
        ),
        Check(
            "la_consent",
            "Local authority consent for a pupil it placed in a special school",
            f"{SI} reg 9 (carried over from SI 2006/1751 reg 8(2), which does not "
            "apply to deletions after a school attendance order is changed or "
            "revoked, a death or a permanent exclusion); paragraph number not "
            "confirmed",
            SECONDARY,
        ),
        Check(
            "continuous_absence",
            "At least 20 continuous school days of absence",
            f"{SI} reg 9(1)(i)",
            SECONDARY,
        ),
        Check(
            "deletion_return",
            "Deletion return complete",
            f"{SI} reg 13(4)(a) to (e)",
            CONFIRMED,
        ),
    ]
}


QUESTIONS: dict[str, Question] = {
    question.key: question
    for question in [
        Question(
            "sao_names_school",
            "Does a school attendance order name your school for this pupil?",
            "yes_no",
        ),
        Question(
            "mobile_child_main_school",
            "Is the pupil a mobile child (a Traveller family with no fixed abode) "
            "for whom your school is the main school?",
            "yes_no",
        ),
        Question(
            "dual_registration_agreed",
            "Was dual registration with the other school agreed or decided?",
            "yes_no",
        ),
        Question(
            "nursery_completed",
            "Has the pupil finished their nursery education at your school?",
            "yes_no",
        ),
        Question(
            "expected_to_attend",
            "Do you have reasonable grounds to believe the pupil will attend "
            "your school again?",
            "yes_no",
        ),
        Question(
            "other_schools_consent",
            "Has every other school the pupil is registered at consented to the "
            "deletion?",
            "yes_no",
        ),
        Question(
            "la_sao_decision",
            "Has the local authority amended or revoked the school attendance "
            "order naming your school?",
            "yes_no",
        ),
        Question(
            "parent_told_in_writing",
            "Has the parent told the school in writing that the pupil will be "
            "educated at home?",
            "yes_no",
        ),
        Question(
            "lives_out_of_reach",
            "Does the pupil no longer ordinarily live within a reasonable distance "
            "of the school?",
            "yes_no",
        ),
        Question(
            "leave_ended_on",
            "On what date did the leave of absence end?",
            "date",
        ),
        Question(
            "sickness_or_unavoidable",
            "Do you have reasonable grounds to believe the absence is due to "
            "sickness (including mental health) or another unavoidable cause?",
            "yes_no",
        ),
        Question(
            "joint_enquiries_done",
            "Have the school and the local authority jointly made reasonable "
            "enquiries and failed to find where the pupil is?",
            "yes_no",
            "The school's attendance or CME contact at the authority must have "
            "taken part in the enquiries.",
        ),
        Question(
            "first_absence_on",
            "On what date was the pupil's first day of continuous absence?",
            "date",
        ),
        Question(
            "sessions_coded_gno",
            "Was every session of the absence recorded with code G, N or O?",
            "yes_no",
        ),
        Question(
            "sentence_of_detention",
            "Is the pupil serving a sentence of detention (not remand)?",
            "yes_no",
        ),
        Question(
            "sentence_months",
            "How long is the sentence, in months?",
            "number",
        ),
        Question(
            "reaches_leaving_age",
            "Will the pupil be over compulsory school age before the school next "
            "meets?",
            "yes_no",
        ),
        Question(
            "continuing_sixth_form",
            "Is the pupil continuing into your sixth form?",
            "yes_no",
        ),
        Question(
            "is_boarder",
            "Is the pupil a boarder?",
            "yes_no",
        ),
        Question(
            "charges_unpaid",
            "Were the boarding charges still unpaid at the end of the term they "
            "relate to?",
            "yes_no",
        ),
        Question(
            "review_concluded",
            "Has the governing board decided not to reinstate the pupil, and has "
            "the time to ask for an independent review passed or the review ended?",
            "yes_no",
        ),
    ]
}

# Questions a notice from a special school answers on a ground whose row has
# needs_la_consent_at_special_school set.
SPECIAL_SCHOOL_QUESTIONS = (
    Question(
        "placed_by_la",
        "Did the local authority arrange the pupil's place at your school?",
        "yes_no",
    ),
    Question(
        "la_consent_given",
        "Has the local authority consented to the deletion?",
        "yes_no",
    ),
)


def _yes(check, question, failure, source, confidence=SECONDARY):
    return Condition(check, question, "is_yes", failure, source, confidence)


def _no(check, question, failure, source, confidence=SECONDARY):
    return Condition(check, question, "is_no", failure, source, confidence)


_JOINT_ENQUIRIES = {
    "h": _yes(
        "joint_enquiries",
        "joint_enquiries_done",
        "Ground H needs the school and the local authority to have jointly made "
        "reasonable enquiries, and failed to find the pupil, before deletion.",
        f"{SI} reg 9(1)(h); SI 2006/1751 reg 8",
    ),
    "i": _yes(
        "joint_enquiries",
        "joint_enquiries_done",
        "Ground I needs the school and the local authority to have jointly made "
        "reasonable enquiries, and failed to find the pupil, before deletion.",
        f"{SI} reg 9(1)(i)",
    ),
}

# Maintained schools and academies, the schools whose boarders ground M covers.
_STATE_FUNDED = frozenset(
    {School.Type.MAINTAINED, School.Type.ACADEMY, School.Type.SPECIAL}
)

GROUNDS: dict[str, Ground] = {
    ground.letter: ground
    for ground in [
        Ground(
            "A",
            "Registered at another school",
            "The pupil is now on the admission register of another school and "
            "is no longer on yours by agreement.",
            f"{SI} reg 9(1)(a)",
            CONFIRMED,
            (
                "sao_names_school",
                "mobile_child_main_school",
                "dual_registration_agreed",
            ),
            (
                _no(
                    "ground_conditions",
                    "sao_names_school",
                    "Ground A does not apply while a school attendance order names "
                    "your school.",
                    f"{SI} reg 9(1)(a)(i)",
                    CONFIRMED,
                ),
                _no(
                    "ground_conditions",
                    "mobile_child_main_school",
                    "Ground A does not apply to a mobile child at their main school.",
                    f"{SI} reg 9(1)(a)(ii)",
                    CONFIRMED,
                ),
                _no(
                    "ground_conditions",
                    "dual_registration_agreed",
                    "Ground A does not apply where dual registration was agreed or "
                    "decided; the pupil stays on both registers.",
                    f"{SI} reg 9(1)(a)(iii)",
                    CONFIRMED,
                ),
            ),
        ),
        Ground(
            "B",
            "Finished nursery and not coming back",
            "The pupil was admitted for nursery education, has finished it, and "
            "you have no reasonable grounds to believe they will attend the "
            "school again.",
            f"{SI} reg 9(1)(b)",
            CONFIRMED,
            ("nursery_completed", "expected_to_attend"),
            (
                _yes(
                    "ground_conditions",
                    "nursery_completed",
                    "Ground B applies only to a pupil who has finished nursery "
                    "education at the school.",
                    f"{SI} reg 9(1)(b)",
                    CONFIRMED,
                ),
                _no(
                    "ground_conditions",
                    "expected_to_attend",
                    "Ground B does not apply while you expect the pupil to attend "
                    "again.",
                    f"{SI} reg 9(1)(b)",
                    CONFIRMED,
                ),
            ),
        ),
        Ground(
            "C",
            "Dual registered and not attending here",
            "The pupil is also registered at another school, every other school "
            "consents, and you have no reasonable grounds to believe the pupil "
            "will attend your school again.",
            f"{SI} reg 9(1)(c)",
            CONFIRMED,
            ("other_schools_consent", "expected_to_attend", "sao_names_school"),
            (
                _yes(
                    "ground_conditions",
                    "other_schools_consent",
                    "Ground C needs the consent of every other school the pupil is "
                    "registered at.",
                    f"{SI} reg 9(1)(c)(ii)",
                    CONFIRMED,
                ),
                _no(
                    "ground_conditions",
                    "expected_to_attend",
                    "Ground C does not apply while you expect the pupil to attend "
                    "again.",
                    f"{SI} reg 9(1)(c)(i)",
                    CONFIRMED,
                ),
                _no(
                    "ground_conditions",
                    "sao_names_school",
                    "Ground C does not apply while a school attendance order names "
                    "your school.",
                    f"{SI} reg 9(1)(c)(iii)",
                    CONFIRMED,
                ),
            ),
        ),
        Ground(
            "D",
            "School attendance order amended to another school",
            "The local authority has amended the pupil's school attendance order "
            "to name another school instead of yours.",
            f"{SI} reg 9(1)(d)",
            CONFIRMED,
            ("la_sao_decision",),
            (
                _yes(
                    "la_decision",
                    "la_sao_decision",
                    "Ground D needs the local authority's decision amending the "
                    "school attendance order.",
                    f"{SI} reg 9(1)(d)",
                    CONFIRMED,
                ),
            ),
            needs_la_consent_at_special_school=False,
        ),
        Ground(
            "E",
            "School attendance order revoked",
            "The local authority has revoked the school attendance order naming "
            "your school because the pupil is receiving suitable education "
            "otherwise.",
            f"{SI} reg 9(1)(e)",
            CONFIRMED,
            ("la_sao_decision",),
            (
                _yes(
                    "la_decision",
                    "la_sao_decision",
                    "Ground E needs the local authority's decision revoking the "
                    "school attendance order.",
                    f"{SI} reg 9(1)(e)",
                    CONFIRMED,
                ),
            ),
            needs_la_consent_at_special_school=False,
        ),
        Ground(
            "F",
            "Parent will educate at home",
            "The parent has told the school in writing that the pupil will be "
            "educated otherwise than at school (elective home education).",
            f"{SI} reg 9(1)(f)",
            SECONDARY,
            ("parent_told_in_writing",),
            (
                _yes(
                    "ground_conditions",
                    "parent_told_in_writing",
                    "Ground F needs the parent's notice in writing; a spoken "
                    "intention is not enough.",
                    f"{SI} reg 9(1)(f)",
                ),
            ),
        ),
        Ground(
            "G",
            "No longer lives within reach of the school",
            "The pupil no longer ordinarily lives within a reasonable distance of "
            "the school.",
            f"{SI} reg 9(1)(g)",
            SECONDARY,
            ("lives_out_of_reach",),
            (
                _yes(
                    "ground_conditions",
                    "lives_out_of_reach",
                    "Ground G applies only when the pupil no longer lives within a "
                    "reasonable distance of the school.",
                    f"{SI} reg 9(1)(g)",
                ),
            ),
        ),
        Ground(
            "H",
            "Not back after a leave of absence",
            "The pupil has not come back within the set time after a leave of "
            "absence ended, it is not because of sickness or another unavoidable "
            "cause, and the school and the authority together cannot find them.",
            f"{SI} reg 9(1)(h)",
            SECONDARY,
            ("leave_ended_on", "sickness_or_unavoidable", "joint_enquiries_done"),
            (
                Condition(
                    "ground_conditions",
                    "leave_ended_on",
                    "school_days_to_deletion_at_least",
                    "Ground H applies only once the pupil has failed to return for "
                    "{threshold} school days after the leave ended; {count} had "
                    "passed by the deletion.",
                    "SI 2006/1751 reg 8; that SI 2024/208 keeps the 10-day "
                    "window is not confirmed",
                    UNCONFIRMED,
                    setting="leave_not_returned_days",
                ),
                _no(
                    "ground_conditions",
                    "sickness_or_unavoidable",
                    "Ground H does not apply when the absence may be due to "
                    "sickness or another unavoidable cause.",
                    f"{SI} reg 9(1)(h)",
                ),
                _JOINT_ENQUIRIES["h"],
            ),
        ),
        Ground(
            "I",
            "Continuously absent for 20 school days",
            "The pupil has been absent for at least 20 school days in a row, "
            "every session coded G, N or O, not through sickness or another "
            "unavoidable cause, and the school and the authority together cannot "
            "find them.",
            f"{SI} reg 9(1)(i)",
            SECONDARY,
            (
                "first_absence_on",
                "sessions_coded_gno",
                "sickness_or_unavoidable",
                "joint_enquiries_done",
            ),
            (
                Condition(
                    "continuous_absence",
                    "first_absence_on",
                    "absent_school_days_at_least",
                    "Ground I needs {threshold} continuous school days of absence "
                    "before the deletion; from the first day of absence there "
                    "were {count}.",
                    f"{SI} reg 9(1)(i)",
                    SECONDARY,
                    setting="continuous_absence_days",
                ),
                _yes(
                    "ground_conditions",
                    "sessions_coded_gno",
                    "Ground I needs every session of the absence coded G, N or O.",
                    f"{SI} reg 9(1)(i) and reg 10, Table 3",
                ),
                _no(
                    "ground_conditions",
                    "sickness_or_unavoidable",
                    "Ground I does not apply when the absence may be due to "
                    "sickness or another unavoidable cause.",
                    f"{SI} reg 9(1)(i)",
                ),
                _JOINT_ENQUIRIES["i"],
            ),
        ),
        Ground(
            "J",
            "Serving a sentence of detention",
            "The pupil is detained under a sentence of detention, such as a "
            "detention and training order. A pupil on remand stays on roll.",
            f"{SI} reg 9(1)(j) and reg 3(1)",
            SECONDARY,
            ("sentence_of_detention", "sentence_months"),
            (
                _yes(
                    "ground_conditions",
                    "sentence_of_detention",
                    "Ground J applies only to a sentence of detention, not to remand.",
                    f"{SI} reg 3(1), definition of sentence of detention",
                    CONFIRMED,
                ),
                Condition(
                    "ground_conditions",
                    "sentence_months",
                    "at_least",
                    "Ground J needs a sentence of at least {threshold} months; "
                    "this one is {count}.",
                    "SI 2006/1751 reg 8; that SI 2024/208 keeps the 4-month "
                    "minimum is not confirmed",
                    UNCONFIRMED,
                    setting="detention_min_months",
                ),
            ),
        ),
        Ground(
            "K",
            "Died",
            "The pupil has died.",
            f"{SI} reg 9(1)(k)",
            SECONDARY,
            needs_la_consent_at_special_school=False,
        ),
        Ground(
            "L",
            "Leaving at the end of compulsory school age",
            "The pupil will be over compulsory school age before the school next "
            "meets and is not continuing into your sixth form.",
            f"{SI} reg 9(1)(l)",
            SECONDARY,
            ("reaches_leaving_age", "continuing_sixth_form"),
            (
                Condition(
                    "ground_conditions",
                    "reaches_leaving_age",
                    "near_leaving_date",
                    "Ground L applies only to a pupil who reaches the school "
                    "leaving date (the last Friday in June of the school year they "
                    "turn 16) before the school next meets; this pupil's is "
                    "{leaving_date}.",
                    f"{SI} reg 9(1)(l); the leaving date rule (Education Act "
                    "1996 s8) was not checked against its text",
                    SECONDARY,
                ),
                _no(
                    "ground_conditions",
                    "continuing_sixth_form",
                    "Ground L does not apply to a pupil continuing into the sixth "
                    "form.",
                    f"{SI} reg 9(1)(l)",
                ),
            ),
        ),
        Ground(
            "M",
            "Boarding charges unpaid",
            "The pupil is a boarder and the boarding charges were still unpaid at "
            "the end of the term they relate to.",
            f"{SI} reg 9(1)(m)",
            SECONDARY,
            ("is_boarder", "charges_unpaid"),
            (
                _yes(
                    "ground_conditions",
                    "is_boarder",
                    "Ground M applies only to boarders.",
                    f"{SI} reg 9(1)(m)",
                ),
                _yes(
                    "ground_conditions",
                    "charges_unpaid",
                    "Ground M needs the charges to be unpaid at the end of the term "
                    "they relate to.",
                    "SI 2011/1625 (amending SI 2006/1751 reg 8)",
                ),
            ),
            school_types=_STATE_FUNDED,
        ),
        Ground(
            "N",
            "Left an independent or non-maintained special school",
            "The pupil has stopped being a pupil at an independent school or a "
            "non-maintained special school.",
            f"{SI} reg 9(1)(n)",
            SECONDARY,
            # NOTE: School.Type has no separate non-maintained special type, so
            # any school of type special passes this check. A special academy
            # is of type academy, so it fails.
            school_types=frozenset({School.Type.INDEPENDENT, School.Type.SPECIAL}),
        ),
        Ground(
            "O",
            "Permanently excluded",
            "The pupil has been permanently excluded, the governing board has "
            "decided not to reinstate them, and the time for an independent "
            "review has passed or the review has ended.",
            f"{SI} reg 9(1)(o)",
            SECONDARY,
            ("review_concluded",),
            (
                _yes(
                    "ground_conditions",
                    "review_concluded",
                    "Ground O applies only after the governing board's decision and "
                    "the independent review period.",
                    "Suspension and permanent exclusion guidance (August 2024); the "
                    "conditions in SI 2024/208 were not confirmed",
                    UNCONFIRMED,
                ),
            ),
            needs_la_consent_at_special_school=False,
        ),
    ]
}


def ground_choices() -> list[tuple[str, str]]:
    return [(g.letter, f"{g.letter}: {g.title}") for g in GROUNDS.values()]


def asks_la_consent(letter: str, school: School) -> bool:
    """Return whether the school answers SPECIAL_SCHOOL_QUESTIONS on this ground."""
    return school.is_special and GROUNDS[letter].needs_la_consent_at_special_school


def questions_for(letter: str, school: School) -> list[Question]:
    """Return the questions the school answers for a notice on this ground."""
    ground = GROUNDS[letter]
    questions = [QUESTIONS[key] for key in ground.questions]
    if asks_la_consent(letter, school):
        questions.extend(SPECIAL_SCHOOL_QUESTIONS)
    return questions
