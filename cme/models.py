from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.models import Case


class CmeCase(Case):
    """A child referred to the Inclusion Service as missing education.

    Education Act 1996 s436A: the authority must identify children of
    compulsory school age in its area who are neither registered at a school
    nor receiving suitable education otherwise. The Children missing education
    statutory guidance (September 2025) counts a child offered a place who has
    not yet started as missing education.
    """

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

    state = models.CharField(max_length=30, default="open")
    source = models.CharField(max_length=30, choices=Source)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when Onroll referred the child automatically.",
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

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = "CME case"
        constraints = [
            # One referral per source case, however often the sweep runs.
            models.UniqueConstraint(
                fields=["source_case_type", "source_case_id"],
                condition=Q(source_case_id__isnull=False),
                name="one_cme_case_per_source_case",
            )
        ]

    def __str__(self) -> str:
        return f"CME case {self.pk} for {self.child}"
