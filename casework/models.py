from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Case(models.Model):
    """Fields every journey's case shares: state, owner, deadline and version.

    `due_on` is the day the current step is due, as officers see it, and the
    case is overdue once it has passed. `due_at` is the next instant the
    deadline sweep must act on the case, or null when it has nothing left to
    do. Each journey keeps a partial index on `due_at` for open cases, which
    the sweep's query relies on.
    """

    authority = models.ForeignKey(
        "schools.Authority", on_delete=models.PROTECT, related_name="+"
    )
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=30)
    is_open = models.BooleanField(default=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    # How many times the sweep has acted on the current step: chases first,
    # then one escalation. Reset whenever the state changes.
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    # Incremented on every change so that a form submitted against an old copy
    # of the case is refused instead of overwriting someone else's change.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class Event(models.Model):
    """One entry on a case's timeline: who did what, when, with what note."""

    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    case_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("case_type", "case_id")
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(max_length=60, help_text="For example placement.offered")
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the deadline sweep acted.",
    )
    at = models.DateTimeField()
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["case_type", "case_id", "at"]),
            models.Index(fields=["child", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def actor_label(self) -> str:
        if self.actor is None:
            # Actions done without a user account, such as a school's answer
            # through a signed link, name who acted in data["acted_by"].
            return self.data.get("acted_by") or "Onroll (automatic)"
        return self.actor.get_full_name() or self.actor.username
