"""Children missing education: cases, their enquiries, reviews, transfers and outcomes.

Education Act 1996 s436A: the authority must identify, as far as possible,
children of compulsory school age in its area who are neither registered at
a school nor receiving suitable education otherwise. The Children missing
education statutory guidance (September 2025) counts a child applying for a
place, or offered one and not yet started, as missing education.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.models import Case
from cme.states import State
from correspondence.models import Message


class Priority(models.IntegerChoices):
    # Integers so that lists can sort the highest priority first.
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"


class CmeCase(Case):
    """A child referred to the Inclusion Service as missing education."""

    class Source(models.TextChoices):
        PLACE_NOT_TAKEN_UP = "place_not_taken_up", "Place not taken up"
        UNKNOWN_DESTINATION = (
            "unknown_destination",
            "Removed from roll, destination unknown",
        )
        ABSENCE_RETURN = "absence_return", "Ten-day unauthorised absence return"
        PARTNER_AGENCY = "partner_agency", "Partner agency"
        PUBLIC = "public", "Member of the public"
        OTHER_AUTHORITY = "other_authority", "Another local authority"

    class Reason(models.TextChoices):
        # The primary reason the child is missing education, as the termly
        # CME return groups it. NOTE: these groups are Onroll's reading of
        # the DfE collection and are not checked against its current guide.
        NEW_TO_AREA = "new_to_area", "New to the area, no school place"
        AWAITING_PLACE = "awaiting_place", "Applying for or awaiting a school place"
        REMOVED_FROM_ROLL = "removed_from_roll", "Removed from roll, not found"
        UNSUITABLE_EHE = "unsuitable_ehe", "Home education found unsuitable"
        NOT_KNOWN = "not_known", "Not known"
        OTHER = "other", "Other"

    class Outcome(models.TextChoices):
        ON_ROLL = "on_roll", "On roll at a named school"
        HOME_EDUCATION = "home_education", "Suitable home education"
        OTHER_AUTHORITY = "other_authority", "Moved to another authority"
        ABROAD = "abroad", "Moved abroad"
        NOT_FOUND = "not_found", "Not found after all enquiries"
        OVER_CSA = "over_csa", "Over compulsory school age"
        DIED = "died", "Died"

    state = models.CharField(max_length=30, choices=State, default=State.OPEN)
    source = models.CharField(max_length=30, choices=Source)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when Onroll referred the child automatically.",
    )
    referred_on = models.DateField(null=True, blank=True)
    referrer_name = models.CharField(
        max_length=200, blank=True, help_text="The person who told us, if not a user."
    )
    referrer_organisation = models.CharField(
        max_length=200, blank=True, help_text="Their agency, school or authority."
    )
    referrer_email = models.EmailField(
        blank=True,
        help_text="Where the referral acknowledgement goes; empty if not given.",
    )
    reason = models.TextField()
    last_known_school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    last_known_address = models.CharField(max_length=300, blank=True)
    # The referring case's timeline as it stood at referral, so the Inclusion
    # Service has the whole history even if the source case is later changed.
    history = models.JSONField(default=list, blank=True)
    source_case_type = models.CharField(max_length=60, blank=True)
    source_case_id = models.PositiveBigIntegerField(null=True, blank=True)

    priority = models.PositiveSmallIntegerField(
        choices=Priority, default=Priority.MEDIUM
    )
    safeguarding_concerns = models.BooleanField(default=False)
    waiting_for_place = models.BooleanField(
        default=False,
        help_text="The child is applying for a school place or has one "
        "offered and not yet started.",
    )
    primary_reason = models.CharField(max_length=30, choices=Reason, blank=True)
    last_reviewed_on = models.DateField(null=True, blank=True)

    outcome = models.CharField(max_length=30, choices=Outcome, blank=True)
    outcome_on = models.DateField(
        null=True,
        blank=True,
        help_text="The first day the child was no longer missing education, for "
        "example the first day on roll. The missing period ends the day before.",
    )
    outcome_school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome_destination = models.CharField(max_length=200, blank=True)
    outcome_evidence = models.TextField(blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = "CME case"
        constraints = [
            # One referral per source case, however often the sweep runs.
            models.UniqueConstraint(
                fields=["source_case_type", "source_case_id"],
                condition=Q(source_case_id__isnull=False),
                name="one_cme_case_per_source_case",
            ),
            # A case closes only with a recorded outcome (cme.outcomes).
            models.CheckConstraint(
                condition=Q(is_open=True) | ~Q(outcome=""),
                name="closed_cme_case_has_outcome",
                violation_error_message="A CME case closes only with an outcome.",
            ),
        ]
        indexes = [
            # cme.sweep selects open cases by due_at.
            models.Index(
                fields=["due_at"], name="cme_sweep_due", condition=Q(is_open=True)
            ),
        ]

    def __str__(self) -> str:
        return f"CME case {self.pk} for {self.child}"


def email_undelivered() -> models.Exists:
    """Build the annotation of whether an email about the case failed or was refused.

    A subquery, so a list annotated with it makes no query per row.
    """
    return models.Exists(
        Message.objects.filter(
            case_type__app_label="cme",
            case_type__model="cmecase",
            case_id=models.OuterRef("pk"),
            status__in=[Message.Status.FAILED, Message.Status.REFUSED],
        )
    )


class MissingPeriod(models.Model):
    """Days the child was missing education, still running while `ended_on` is empty.

    Both `started_on` and `ended_on` are days missing. A case found and later
    missing again gets a second period, so the days missing leave out the
    time the child was in education.
    """

    case = models.ForeignKey(
        CmeCase, on_delete=models.CASCADE, related_name="missing_periods"
    )
    started_on = models.DateField(help_text="The first day missing education.")
    ended_on = models.DateField(
        null=True,
        blank=True,
        help_text="The last day missing education: the day before the case's "
        "outcome date. Empty while the child is still missing. The day before "
        "the start when the child was already in education on the first day, "
        "so the period counts no days.",
    )

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(ended_on__isnull=True),
                name="one_open_missing_period_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"Missing from {self.started_on} to {self.ended_on or 'now'}"

    @property
    def is_empty(self) -> bool:
        """Whether the period counts no days, because it ended before it started."""
        return self.ended_on is not None and self.ended_on < self.started_on


class EnquiryKind(models.Model):
    """One item of an authority's checklist of reasonable enquiries.

    Each authority gets the default list (cme.enquiries.DEFAULT_KINDS) when
    it is created; administrators add, rename, reorder and retire items.
    """

    authority = models.ForeignKey(
        "schools.Authority", on_delete=models.CASCADE, related_name="cme_enquiry_kinds"
    )
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(
        default=True, help_text="Retired items stay on past cases but leave the list."
    )
    required_before_not_found = models.BooleanField(
        "required before not found",
        default=True,
        help_text="Whether every case needs this enquiry before its outcome is "
        '"not found". Clear it for an enquiry made only when there is reason '
        "for it, such as confirming a move abroad.",
    )

    class Meta:
        ordering = ["authority", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "code"], name="one_enquiry_kind_per_code"
            )
        ]

    def __str__(self) -> str:
        return self.label


class Enquiry(models.Model):
    """One reasonable enquiry made on a case, with its date, officer and result."""

    class Result(models.TextChoices):
        FOUND = "found", "Child found or located"
        INFORMATION = "information", "Useful information, child not found"
        NO_TRACE = "no_trace", "No trace of the child"
        NO_REPLY = "no_reply", "No reply yet"

    case = models.ForeignKey(
        CmeCase, on_delete=models.CASCADE, related_name="enquiries"
    )
    kind = models.ForeignKey(EnquiryKind, on_delete=models.PROTECT, related_name="+")
    made_on = models.DateField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(max_length=20, choices=Result)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["made_on", "pk"]
        verbose_name_plural = "enquiries"

    def __str__(self) -> str:
        return f"{self.kind} on {self.made_on}"


class SafeguardingReferral(models.Model):
    """A referral to social care or the police about a case's safeguarding concerns."""

    class Agency(models.TextChoices):
        SOCIAL_CARE = "social_care", "Children's social care"
        POLICE = "police", "Police"

    case = models.ForeignKey(
        CmeCase, on_delete=models.CASCADE, related_name="safeguarding_referrals"
    )
    agency = models.CharField(max_length=20, choices=Agency)
    referred_on = models.DateField()
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    concern = models.TextField()
    outcome = models.TextField(blank=True, help_text="Empty until the agency replies.")

    class Meta:
        ordering = ["referred_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_agency_display()} referral on {self.referred_on}"


class InterimProvision(models.Model):
    """Education the authority arranges while the child waits for a place.

    Education Act 1996 s19: suitable education for a child of compulsory
    school age who would otherwise not receive it.
    """

    case = models.ForeignKey(
        CmeCase, on_delete=models.CASCADE, related_name="interim_provisions"
    )
    provider = models.CharField(max_length=200)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["started_on", "pk"]

    def __str__(self) -> str:
        return f"{self.provider}, {self.hours_per_week} hours a week"


class Transfer(models.Model):
    """A request to hand a case to another authority of this deployment."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        REVOKED = "revoked", "Revoked by the sender"

    case = models.ForeignKey(
        CmeCase, on_delete=models.CASCADE, related_name="transfers"
    )
    from_authority = models.ForeignKey(
        "schools.Authority", on_delete=models.PROTECT, related_name="+"
    )
    to_authority = models.ForeignKey(
        "schools.Authority", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    note = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="requested"),
                name="one_pending_transfer_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"Transfer of case {self.case_id} to {self.to_authority}"


class ReferralPackSent(models.Model):
    """A record that the referral pack was sent to an authority outside Onroll."""

    case = models.ForeignKey(
        CmeCase, on_delete=models.CASCADE, related_name="referral_packs"
    )
    authority_name = models.CharField(max_length=200)
    sent_on = models.DateField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["sent_on", "pk"]

    def __str__(self) -> str:
        return f"Referral pack to {self.authority_name} on {self.sent_on}"


class DeferredPlace(models.Model):
    """A reception place deferred for a child below compulsory school age.

    The child is not missing education until compulsory school age starts
    (Education Act 1996 s8, cme.compulsory.csa_starts_on), so the list shows
    that day beside the day the child is to start.
    """

    authority = models.ForeignKey(
        "schools.Authority", on_delete=models.PROTECT, related_name="+"
    )
    child = models.ForeignKey(
        "children.Child", on_delete=models.CASCADE, related_name="deferred_places"
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+"
    )
    deferred_to = models.DateField(help_text="The day the child is to start.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    started_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["deferred_to", "pk"]

    def __str__(self) -> str:
        return f"Reception place at {self.school} deferred to {self.deferred_to}"
