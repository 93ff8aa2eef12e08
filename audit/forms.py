from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from children.upn import check_upn, validate_upn
from onroll.formatters import long_date
from placements.forms import GovukDateField, GovukForm


class AuditSearchForm(GovukForm):
    """The audit log search filters, read from the query string."""

    show_optional_labels = False

    child = forms.CharField(
        label="Child ID or UPN",
        required=False,
        max_length=20,
        help_text="The number in the address of the child's page, or their "
        "13-character unique pupil number.",
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-20", "spellcheck": "false"}
        ),
    )
    username = forms.CharField(
        label="Username",
        required=False,
        max_length=150,
        help_text="The username of the person who acted.",
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-20", "spellcheck": "false"}
        ),
    )
    from_date = GovukDateField(
        label="From", required=False, help_text="For example, 1 12 2026"
    )
    to_date = GovukDateField(label="To", required=False, help_text="Included.")

    def clean_child(self) -> int | str | None:
        """Return a child id as an int, a UPN in compact form, or None."""
        typed = self.cleaned_data["child"].strip()
        if not typed:
            return None
        if typed.isascii() and typed.isdigit():
            return int(typed)
        validate_upn(typed)
        return check_upn(typed)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        from_date = cleaned.get("from_date")
        to_date = cleaned.get("to_date")
        if from_date and to_date and from_date > to_date:
            self.add_error(
                "to_date",
                ValidationError(
                    f"The ‘to’ date, {long_date(to_date)}, is before the ‘from’ "
                    f"date, {long_date(from_date)}. Enter a ‘to’ date on or after "
                    "the ‘from’ date.",
                    params={"parts": ("day", "month", "year")},
                ),
            )
        return cleaned
