"""Template tags that draw Django form fields as GOV.UK Frontend components.

templates/django/forms/field.html lays out each form group. These tags add
the GOV.UK classes to the input itself and work out where each error in the
error summary links to.
"""

from dataclasses import dataclass

from django import forms, template
from django.forms import BoundField
from django.utils.safestring import SafeString

from placements.forms import DATE_PARTS, ERROR_PARTS_ATTR, GovukDateInput, error_parts

register = template.Library()

_INPUT_CLASSES = {
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "checkbox": "govuk-checkboxes__input",
}


@register.simple_tag
def govuk_widget(field: BoundField) -> SafeString:
    """Render the field's input with GOV.UK classes, marked in error if it has one."""
    widget = field.field.widget
    if isinstance(widget, GovukDateInput):
        return field.as_widget(
            attrs={ERROR_PARTS_ATTR: error_parts(field.errors.as_data())}
        )
    base_class = _INPUT_CLASSES.get(field.widget_type, "govuk-input")
    classes = [base_class, widget.attrs.get("class", "")]
    if field.errors and field.widget_type != "checkbox":
        classes.append(f"{base_class}--error")
    return field.as_widget(attrs={"class": " ".join(c for c in classes if c)})


def error_anchor(field: BoundField) -> str:
    """Return the id of the input an error summary link for the field focuses."""
    widget = field.field.widget
    if isinstance(widget, GovukDateInput):
        marked = error_parts(field.errors.as_data())
        first = next(i for i, part in enumerate(DATE_PARTS) if part in marked)
        return f"{field.auto_id}_{first}"
    if isinstance(widget, forms.RadioSelect):
        # RadioSelect covers CheckboxSelectMultiple too: link to the first option.
        return f"{field.auto_id}_0"
    return field.id_for_label


@dataclass(frozen=True)
class SummaryItem:
    text: str
    anchor: str  # empty for errors that belong to no visible field


@register.simple_tag
def govuk_error_summary_items(form: forms.Form) -> list[SummaryItem]:
    """List the form's errors in page order: whole-form errors, then by field."""
    items = [SummaryItem(str(error), "") for error in form.non_field_errors()]
    for field in form:
        if field.is_hidden:
            items.extend(SummaryItem(str(error), "") for error in field.errors)
        elif field.errors:
            anchor = error_anchor(field)
            items.extend(SummaryItem(str(error), anchor) for error in field.errors)
    return items
