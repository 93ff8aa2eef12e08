from typing import Any

from django import forms

from access import policy
from access.models import Organisation, Share
from children.models import Child
from placements.forms import GovukForm

PART_LABELS = {
    "identity": "Identity: date of birth, sex, UPN, NHS number and other names",
    "contacts": "Addresses and parents or carers",
    "vulnerability": "Vulnerability profile",
    "risk": "Current risk assessment",
    "placements": "School placements",
    "timeline": "Timeline of every case, with notes",
}


class ShareForm(GovukForm):
    """Choose a partner agency and the parts of the child's record to share with it.

    Field names are the keyword arguments of access.actions.share_child.
    """

    organisation = forms.ModelChoiceField(
        label="Partner agency",
        queryset=Organisation.objects.none(),
        empty_label="Select a partner agency",
        error_messages={"required": "Select the partner agency to share with"},
    )
    parts = forms.MultipleChoiceField(
        label="Parts of the record to share",
        help_text="The child's name is shared with every part. Share only what the "
        "agency needs.",
        choices=[(part, PART_LABELS[part]) for part in Share.PARTS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one part of the record to share"},
    )

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = policy.share_partners(child)
