"""Forms of the CME pages. They parse input, and cme.actions applies the rules.

Every field of an action form other than `version` is a keyword argument of
the action of the same name, so `action_data()` passes straight through and
the action's ValidationErrors map back onto the fields.
"""

from typing import Any

from django import forms

from cme.enquiries import checklist
from cme.models import CmeCase, Enquiry, SafeguardingReferral
from cme.outcomes import EVIDENCE_LABELS, RULES
from placements.forms import (
    GovukDateField,
    GovukForm,
    SchoolField,
    _note_field,
    case_version_field,
)
from schools.models import Authority, School

SEX_CHOICES = [("F", "Female"), ("M", "Male"), ("U", "Not known")]


class CaseActionForm(GovukForm):
    version = case_version_field()

    def __init__(self, *args: Any, case: CmeCase, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": case.version})
        super().__init__(*args, **kwargs)
        self.case = case

    def action_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


def _open_schools(authority_id: int):
    return School.objects.filter(
        authority_id=authority_id,
        status__in=[School.Status.OPEN, School.Status.PROPOSED_TO_CLOSE],
    ).order_by("name")


class EnquiryForm(CaseActionForm):
    kind = forms.ModelChoiceField(
        label="Enquiry",
        queryset=None,
        empty_label="Choose an enquiry",
        error_messages={"required": "Choose the enquiry made"},
    )
    made_on = GovukDateField(label="Date of the enquiry")
    result = forms.ChoiceField(
        label="What did it find?",
        choices=Enquiry.Result.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the enquiry found"},
    )
    note = _note_field("Note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = checklist(self.case.authority_id)


class SafeguardingForm(CaseActionForm):
    needed_fields = frozenset({"concern"})
    agency = forms.ChoiceField(
        label="Referred to",
        choices=SafeguardingReferral.Agency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who the child was referred to"},
    )
    referred_on = GovukDateField(label="Date of referral")
    concern = _note_field("The safeguarding concern")


class SafeguardingOutcomeForm(CaseActionForm):
    needed_fields = frozenset({"outcome"})
    referral = forms.ModelChoiceField(
        label="Referral",
        queryset=None,
        error_messages={"required": "Choose the referral"},
    )
    outcome = _note_field("What the agency decided")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referral"].queryset = self.case.safeguarding_referrals.all()


class ReviewForm(CaseActionForm):
    needed_fields = frozenset({"note"})
    reviewed_on = GovukDateField(label="Date of the review")
    note = _note_field("What the review found and what happens next")


class ReasonForm(CaseActionForm):
    primary_reason = forms.ChoiceField(
        label="Primary reason the child is missing education",
        choices=CmeCase.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the primary reason"},
    )
    waiting_for_place = forms.TypedChoiceField(
        label="Is the child applying for or waiting to start a school place?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
        error_messages={"required": "Select yes if the child is waiting for a place"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("primary_reason", self.case.primary_reason)
        self.initial.setdefault(
            "waiting_for_place", "yes" if self.case.waiting_for_place else "no"
        )


class ProvisionForm(CaseActionForm):
    needed_fields = frozenset({"provider"})
    provider = forms.CharField(label="Provider", max_length=200, required=False)
    hours_per_week = forms.DecimalField(
        label="Hours a week",
        max_digits=4,
        decimal_places=1,
        error_messages={
            "required": "Enter the hours a week",
            "invalid": "Hours a week must be a number, like 15 or 12.5",
        },
    )
    started_on = GovukDateField(label="Start date")
    ended_on = GovukDateField(label="End date", required=False)


class EndProvisionForm(CaseActionForm):
    provision = forms.ModelChoiceField(
        label="Provision",
        queryset=None,
        empty_label="Choose the provision",
        error_messages={"required": "Choose the provision that ended"},
    )
    ended_on = GovukDateField(label="Last day of the provision")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provision"].queryset = self.case.interim_provisions.filter(
            ended_on=None
        )


class OutcomeForm(CaseActionForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=CmeCase.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    outcome_on = GovukDateField(
        label="Date",
        required=False,
        help_text="The first day the child was no longer missing education: the "
        "day they started school or home education, left or died, or else the "
        "day it was confirmed. Days missing count up to the day before.",
    )
    outcome_school = SchoolField(
        label="School",
        required=False,
        help_text="The school's name or 6-digit URN.",
    )
    outcome_destination = forms.CharField(
        label="Where the child went",
        max_length=200,
        required=False,
        help_text="The authority or the country.",
    )
    outcome_evidence = _note_field(
        "Evidence", help_text="Who confirmed it and how, or the enquiries made."
    )

    # Which fields are needed depends on the outcome, so none is labelled
    # optional; each field's hint names the outcomes that need it.
    show_optional_labels = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schools = _open_schools(self.case.authority_id)
        self.fields["outcome_school"].queryset = schools
        self.fields["outcome_school"].widget.schools = list(schools)
        for name in EVIDENCE_LABELS:
            needed_for = [
                CmeCase.Outcome(outcome).label
                for outcome, rule in RULES.items()
                if name in rule.required
            ]
            field = self.fields[name]
            field.help_text = " ".join(
                [field.help_text, f"Needed for: {', '.join(needed_for)}."]
            ).strip()


class NoteForm(CaseActionForm):
    note = _note_field("Note")


class ReopenForm(CaseActionForm):
    needed_fields = frozenset({"note"})
    missing_since = GovukDateField(label="Missing education since")
    note = _note_field("Why the child is missing education again")


class TransferForm(CaseActionForm):
    needed_fields = frozenset({"note"})
    to_authority = forms.ModelChoiceField(
        label="Authority",
        queryset=None,
        empty_label="Choose an authority",
        error_messages={"required": "Choose the authority to transfer to"},
    )
    note = _note_field("Why the child is now that authority's to find")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_authority"].queryset = Authority.objects.exclude(
            pk=self.case.authority_id
        ).filter(organisations__kind="local_authority")


class ReasonRequiredForm(CaseActionForm):
    needed_fields = frozenset({"reason"})
    reason = _note_field("Reason")


class ReferralPackForm(CaseActionForm):
    authority_name = forms.CharField(
        label="Authority the pack was sent to", max_length=200, required=False
    )
    sent_on = GovukDateField(label="Date sent")
    note = _note_field("Note")


ACTION_FORMS: dict[str, type[CaseActionForm]] = {
    "record_enquiry": EnquiryForm,
    "record_safeguarding": SafeguardingForm,
    "record_safeguarding_outcome": SafeguardingOutcomeForm,
    "review": ReviewForm,
    "set_reason": ReasonForm,
    "record_provision": ProvisionForm,
    "end_provision": EndProvisionForm,
    "record_outcome": OutcomeForm,
    "sign_off": NoteForm,
    "return_outcome": NoteForm,
    "confirm_on_roll": NoteForm,
    "reopen": ReopenForm,
    "request_transfer": TransferForm,
    "accept_transfer": NoteForm,
    "reject_transfer": ReasonRequiredForm,
    "revoke_transfer": ReasonRequiredForm,
    "send_referral_pack": ReferralPackForm,
}


class ReferralForm(GovukForm):
    """A referral from a partner agency, a member of the public or another authority."""

    needed_fields = frozenset({"referrer_name", "reason"})
    source = forms.ChoiceField(
        label="Who made the referral?",
        choices=[
            (CmeCase.Source.PARTNER_AGENCY, CmeCase.Source.PARTNER_AGENCY.label),
            (CmeCase.Source.PUBLIC, CmeCase.Source.PUBLIC.label),
            (CmeCase.Source.OTHER_AUTHORITY, CmeCase.Source.OTHER_AUTHORITY.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select who made the referral"},
    )
    referrer_name = forms.CharField(
        label="Name of the referrer", max_length=200, required=False
    )
    referrer_organisation = forms.CharField(
        label="Their agency or authority", max_length=200, required=False
    )
    referrer_email = forms.EmailField(
        label="Referrer's email address",
        max_length=254,
        required=False,
        help_text="Onroll emails them an acknowledgement with the case number.",
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
        error_messages={
            "invalid": "Enter an email address in the correct format, like "
            "name@example.org",
            "max_length": "The email address must be 254 characters or fewer",
        },
    )
    referred_on = GovukDateField(label="Date of referral")
    legal_first_name = forms.CharField(
        label="Child's legal first name",
        max_length=100,
        error_messages={"required": "Enter the child's legal first name"},
    )
    legal_last_name = forms.CharField(
        label="Child's legal last name",
        max_length=100,
        error_messages={"required": "Enter the child's legal last name"},
    )
    date_of_birth = GovukDateField(label="Date of birth")
    sex = forms.ChoiceField(
        label="Sex",
        choices=SEX_CHOICES,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
        error_messages={"required": "Select the child's sex, or Not known"},
    )
    upn = forms.CharField(label="UPN", max_length=20, required=False)
    last_known_address = forms.CharField(
        label="Last known address", max_length=300, required=False
    )
    last_known_school = SchoolField(label="Last known school", required=False)
    reason = _note_field("Why the child is thought to be missing education")
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, authority_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schools = _open_schools(authority_id)
        self.fields["last_known_school"].queryset = schools
        self.fields["last_known_school"].widget.schools = list(schools)

    def action_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "confirm_new"}


class AbsenceReturnForm(GovukForm):
    """A school's report of a pupil absent without authorisation for ten school days."""

    legal_first_name = forms.CharField(
        label="Pupil's legal first name",
        max_length=100,
        error_messages={"required": "Enter the pupil's legal first name"},
    )
    legal_last_name = forms.CharField(
        label="Pupil's legal last name",
        max_length=100,
        error_messages={"required": "Enter the pupil's legal last name"},
    )
    date_of_birth = GovukDateField(label="Date of birth")
    sex = forms.ChoiceField(
        label="Sex",
        choices=SEX_CHOICES,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
        error_messages={"required": "Select the pupil's sex, or Not known"},
    )
    upn = forms.CharField(
        label="UPN",
        max_length=20,
        error_messages={"required": "Enter the pupil's UPN from your register"},
    )
    first_day_absent = GovukDateField(label="First day of the absence")
    school_days_absent = forms.IntegerField(
        label="School days absent without authorisation",
        min_value=0,
        error_messages={
            "required": "Enter the number of school days absent",
            "invalid": "School days absent must be a whole number, like 10",
        },
    )
    last_known_address = forms.CharField(
        label="Last known address",
        max_length=300,
        error_messages={"required": "Enter the pupil's last known address"},
    )
    note = _note_field("What the school has done to contact the family")


class DeferredPlaceForm(GovukForm):
    child = forms.IntegerField(
        label="Child's Onroll number",
        help_text="The number in the address of the child's page.",
        error_messages={"required": "Enter the child's Onroll number"},
    )
    school = SchoolField(
        label="School", error_messages={"required": "Enter the school of the place"}
    )
    deferred_to = GovukDateField(label="Day the child is to start")

    def __init__(self, *args: Any, authority_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schools = _open_schools(authority_id)
        self.fields["school"].queryset = schools
        self.fields["school"].widget.schools = list(schools)
