from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Subquery

from children.upn import validate_upn


class ChildQuerySet(models.QuerySet):
    def with_alert_and_risk(self) -> "ChildQuerySet":
        """Annotate `has_alert` and the latest risk `current_risk` in the same query."""
        latest_risk = RiskAssessment.objects.filter(child=OuterRef("pk")).order_by(
            "-completed_on", "-pk"
        )
        return self.annotate(
            has_alert=Exists(
                VulnerabilityCharacteristic.objects.filter(child=OuterRef("pk"))
            ),
            current_risk=Subquery(latest_risk.values("level")[:1]),
        )


class Child(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"
        UNKNOWN = "U", "Not known"

    authority = models.ForeignKey(
        "schools.Authority", on_delete=models.PROTECT, related_name="children"
    )
    legal_first_name = models.CharField(max_length=100)
    legal_last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    former_names = models.CharField(max_length=300, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex, default=Sex.UNKNOWN)
    upn = models.CharField(
        "UPN",
        max_length=13,
        blank=True,
        validators=[validate_upn],
        help_text="Unique pupil number: 13 characters, a check letter then 12 digits "
        "(the last may be a letter for a temporary UPN).",
    )
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        verbose_name_plural = "children"
        indexes = [models.Index(fields=["upn"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.legal_first_name} {self.legal_last_name}"


class Address(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="addresses")
    line_1 = models.CharField(max_length=200)
    line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=10)
    moved_in = models.DateField(null=True, blank=True)
    moved_out = models.DateField(null=True, blank=True)
    is_temporary_accommodation = models.BooleanField(default=False)
    is_refuge = models.BooleanField(default=False)

    class Meta:
        ordering = ["-moved_in"]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return f"{self.line_1}, {self.town} {self.postcode}"


class Contact(models.Model):
    """A parent or carer of the child, with how to reach them."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=50)
    has_parental_responsibility = models.BooleanField(default=True)
    lives_with_child = models.BooleanField(default=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class VulnerabilityCharacteristic(models.Model):
    """One characteristic of a child's vulnerability profile, with its evidence.

    Any characteristic gives the child an alert shown wherever the child
    appears. The kinds are the action plan's shared vulnerability
    characteristics plus the Fair Access (School Admissions Code 2021,
    para 3.17) and CME guidance risk groups.
    """

    class Kind(models.TextChoices):
        EXCLUSIONS = "exclusions", "Exclusions"
        SCHOOL_MOVES = "school_moves", "Many school moves"
        RAPID_HOUSE_MOVES = "rapid_house_moves", "Rapid house moves"
        PERSISTENT_ABSENCE = "persistent_absence", "Persistent absence (10% or more)"
        SEVERE_ABSENCE = "severe_absence", "Severe absence (50% or more)"
        CHILD_IN_NEED = "child_in_need", "Child in need"
        CHILD_PROTECTION = "child_protection", "Child protection plan"
        LOOKED_AFTER = "looked_after", "Looked after"
        PREVIOUSLY_LOOKED_AFTER = "previously_looked_after", "Previously looked after"
        YOUTH_JUSTICE = "youth_justice", "Youth justice involvement"
        EXPLOITATION_RISK = (
            "exploitation_risk",
            "County lines or other exploitation risk",
        )
        SEN_SUPPORT = "sen_support", "SEN support"
        EHC_PLAN = "ehc_plan", "Education, health and care plan"
        REFUGE = "refuge", "Living in a refuge"
        HOMELESS = "homeless", "Homeless"
        YOUNG_CARER = "young_carer", "Young carer"
        GYPSY_ROMA_TRAVELLER = "gypsy_roma_traveller", "Gypsy, Roma or Traveller"
        REFUGEE_OR_ASYLUM = "refugee_or_asylum", "Refugee or asylum seeker"
        ARMED_FORCES = "armed_forces", "Armed forces family"

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="vulnerabilities"
    )
    kind = models.CharField(max_length=30, choices=Kind)
    detail = models.CharField(
        max_length=300, blank=True, help_text="For example the number of exclusions."
    )
    evidence = models.TextField()
    source = models.CharField(max_length=200, help_text="Who or what told us.")
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["child", "kind"], name="one_entry_per_kind")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class RiskAssessment(models.Model):
    class Level(models.IntegerChoices):
        # Integers so that lists can sort high risk first.
        LOW = 1, "Low"
        MEDIUM = 2, "Medium"
        HIGH = 3, "High"

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="risk_assessments"
    )
    level = models.PositiveSmallIntegerField(choices=Level)
    answers = models.JSONField(
        default=dict, blank=True, help_text="Each risk question with its answer."
    )
    summary = models.TextField(blank=True)
    completed_on = models.DateField()
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    next_review_on = models.DateField()

    class Meta:
        ordering = ["-completed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} risk, {self.completed_on}"
