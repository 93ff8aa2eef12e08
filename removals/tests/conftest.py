from datetime import date

import pytest

from access.models import User
from access.tests.factories import UserFactory
from schools.models import School
from schools.tests.factories import SchoolFactory

# Answers that meet every condition of each ground for a notice of a
# deletion on Friday 4 December 2026 (DELETION_ON), given that day.
DELETION_ON = date(2026, 12, 4)

GOOD_ANSWERS = {
    "A": {
        "sao_names_school": "no",
        "mobile_child_main_school": "no",
        "dual_registration_agreed": "no",
    },
    "B": {"nursery_completed": "yes", "expected_to_attend": "no"},
    "C": {
        "other_schools_consent": "yes",
        "expected_to_attend": "no",
        "sao_names_school": "no",
    },
    "D": {"la_sao_decision": "yes"},
    "E": {"la_sao_decision": "yes"},
    "F": {"parent_told_in_writing": "yes"},
    "G": {"lives_out_of_reach": "yes"},
    # 15 school days after the leave ended on Friday 13 November.
    "H": {
        "leave_ended_on": "2026-11-13",
        "sickness_or_unavoidable": "no",
        "joint_enquiries_done": "yes",
    },
    # Absent from Thursday 5 November: 21 school days before the deletion.
    "I": {
        "first_absence_on": "2026-11-05",
        "sessions_coded_gno": "yes",
        "sickness_or_unavoidable": "no",
        "joint_enquiries_done": "yes",
    },
    "J": {"sentence_of_detention": "yes", "sentence_months": "6"},
    "K": {},
    "L": {"reaches_leaving_age": "yes", "continuing_sixth_form": "no"},
    "M": {"is_boarder": "yes", "charges_unpaid": "yes"},
    "N": {},
    "O": {"review_concluded": "yes"},
}

# Fields other than the defaults that a ground needs to pass its checks.
GROUND_FIELDS = {
    # Born 1 August 2010: the school leaving date was 26 June 2026.
    "L": {"date_of_birth": date(2010, 8, 1)},
}
GROUND_SCHOOL_TYPES = {"N": School.Type.INDEPENDENT}


def notice_fields(ground: str = "A", **overrides) -> dict:
    """Return the fields of a notice that passes every check, with overrides."""
    fields = {
        "first_name": "Maya",
        "last_name": "Testpupil",
        "date_of_birth": date(2015, 3, 14),
        "upn": "",
        "address": "12 Station Road, Hinckley LE10 1AA",
        "parents": [
            {
                "name": "Sam Testpupil",
                "address": "12 Station Road, Hinckley LE10 1AA",
                "phone": "01455 000000",
            }
        ],
        "ground": ground,
        "answers": dict(GOOD_ANSWERS[ground]),
        "deletion_on": DELETION_ON,
        "destination": "home_education",
        "notifier_name": "Pat Registrar",
        "notifier_role": "Attendance officer",
        **GROUND_FIELDS.get(ground, {}),
    }
    fields.update(overrides)
    return fields


def school_user_for(school: School) -> User:
    return UserFactory(
        username=f"school-{school.urn}",
        authority=None,
        school=school,
        role=User.Role.SCHOOL_USER,
    )


@pytest.fixture
def school_of_type(authority):
    """Build a school of the given type in the authority, with a user.

    A school of type special is always a special school. `is_special` also
    marks a school of another type, such as a special academy, as one.
    """

    def build(kind: str, *, is_special: bool = False) -> tuple[School, User]:
        school = SchoolFactory(
            authority=authority,
            type=kind,
            is_special=is_special or kind == School.Type.SPECIAL,
        )
        return school, school_user_for(school)

    return build
