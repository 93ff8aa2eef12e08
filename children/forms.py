"""Forms that add to a child's vulnerability profile and risk assessments.

Field names are the keyword arguments of the actions in children.actions, so
the actions' errors map back onto the fields by name.
"""

from typing import Any

from django import forms

from children.actions import RISK_QUESTIONS
from children.models import RiskAssessment, VulnerabilityCharacteristic
from placements.forms import GovukDateField, GovukForm, yes_no_field


class VulnerabilityForm(GovukForm):
    kind = forms.ChoiceField(
        label="Characteristic",
        choices=[("", "Select a characteristic")]
        + list(VulnerabilityCharacteristic.Kind.choices),
        error_messages={"required": "Select the characteristic"},
    )
    detail = forms.CharField(
        label="Detail",
        max_length=300,
        required=False,
        help_text="For example, the number of exclusions or school moves.",
    )
    evidence = forms.CharField(
        label="Evidence",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the evidence for this characteristic"},
    )
    source = forms.CharField(
        label="Source",
        max_length=200,
        help_text="Who or what told us, for example children's social care.",
        error_messages={"required": "Enter who or what told us"},
    )
    recorded_on = GovukDateField(
        label="Date recorded", help_text="For example, 4 12 2026"
    )

    def __init__(
        self, *args: Any, kinds: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        """Offer only `kinds` (value, label) when given, as the user's role allows."""
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [("", "Select a characteristic"), *kinds]


class RiskAssessmentForm(GovukForm):
    level = forms.TypedChoiceField(
        label="Risk level",
        choices=RiskAssessment.Level.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the risk level"},
    )
    summary = forms.CharField(
        label="Summary",
        required=False,
        help_text="What the risk is and what is being done about it.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    completed_on = GovukDateField(
        label="Date completed", help_text="For example, 4 12 2026"
    )
    next_review_on = GovukDateField(
        label="Next review date", help_text="Must be after the date completed."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in RISK_QUESTIONS:
            self.fields[question.key] = yes_no_field(
                question.question,
                required_message=f"Select yes if {question.statement}",
            )

    def question_fields(self) -> list[forms.BoundField]:
        return [self[question.key] for question in RISK_QUESTIONS]

    def action_data(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data[name]
            for name in ("level", "summary", "completed_on", "next_review_on")
        }
        data["answers"] = {q.key: self.cleaned_data[q.key] for q in RISK_QUESTIONS}
        return data
