"""Forms of the removal pages. They only collect input: removals.actions and
removals.checks decide what is valid and what each ground needs."""

from typing import Any

from django import forms

from placements.forms import (
    GovukDateField,
    GovukForm,
    SchoolField,
    case_version_field,
)
from removals.grounds import (
    GROUNDS,
    QUESTIONS,
    SPECIAL_SCHOOL_QUESTIONS,
    Question,
    asks_la_consent,
)
from removals.models import Destination
from removals.states import CLOSED_STATES, TRANSITIONS
from schools.models import Authority, School

SPECIAL = "special"


def question_field_name(group: str, key: str) -> str:
    """Return the form field of a question: one per ground, so each ground's
    questions sit under its own radio button."""
    return f"q_{group}_{key}"


def _question_field(question: Question, required_message: str) -> forms.Field:
    """Return the field of a question, required when its ground is chosen.

    NoticeForm.full_clean drops the errors of the grounds not chosen.
    """
    required = {"required": required_message}
    if question.kind == "yes_no":
        return forms.ChoiceField(
            label=question.text,
            help_text=question.hint,
            choices=[("yes", "Yes"), ("no", "No")],
            widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
            error_messages=required,
        )
    if question.kind == "date":
        return GovukDateField(label=question.text, error_messages=required)
    return forms.CharField(
        label=question.text,
        error_messages=required,
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}
        ),
    )


class NoticeForm(GovukForm):
    """A school's notice of one deletion from its admission register."""

    show_optional_labels = True

    first_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages={"required": "Enter the pupil's first name"},
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter the pupil's last name"},
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        error_messages={"required": "Enter the pupil's date of birth"},
    )
    upn = forms.CharField(
        label="Unique pupil number (UPN)",
        required=False,
        max_length=20,
        help_text="13 characters, for example B801200005001.",
    )
    address = forms.CharField(label="Pupil's address", required=False, max_length=300)
    parent_name = forms.CharField(
        label="Parent the pupil lives with: full name", required=False, max_length=200
    )
    parent_address = forms.CharField(
        label="Parent's address", required=False, max_length=300
    )
    parent_phone = forms.CharField(
        label="Parent's emergency telephone number", required=False, max_length=30
    )
    parent2_name = forms.CharField(
        label="Second parent: full name", required=False, max_length=200
    )
    parent2_address = forms.CharField(
        label="Second parent's address", required=False, max_length=300
    )
    parent2_phone = forms.CharField(
        label="Second parent's emergency telephone number",
        required=False,
        max_length=30,
    )
    ground = forms.ChoiceField(
        label="Ground for deletion",
        choices=[(g.letter, f"{g.letter}: {g.title}") for g in GROUNDS.values()],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the ground for deletion"},
    )
    deletion_on = GovukDateField(
        label="Date of deletion",
        help_text="The day the name comes off the register, or will. For example "
        "27 11 2026.",
        error_messages={"required": "Enter the date of deletion"},
    )
    destination = forms.ChoiceField(
        label="Where is the pupil going?",
        choices=Destination.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the pupil is going"},
    )
    destination_school = SchoolField(
        label="New school in Onroll",
        required=False,
        help_text="Type the school's name or its 6-digit URN.",
    )
    destination_school_name = forms.CharField(
        label="New school's name, if it is not in Onroll",
        required=False,
        max_length=200,
    )
    destination_authority = forms.ModelChoiceField(
        label="Local authority moved to",
        required=False,
        queryset=Authority.objects.all(),
        empty_label="Not in the list",
    )
    destination_authority_name = forms.CharField(
        label="Local authority's name, if not in the list",
        required=False,
        max_length=100,
    )
    destination_country = forms.CharField(
        label="Country moved to", required=False, max_length=100
    )
    new_address = forms.CharField(
        label="New address, if known", required=False, max_length=300
    )
    new_start_on = GovukDateField(
        label="Start date at the new school, if known", required=False
    )
    siblings = forms.CharField(
        label="Brothers and sisters, with their schools",
        required=False,
        max_length=300,
    )
    notifier_name = forms.CharField(
        label="Your name",
        max_length=200,
        error_messages={"required": "Enter your name"},
    )
    notifier_role = forms.CharField(
        label="Your role",
        max_length=100,
        error_messages={"required": "Enter your role"},
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        schools = School.objects.filter(
            status__in=[School.Status.OPEN, School.Status.PROPOSED_TO_CLOSE]
        ).exclude(pk=school.pk)
        self.fields["destination_school"].queryset = schools
        self.fields["destination_school"].widget.schools = list(schools[:2000])
        self.fields["destination_authority"].queryset = Authority.objects.exclude(
            pk=school.authority_id
        )
        for ground in GROUNDS.values():
            for key in ground.questions:
                question = QUESTIONS[key]
                self.fields[question_field_name(ground.letter, key)] = _question_field(
                    question,
                    f"Answer the question for ground {ground.letter}: {question.text}",
                )
        if school.is_special:
            for question in SPECIAL_SCHOOL_QUESTIONS:
                self.fields[question_field_name(SPECIAL, question.key)] = (
                    _question_field(question, f"Answer the question: {question.text}")
                )

    def _answered_groups(self) -> tuple[str, ...]:
        """Return the question groups the chosen ground needs answered."""
        chosen = self.data.get("ground", "")
        if chosen in GROUNDS and asks_la_consent(chosen, self.school):
            return (chosen, SPECIAL)
        return (chosen,)

    def full_clean(self) -> None:
        super().full_clean()
        # Only the chosen ground's questions count, so a typing slip under
        # another ground must not stop the notice.
        prefixes = tuple(f"q_{group}_" for group in self._answered_groups())
        for name in list(self._errors or {}):
            if name.startswith("q_") and not name.startswith(prefixes):
                del self._errors[name]

    def ground_sections(self) -> list[dict]:
        """Return each ground with its explanation and its questions' bound fields."""
        return [
            {
                "ground": ground,
                "fields": [
                    self[question_field_name(ground.letter, key)]
                    for key in ground.questions
                ],
            }
            for ground in GROUNDS.values()
        ]

    def special_fields(self) -> list:
        return [self[name] for name in self.fields if name.startswith(f"q_{SPECIAL}_")]

    def grounds_without_la_consent(self) -> list[str]:
        """Return the letters of the grounds that need no answers to special_fields."""
        return [
            letter
            for letter in GROUNDS
            if not GROUNDS[letter].needs_la_consent_at_special_school
        ]

    def action_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        answers = {}
        for name, value in data.items():
            for prefix in (f"q_{group}_" for group in self._answered_groups()):
                if name.startswith(prefix) and value not in (None, ""):
                    answers[name.removeprefix(prefix)] = value
        parents = [
            {
                "name": data[f"{prefix}_name"],
                "address": data[f"{prefix}_address"],
                "phone": data[f"{prefix}_phone"],
            }
            for prefix in ("parent", "parent2")
            if data[f"{prefix}_name"]
        ]
        fields = {
            name: value
            for name, value in data.items()
            if not name.startswith(("q_", "parent"))
        }
        return {**fields, "answers": answers, "parents": parents}

    def field_for_action_error(self, key: str) -> str | None:
        """Return the form field an action's error key belongs to, or None."""
        if key.startswith("answer_"):
            question = key.removeprefix("answer_")
            for group in (self.data.get("ground", ""), SPECIAL):
                name = question_field_name(group, question)
                if name in self.fields:
                    return name
            return None
        return key if key in self.fields else None


class UploadForm(GovukForm):
    file = forms.FileField(
        label="CSV file of removal notices",
        help_text="One notice per line, with the columns described below. At most "
        "2 MB.",
        error_messages={"required": "Choose a CSV file to upload"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(
                f"The file is {upload.size // 1024} KB, more than 2 MB. Split it "
                "into smaller files."
            )
        return upload


class ConfirmUploadForm(GovukForm):
    pass


class ChallengeForm(GovukForm):
    reason = forms.CharField(
        label="Why do you doubt this removal?",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The school sees this in every letter.",
        error_messages={"required": "Enter why the removal is being challenged"},
    )


class ChallengeTransitionForm(GovukForm):
    version = case_version_field()
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Added to the challenge's timeline.",
    )

    def __init__(self, *args: Any, challenge: Any, name: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": challenge.version})
        super().__init__(*args, **kwargs)
        self.transition = TRANSITIONS[name]
        # removals.actions.move_challenge rejects an outcome without a note.
        if self.transition.target in CLOSED_STATES:
            note = self.fields["note"]
            note.required = True
            note.label = "Outcome"
            note.help_text = "What was decided, and how it was reached."
            note.error_messages["required"] = "Enter the outcome and how it was reached"


class ConfirmArrivalForm(GovukForm):
    version = case_version_field()
    starting_on = GovukDateField(label="The pupil's first day at your school")


class NotArrivedForm(GovukForm):
    version = case_version_field()
    note = forms.CharField(
        label="What do you know about the pupil?",
        help_text="For example the family's last contact with the school, or "
        "where they said they were going.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter what the school knows, such as the family's last contact"
        },
    )


class MonthForm(GovukForm):
    show_optional_labels = False
    month = forms.DateField(
        label="Month",
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text="For example 2026-11.",
        error_messages={
            "invalid": "Enter the month as year-month, for example 2026-11"
        },
    )
