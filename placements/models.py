from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone

from casework.models import Case
from children.models import RiskAssessment, VulnerabilityCharacteristic
from correspondence.models import Message
from placements.states import CLOSED_STATES, State


class PlacementQuerySet(models.QuerySet):
    def open(self) -> "PlacementQuerySet":
        return self.filter(is_open=True)

    def for_worklist(self, today: date) -> "PlacementQuerySet":
        """Open cases, overdue first, then highest risk, then soonest due.

        A case counts as overdue once its due day has passed or the sweep has
        chased it, so a chased case stays at the top after its new deadline
        is set.
        """
        latest_risk = RiskAssessment.objects.filter(
            child=models.OuterRef("child")
        ).order_by("-completed_on", "-pk")
        return (
            self.open()
            .select_related("child", "school", "owner")
            .annotate(
                is_overdue=models.ExpressionWrapper(
                    Q(reminders_sent__gt=0) | Q(due_on__lt=today),
                    output_field=models.BooleanField(),
                ),
                risk_level=models.Subquery(latest_risk.values("level")[:1]),
                has_alert=models.Exists(
                    VulnerabilityCharacteristic.objects.filter(
                        child=models.OuterRef("child")
                    )
                ),
                email_undelivered=models.Exists(
                    Message.objects.filter(
                        case_type__app_label="placements",
                        case_type__model="placement",
                        case_id=models.OuterRef("pk"),
                        status__in=[Message.Status.FAILED, Message.Status.REFUSED],
                    )
                ),
            )
            .order_by(
                models.F("is_overdue").desc(),
                models.F("risk_level").desc(nulls_last=True),
                models.F("due_on").asc(nulls_last=True),
                "pk",
            )
        )


class Placement(Case):
    """An in-year application for a vulnerable child, tracked until attending."""

    class ConfirmedWith(models.TextChoices):
        PARENT = "parent", "Parent or carer"
        SCHOOL = "school", "School"

    class ReplyChannel(models.TextChoices):
        PHONE = "phone", "By phone"
        EMAIL = "email", "By email"

    state = models.CharField(max_length=30, choices=State, default=State.RECEIVED)
    received_on = models.DateField(help_text="When the application arrived.")
    reason = models.CharField(max_length=200, blank=True)
    year_group = models.CharField(max_length=10, blank=True)
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
    )
    offered_on = models.DateField(null=True, blank=True)
    agreed_start_on = models.DateField(null=True, blank=True)
    request_sent_on = models.DateField(null=True, blank=True)
    starting_on = models.DateField(
        null=True,
        blank=True,
        help_text="The child's first day, as the school confirmed.",
    )
    attendance_confirmed_on = models.DateField(null=True, blank=True)
    attendance_confirmed_with = models.CharField(
        max_length=10, choices=ConfirmedWith, blank=True
    )
    checked_off_on = models.DateField(null=True, blank=True)
    # A reply from the school that an officer recorded (placements.actions.
    # record_reply). While set, the sweep stops emailing the school and
    # reminds the case owner instead; cleared when the state changes.
    school_replied_on = models.DateField(null=True, blank=True)
    school_replied_by = models.CharField(
        max_length=10, choices=ReplyChannel, blank=True
    )
    appeal_lodged = models.BooleanField(default=False)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            # The deadline sweep (placements.sweep) selects open cases by
            # due_at; closed cases never fire, so they stay out of the index.
            models.Index(
                fields=["due_at"], name="placement_sweep_due", condition=Q(is_open=True)
            ),
            models.Index(
                fields=["authority", "due_on"],
                name="placement_worklist",
                condition=Q(is_open=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Placement {self.pk} for {self.child}"

    def save(self, *args, **kwargs) -> None:
        self.is_open = self.state not in CLOSED_STATES
        if not self.is_open and self.closed_at is None:
            self.closed_at = timezone.now()
        super().save(*args, **kwargs)


class SchoolReplyLink(models.Model):
    """A one-time link, sent in a school's email, to answer one on-roll request.

    The email carries a signed copy of `nonce` (placements.links). The link
    works until `expires_at`, until it is used once, or until the placement
    leaves the requested and on-roll states, whichever comes first.
    """

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="reply_links"
    )
    nonce = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_for = models.CharField(
        max_length=30,
        blank=True,
        help_text="The transition the school chose, for example confirm_on_roll.",
    )

    def __str__(self) -> str:
        return f"Reply link {self.pk} for placement {self.placement_id}"
