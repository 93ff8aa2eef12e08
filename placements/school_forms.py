"""The answers a school gives to an on-roll request, and their forms.

A school answers either signed in (placements.school_views, /school/) or
through the signed link in its email (placements.links). Both use these
forms, which carry the case version like every other transition form. Which
answers a state allows is decided by placements.states, not here.
"""

from dataclasses import dataclass
from typing import Any

from placements.forms import (
    ConfirmOnRollForm,
    GovukDateField,
    ReportNotArrivedForm,
    TransitionForm,
    _note_field,
)
from placements.models import Placement


class SchoolConfirmAttendanceForm(TransitionForm):
    """Attendance confirmed by the school itself, from its own register."""

    confirmed_on = GovukDateField(
        label="Date attendance was confirmed",
        help_text="The day you saw the child in school. For example, 4 12 2026",
    )
    note = _note_field("Note")

    def action_data(self) -> dict[str, Any]:
        return {
            **super().action_data(),
            "confirmed_with": Placement.ConfirmedWith.SCHOOL,
        }


@dataclass(frozen=True)
class SchoolAnswer:
    title: str  # the page heading and the link text, in the school's words
    button: str
    form: type[TransitionForm]


# Keyed by the transition name in placements.states.TRANSITIONS.
SCHOOL_ANSWERS: dict[str, SchoolAnswer] = {
    "confirm_on_roll": SchoolAnswer(
        "Confirm the child is on roll", "Confirm on roll", ConfirmOnRollForm
    ),
    "confirm_attendance": SchoolAnswer(
        "Confirm the child is attending",
        "Confirm attendance",
        SchoolConfirmAttendanceForm,
    ),
    "report_not_arrived": SchoolAnswer(
        "Tell us the child has not arrived",
        "Report the child has not arrived",
        ReportNotArrivedForm,
    ),
}
