from django.db import models


class DemoChild(models.Model):
    """Marker of a child that `load_demo` generated, which its next run replaces.

    Deleting the child deletes this row too. Children entered by hand, even by
    the demo users, have no row here and are never touched by `load_demo`.
    """

    child = models.OneToOneField(
        "children.Child",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    seed = models.PositiveIntegerField(help_text="The --seed of the run.")
    position = models.PositiveIntegerField(
        help_text="The child's position in that run, from 0."
    )

    class Meta:
        ordering = ["position"]
        verbose_name = "demo child"

    def __str__(self) -> str:
        return f"Demo child {self.position} (seed {self.seed})"
