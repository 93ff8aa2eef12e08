from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from casework.models import Case
from removals.grounds import GROUNDS
from removals.states import CLOSED_STATES, State


class Destination(models.TextChoices):
    SCHOOL = "school", "A named school"
    OTHER_AUTHORITY = "other_authority", "Another local authority area"
    ABROAD = "abroad", "Abroad"
    HOME_EDUCATION = "home_education", "Educated at home"
    UNKNOWN = "unknown", "Not known"


GROUND_CHOICES = [(g.letter, f"{g.letter}: {g.title}") for g in GROUNDS.values()]


class RemovalUpload(models.Model):
    """A CSV file of removal notices, held between preview and confirmation.

    `fingerprint` is the SHA-256 of the file's bytes, unique per school, so
    uploading the same file again finds this upload instead of a new one.
    The rows and problems contain pupils' and parents' personal data, so
    they are deleted once the upload is confirmed, and by
    privacy.retention.clear_upload_rows when it is never confirmed.
    """

    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="removal_uploads"
    )
    fingerprint = models.CharField(max_length=64)
    filename = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    # Each valid row as parsed, ready for removals.actions.notify.
    rows = models.JSONField(default=list)
    # Each rejected row's problems: {"line": n, "field": name, "message": text}.
    problems = models.JSONField(default=list)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Counts of the valid rows at confirmation: notices saved, and rows the
    # school had already notified.
    saved_count = models.PositiveIntegerField(null=True, blank=True)
    already_notified_count = models.PositiveIntegerField(null=True, blank=True)
    rows_cleared_at = models.DateTimeField(
        null=True, blank=True, help_text="When the rows and problems were deleted."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "fingerprint"], name="one_upload_per_file_per_school"
            )
        ]

    def __str__(self) -> str:
        return f"Upload {self.pk} ({self.filename})"


class RemovalNotice(models.Model):
    """A school's notice that it has deleted, or will delete, a pupil from roll.

    The pupil fields contain the deletion return as the school gave it (SI
    2024/208 reg 13(4)), even where the matched Child's record differs.
    """

    class Arrival(models.TextChoices):
        NOT_EXPECTED = "", "Not expected"
        AWAITED = "awaited", "Awaiting the new school"
        CONFIRMED = "confirmed", "On roll at the new school"
        REFERRED_CME = "referred_cme", "Not confirmed: referred as missing education"

    authority = models.ForeignKey(
        "schools.Authority", on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="removal_notices"
    )
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="removal_notices"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    upn = models.CharField("UPN", max_length=13, blank=True)
    address = models.CharField(max_length=300, blank=True)
    # Each parent the pupil normally lives with: name, address and emergency
    # telephone number (reg 13(4)(c) and (d)).
    parents = models.JSONField(default=list, blank=True)
    ground = models.CharField(max_length=1, choices=GROUND_CHOICES)
    answers = models.JSONField(
        default=dict, blank=True, help_text="The ground's questions and the answers."
    )
    deletion_on = models.DateField(help_text="The day the name is or will be deleted.")
    destination = models.CharField(max_length=20, choices=Destination)
    destination_school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expected_arrivals",
    )
    destination_school_name = models.CharField(max_length=200, blank=True)
    destination_authority = models.ForeignKey(
        "schools.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_removals",
    )
    destination_authority_name = models.CharField(max_length=100, blank=True)
    destination_country = models.CharField(max_length=100, blank=True)
    new_address = models.CharField(max_length=300, blank=True)
    new_start_on = models.DateField(null=True, blank=True)
    siblings = models.CharField(max_length=300, blank=True)
    notifier_name = models.CharField(max_length=200)
    notifier_role = models.CharField(max_length=100)
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    notified_at = models.DateTimeField()
    upload = models.ForeignKey(
        RemovalUpload,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    # SHA-256 of the notice's identifying fields, unique per school, so the
    # same row uploaded twice (in any file) is saved once.
    fingerprint = models.CharField(max_length=64)
    # Each failed check: {"check", "title", "message", "source", "confidence"}.
    findings = models.JSONField(default=list, blank=True)

    arrival = models.CharField(
        max_length=20, choices=Arrival, blank=True, default=Arrival.NOT_EXPECTED
    )
    arrival_due_on = models.DateField(null=True, blank=True)
    arrival_due_at = models.DateTimeField(null=True, blank=True)
    arrival_confirmed_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-notified_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "fingerprint"], name="one_notice_per_row_per_school"
            )
        ]
        indexes = [
            # The arrival sweep (removals.sweep) selects awaited arrivals by
            # arrival_due_at; other notices never fire.
            models.Index(
                fields=["arrival_due_at"],
                name="removal_arrival_due",
                condition=Q(arrival="awaited"),
            ),
            models.Index(fields=["authority", "deletion_on"]),
        ]

    def __str__(self) -> str:
        return f"Removal notice {self.pk} for {self.first_name} {self.last_name}"

    @property
    def pupil_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def ground_title(self) -> str:
        return GROUNDS[self.ground].title

    @property
    def last_known_address(self) -> str:
        """The new address if the school gave one, else the pupil's address."""
        return self.new_address or self.address


class PartnerFlag(models.Model):
    """A removal of a child with a vulnerability alert, flagged to a partner.

    Made for each partner agency with an active share of the child when the
    notice arrives, so the agency sees that the child has left the roll.
    """

    notice = models.ForeignKey(
        RemovalNotice, on_delete=models.CASCADE, related_name="partner_flags"
    )
    organisation = models.ForeignKey(
        "access.Organisation", on_delete=models.PROTECT, related_name="removal_flags"
    )
    flagged_at = models.DateTimeField()

    class Meta:
        ordering = ["-flagged_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "organisation"], name="one_flag_per_partner"
            )
        ]

    def __str__(self) -> str:
        return f"Flag of notice {self.notice_id} to {self.organisation}"


class Challenge(Case):
    """The authority's challenge to a removal it doubts is lawful."""

    state = models.CharField(max_length=30, choices=State, default=State.OPENED)
    notice = models.ForeignKey(
        RemovalNotice, on_delete=models.PROTECT, related_name="challenges"
    )
    reason = models.TextField()
    outcome_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice"],
                condition=Q(is_open=True),
                name="one_open_challenge_per_notice",
            )
        ]
        indexes = [
            models.Index(
                fields=["authority", "due_on"],
                name="challenge_worklist",
                condition=Q(is_open=True),
            )
        ]

    def __str__(self) -> str:
        return f"Challenge {self.pk} for {self.child}"

    def save(self, *args, **kwargs) -> None:
        self.is_open = self.state not in CLOSED_STATES
        if not self.is_open and self.closed_at is None:
            self.closed_at = timezone.now()
        super().save(*args, **kwargs)


class ChallengeLetter(models.Model):
    """A letter sent at one stage of a challenge.

    The email itself, as rendered and with its delivery, is the outbox's
    Message. This row records the stage it belongs to and whom it addressed.
    """

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="letters"
    )
    stage = models.CharField(max_length=30, choices=State)
    message = models.OneToOneField(
        "correspondence.Message", on_delete=models.PROTECT, related_name="+"
    )
    addressee = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    reply_due_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} letter for challenge {self.challenge_id}"
