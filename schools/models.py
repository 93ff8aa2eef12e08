from django.db import models


class Authority(models.Model):
    """An English local authority, identified by its three-digit DfE LA code."""

    code = models.CharField(
        max_length=3, unique=True, help_text="DfE LA code, e.g. 855"
    )
    name = models.CharField(max_length=100)
    gss_code = models.CharField(max_length=9, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "authorities"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class School(models.Model):
    class Type(models.TextChoices):
        MAINTAINED = "maintained", "Maintained"
        ACADEMY = "academy", "Academy or free school"
        SPECIAL = "special", "Special"
        INDEPENDENT = "independent", "Independent"
        PUPIL_REFERRAL_UNIT = "pru", "Pupil referral unit or alternative provision"
        OTHER = "other", "Other"

    class Phase(models.TextChoices):
        NURSERY = "nursery", "Nursery"
        PRIMARY = "primary", "Primary"
        MIDDLE = "middle", "Middle"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all_through", "All-through"
        SIXTEEN_PLUS = "16_plus", "16 plus"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        PROPOSED_TO_CLOSE = "proposed_to_close", "Open, but proposed to close"
        PROPOSED_TO_OPEN = "proposed_to_open", "Proposed to open"

    urn = models.PositiveIntegerField("URN", unique=True)
    laestab = models.CharField("LAESTAB", max_length=7, blank=True)
    name = models.CharField(max_length=200)
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="schools"
    )
    type = models.CharField(max_length=20, choices=Type, default=Type.OTHER)
    phase = models.CharField(max_length=20, choices=Phase, blank=True)
    # A special school of any type: maintained or non-maintained special
    # schools (type special) and special academies and special free schools,
    # which GIAS files under the academy groups (type academy).
    is_special = models.BooleanField(
        "special school",
        default=False,
        help_text="Tick for any special school, including a special academy or "
        "special free school.",
    )
    # Type and phase guessed from the school's name (the LLR extract has no
    # such columns) until an administrator or a full GIAS import confirms them.
    type_and_phase_provisional = models.BooleanField(default=False)
    statutory_low_age = models.PositiveSmallIntegerField(null=True, blank=True)
    statutory_high_age = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.OPEN)
    open_date = models.DateField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    trust = models.CharField(max_length=200, blank=True)
    email = models.EmailField(
        blank=True, help_text="Where on-roll requests for this school are sent."
    )
    head_teacher = models.CharField(max_length=200, blank=True)
    # GIAS publishes neither address, so an administrator enters them. A
    # removal challenge escalated to the board or the trust goes to the
    # school's own address until they are set (removals.letters).
    governing_board_email = models.EmailField(
        "governing board email",
        blank=True,
        help_text="Where escalated removal challenges to the governing board go.",
    )
    trust_email = models.EmailField(
        "academy trust email",
        blank=True,
        help_text="Where escalated removal challenges to the academy trust go.",
    )
    successors = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="predecessors",
        blank=True,
        help_text="Schools that replaced this one (GIAS successor links).",
    )
    # Successor URNs named by GIAS that are not in this deployment's school list.
    unmatched_successor_urns = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.PROPOSED_TO_CLOSE)


class Term(models.Model):
    """One term of an academic year, for an authority or, as an override, a school.

    A school with any terms of its own for an academic year uses those instead
    of its authority's for that year (academies may set their own dates).
    """

    class Confidence(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        RECONSTRUCTED = "reconstructed", "Reconstructed from school calendars"
        ESTIMATED = "estimated", "Estimated from the usual pattern"

    authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, null=True, blank=True, related_name="terms"
    )
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, null=True, blank=True, related_name="terms"
    )
    academic_year = models.CharField(max_length=7, help_text="For example 2025/26")
    name = models.CharField(max_length=50)
    first_day = models.DateField()
    last_day = models.DateField()
    confidence = models.CharField(
        max_length=20, choices=Confidence, default=Confidence.CONFIRMED
    )

    class Meta:
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(authority__isnull=False, school__isnull=True)
                | models.Q(authority__isnull=True, school__isnull=False),
                name="term_belongs_to_authority_or_school",
            ),
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="term_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.academic_year} ({self.first_day} to {self.last_day})"


class ClosureDay(models.Model):
    """A weekday inside a term when pupils are not taught: INSET or other closure."""

    class Kind(models.TextChoices):
        INSET = "inset", "INSET (training) day"
        CLOSURE = "closure", "Other closure"

    authority = models.ForeignKey(
        Authority,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closure_days",
    )
    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closure_days",
    )
    date = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.INSET)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(authority__isnull=False, school__isnull=True)
                | models.Q(authority__isnull=True, school__isnull=False),
                name="closure_belongs_to_authority_or_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"
