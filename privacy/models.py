from django.db import models


class RetentionRecord(models.Model):
    """Proof that retention anonymised a child or a case, without personal data.

    A row of kind "child" also marks the child as anonymised, so that
    `apply_retention` never acts on the same child twice.
    """

    class Kind(models.TextChoices):
        CHILD = "child", "Child"
        PLACEMENT = "placement", "Placement"
        CME_CASE = "cme_case", "CME case"

    at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=Kind)
    object_id = models.PositiveBigIntegerField()
    rule = models.CharField(
        max_length=200,
        help_text="The retention setting applied and its value, for example "
        "placement_years_after_closing = 6.",
    )

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="one_retention_record_per_object"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_id} anonymised at {self.at}"
