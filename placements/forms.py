"""Forms of Onroll's pages, and the GOV.UK Frontend form pieces they share.

Fields render through templates/django/forms/field.html, which draws each
field as a GOV.UK form group (label or legend, hint, error message, input).
Forms only collect and parse input: the rules about what may be saved live
in the actions (children.actions, placements.actions), whose ValidationErrors
the views put back onto these forms by field name.
"""

import re
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from children.models import Child
from children.upn import validate_upn
from placements.models import Placement
from placements.states import OPEN_STATES, State
from schools.models import School

# Widget attribute through which the govuk_widget template tag tells
# GovukDateInput which of its boxes to draw in the error style. GovukDateInput
# removes it before rendering, so it never reaches the HTML.
ERROR_PARTS_ATTR = "govuk_error_parts"
DATE_PARTS = ("day", "month", "year")


class GovukDateInput(forms.MultiWidget):
    """Day, month and year text boxes, drawn as the GOV.UK date input."""

    template_name = "django/forms/widgets/govuk_date.html"
    use_fieldset = True

    def __init__(self, attrs: dict | None = None) -> None:
        widgets = {part: forms.TextInput() for part in DATE_PARTS}
        super().__init__(widgets, attrs)

    def decompress(self, value: date | None) -> list[int | None]:
        if value is None:
            return [None, None, None]
        return [value.day, value.month, value.year]

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        attrs = dict(attrs or {})
        error_parts = attrs.pop(ERROR_PARTS_ATTR, ())
        context = super().get_context(name, value, attrs)
        for part, subwidget in zip(
            DATE_PARTS, context["widget"]["subwidgets"], strict=True
        ):
            subwidget["part_label"] = part.capitalize()
            subwidget["width"] = 4 if part == "year" else 2
            subwidget["has_error"] = part in error_parts
        return context


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, with the GOV.UK date error messages.

    The messages name the field by its label: "Enter the date received",
    "Date received must include a month", "Date received must be a real date".
    Each error carries the parts to mark in its `parts` param.
    """

    widget = GovukDateInput

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        given_messages = kwargs.get("error_messages") or {}
        parts = tuple(forms.CharField(required=False) for _ in DATE_PARTS)
        super().__init__(parts, label=label, require_all_fields=False, **kwargs)
        if "required" not in given_messages:
            self.error_messages["required"] = (
                f"Enter the {label[:1].lower()}{label[1:]}"
            )

    def compress(self, data_list: list) -> date | None:
        # Not used: clean() below parses the parts itself to choose the message.
        raise NotImplementedError

    def clean(self, value: list | None) -> date | None:
        values = list(value or [None, None, None])
        parts = {
            part: "" if raw is None else str(raw).strip()
            for part, raw in zip(DATE_PARTS, values, strict=True)
        }
        missing = [part for part in DATE_PARTS if not parts[part]]
        if len(missing) == len(DATE_PARTS):
            if self.required:
                raise ValidationError(
                    self.error_messages["required"],
                    code="required",
                    params={"parts": DATE_PARTS},
                )
            return None
        if missing:
            raise ValidationError(
                f"{self.label} must include a {' and '.join(missing)}",
                code="incomplete",
                params={"parts": tuple(missing)},
            )
        if not all(parts[part].isdigit() for part in DATE_PARTS):
            raise self._not_real()
        if len(parts["year"]) != 4:
            raise ValidationError(
                "Year must include 4 numbers", code="year", params={"parts": ("year",)}
            )
        try:
            result = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            raise self._not_real() from None
        self.run_validators(result)
        return result

    def _not_real(self) -> ValidationError:
        return ValidationError(
            f"{self.label} must be a real date",
            code="invalid",
            params={"parts": DATE_PARTS},
        )


def error_parts(errors: list[ValidationError]) -> set[str]:
    """Return the date parts to mark: all of them unless each error names its parts."""
    marked: set[str] = set()
    for error in errors:
        params = getattr(error, "params", None) or {}
        marked.update(params.get("parts", DATE_PARTS))
    return marked


class GovukForm(forms.Form):
    """A form checked on the server only, so every error shows in GOV.UK style."""

    use_required_attribute = False
    # Whether labels of optional fields end in "(optional)", as GOV.UK advises
    # on question pages. Filter forms, where every field is optional, turn it off.
    show_optional_labels = True
    # Fields the form leaves optional because the action checks them (with a
    # message naming the rule), which must not be labelled optional.
    needed_fields: frozenset[str] = frozenset()


def yes_no_field(label: str, *, required_message: str) -> forms.TypedChoiceField:
    """Return a required Yes/No radio question that cleans to a bool."""
    return forms.TypedChoiceField(
        label=label,
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
        error_messages={"required": required_message},
    )


class SignInForm(GovukForm, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are "
        "case-sensitive.",
        "inactive": "This account is inactive. Ask your administrator to "
        "reactivate it.",
    }

    def __init__(self, request=None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs["spellcheck"] = "false"


# Worklist and check-off list ------------------------------------------------


class WorklistFilterForm(GovukForm):
    """The worklist's filters, read from the query string."""

    show_optional_labels = False

    OWNER_EVERYONE = "everyone"
    OWNER_MINE = "mine"
    ONLY_OVERDUE = "overdue"
    ONLY_ALERT = "alert"

    state = forms.ChoiceField(
        label="State",
        required=False,
        choices=[("", "Any open state")]
        + [(state.value, state.label) for state in State if state in OPEN_STATES],
    )
    school = forms.ModelChoiceField(
        label="School",
        required=False,
        queryset=School.objects.none(),
        empty_label="Any school",
    )
    owner = forms.ChoiceField(
        label="Owner",
        required=False,
        initial=OWNER_EVERYONE,
        choices=[(OWNER_EVERYONE, "Everyone's cases"), (OWNER_MINE, "My cases")],
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--small"}),
    )
    only = forms.MultipleChoiceField(
        label="Show only",
        required=False,
        choices=[
            (ONLY_OVERDUE, "Overdue cases"),
            (ONLY_ALERT, "Children with an alert"),
        ],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes--small"}),
    )

    def __init__(self, *args: Any, schools, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


# New application ------------------------------------------------------------

YEAR_GROUPS = [("Reception", "Reception")] + [
    (f"Year {number}", f"Year {number}") for number in range(1, 12)
]


class NewApplicationForm(GovukForm):
    """The child, their address, one parent or carer, and the application.

    Field names are the keyword arguments of children.actions.register_child
    and placements.actions.open_application, so their errors map back by name.
    """

    CHILD_FIELDS = (
        "legal_first_name",
        "legal_last_name",
        "preferred_name",
        "date_of_birth",
        "sex",
        "upn",
        "address_line_1",
        "address_town",
        "address_postcode",
        "contact_name",
        "contact_relationship",
        "contact_phone",
        "contact_email",
    )
    APPLICATION_FIELDS = ("received_on", "reason", "year_group")

    legal_first_name = forms.CharField(
        label="Legal first name",
        max_length=100,
        error_messages={"required": "Enter the child's legal first name"},
    )
    legal_last_name = forms.CharField(
        label="Legal last name",
        max_length=100,
        error_messages={"required": "Enter the child's legal last name"},
    )
    preferred_name = forms.CharField(
        label="Preferred name",
        max_length=100,
        required=False,
        help_text="The name the child is known by, if different.",
    )
    date_of_birth = GovukDateField(
        label="Date of birth", help_text="For example, 27 3 2015"
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=Child.Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the child's sex, or Not known"},
    )
    upn = forms.CharField(
        label="Unique pupil number (UPN)",
        required=False,
        validators=[validate_upn],
        help_text="13 characters, for example B801200005001. Leave blank if the "
        "child has never attended a school in England.",
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-20", "spellcheck": "false"}
        ),
    )
    address_line_1 = forms.CharField(
        label="Address line 1",
        max_length=200,
        error_messages={"required": "Enter the first line of the child's address"},
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    address_town = forms.CharField(
        label="Town or city",
        max_length=100,
        error_messages={"required": "Enter the town or city"},
        widget=forms.TextInput(
            attrs={
                "class": "govuk-!-width-two-thirds",
                "autocomplete": "address-level2",
            }
        ),
    )
    address_postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        error_messages={"required": "Enter the postcode"},
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-10", "autocomplete": "postal-code"}
        ),
    )
    contact_name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={"required": "Enter the parent or carer's full name"},
    )
    contact_relationship = forms.CharField(
        label="Relationship to the child",
        max_length=50,
        help_text="For example, mother, father or foster carer.",
        error_messages={
            "required": "Enter the parent or carer's relationship to the child"
        },
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    contact_phone = forms.CharField(
        label="Phone number",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "type": "tel"}),
    )
    contact_email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like "
            "name@example.com"
        },
        widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    received_on = GovukDateField(
        label="Date received", help_text="The day the application arrived."
    )
    reason = forms.CharField(
        label="Reason for the application",
        max_length=200,
        required=False,
        help_text="For example, moved into the area or excluded from the last school.",
    )
    year_group = forms.ChoiceField(
        label="Year group applied for",
        choices=[("", "Select a year group")] + YEAR_GROUPS,
        error_messages={"required": "Select the year group applied for"},
    )

    def child_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.CHILD_FIELDS}

    def application_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.APPLICATION_FIELDS}


# Case transitions -----------------------------------------------------------


def case_version_field() -> forms.IntegerField:
    """Return the hidden field with the version of the case the form was read at.

    The action compares it with the stored version (casework.transitions), so
    a change made by someone else in between is rejected, not overwritten.
    """
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": "The form was sent without the case version. Reload the "
            "case and try again.",
            "invalid": "The form was sent with an invalid case version. Reload "
            "the case and try again.",
        },
    )


class TransitionForm(GovukForm):
    """The input of one placement action, with the case version it was read at.

    Every field other than `version` is a keyword argument of the action, so
    `action_data()` passes straight through and the action's errors map back.
    """

    version = case_version_field()

    def __init__(self, *args: Any, placement: Placement, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": placement.version})
        super().__init__(*args, **kwargs)
        self.placement = placement

    def action_data(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "version"
        }


def _note_field(label: str, *, help_text: str = "") -> forms.CharField:
    # Optional here, because each action that needs a note raises its own
    # error when the note is blank.
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class NoteForm(TransitionForm):
    note = _note_field("Note")


class ConfirmForm(TransitionForm):
    """A transition that needs nothing but a confirmation."""


class SchoolInput(forms.TextInput):
    """A text box for a school's URN or name, suggesting the schools on offer."""

    template_name = "django/forms/widgets/school_input.html"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(
            {"autocomplete": "off", "spellcheck": "false", **(attrs or {})}
        )
        self.schools: list[School] = []

    def format_value(self, value: Any) -> str | None:
        # An unbound form holds the school's primary key; show what an officer
        # would type instead. A bound form shows exactly what was typed.
        if isinstance(value, int):
            school = next((s for s in self.schools if s.pk == value), None)
            return str(school) if school else str(value)
        return super().format_value(value)

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        context["widget"]["schools"] = self.schools
        return context


class SchoolField(forms.ModelChoiceField):
    """A school chosen by typing its URN, its name, or "Name (URN)".

    An officer usually has the school's URN from the application, or picks the
    name from the browser's suggestions, which read "Name (URN)".
    """

    widget = SchoolInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=School.objects.none(), **kwargs)

    def to_python(self, value: Any) -> School | None:
        typed = str(value or "").strip()
        if not typed:
            return None
        schools = self.queryset
        urn = re.fullmatch(r"(?:.*\()?\s*(\d{6})\s*\)?", typed)
        if urn:
            school = schools.filter(urn=int(urn.group(1))).first()
            if school is None:
                raise ValidationError(
                    f"No open school in this authority has URN {urn.group(1)}. "
                    "Check the URN, or type the school's name and choose it from "
                    "the list.",
                    code="unknown_urn",
                )
            return school
        matches = list(schools.filter(name__iexact=typed)[:2])
        if len(matches) == 1:
            return matches[0]
        raise ValidationError(
            f"No single open school in this authority is called \u201c{typed}\u201d. "
            "Type the school's 6-digit URN, or choose its name from the list.",
            code="unknown_name",
        )

    def validate(self, value: School | None) -> None:
        forms.Field.validate(self, value)


class OfferForm(TransitionForm):
    school = SchoolField(
        label="School",
        help_text="Type the school's name or its 6-digit URN (unique reference "
        "number), for example 120255.",
        error_messages={"required": "Enter the school offering the place"},
    )
    offered_on = GovukDateField(label="Offer date", help_text="For example, 4 12 2026")
    agreed_start_on = GovukDateField(
        label="Agreed start date",
        help_text="The day the child is due to start, agreed with the school "
        "and the family.",
    )
    note = _note_field("Note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schools = School.objects.filter(
            authority_id=self.placement.authority_id,
            status__in=[School.Status.OPEN, School.Status.PROPOSED_TO_CLOSE],
        ).order_by("name")
        self.fields["school"].queryset = schools
        self.fields["school"].widget.schools = list(schools)


class ConfirmOnRollForm(TransitionForm):
    starting_on = GovukDateField(
        label="Starting day",
        help_text="The child's first day at the school, as the school confirmed.",
    )
    note = _note_field("Note")


class ConfirmAttendanceForm(TransitionForm):
    confirmed_on = GovukDateField(
        label="Date attendance was confirmed", help_text="For example, 4 12 2026"
    )
    confirmed_with = forms.ChoiceField(
        label="Who confirmed the child is attending?",
        choices=Placement.ConfirmedWith.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who confirmed the child is attending"},
    )
    note = _note_field("Note")


class RequiredNoteForm(TransitionForm):
    """A transition whose action rejects a blank note with its own message."""

    show_optional_labels = False


class RefuseForm(RequiredNoteForm):
    note = _note_field("Reason for refusing the application")
    appeal_lodged = forms.BooleanField(
        label="The family has lodged an appeal", required=False
    )


class WithdrawForm(RequiredNoteForm):
    note = _note_field("Why was the application withdrawn?")


class MoveOutForm(RequiredNoteForm):
    note = _note_field(
        "Where has the family moved to?",
        help_text="The new authority and address, if known.",
    )


class ReferForm(RequiredNoteForm):
    note = _note_field("Why is the child being referred?")


class ReportNotArrivedForm(RequiredNoteForm):
    note = _note_field(
        "What happened?",
        help_text="For example, the child did not arrive on the agreed start date "
        "and the family cannot be reached.",
    )


class RecordReplyForm(RequiredNoteForm):
    """A school's reply to the on-roll request that came by phone or email."""

    received_on = GovukDateField(
        label="Date of the reply", help_text="For example, 4 12 2026"
    )
    received_by = forms.ChoiceField(
        label="How did the school reply?",
        choices=Placement.ReplyChannel.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the school replied by phone or email"
        },
    )
    note = _note_field(
        "What the school said",
        help_text="For example, who you spoke to and when the child will start.",
    )


TRANSITION_FORMS: dict[str, type[TransitionForm]] = {
    "assess": NoteForm,
    "offer": OfferForm,
    "refuse": RefuseForm,
    "send_request": ConfirmForm,
    "confirm_on_roll": ConfirmOnRollForm,
    "confirm_attendance": ConfirmAttendanceForm,
    "check_off": NoteForm,
    "withdraw": WithdrawForm,
    "move_out": MoveOutForm,
    "refer_cme": ReferForm,
    "report_not_arrived": ReportNotArrivedForm,
}
