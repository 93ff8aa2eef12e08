"""Email templates with every saved version, and the outbox of messages.

A template's current text lives on EmailTemplate, and every save adds a
TemplateVersion, so that each Message can name the exact version it was
rendered from. A Message is rendered when it is queued, in the transaction
that changed the case, and keeps its subject and both parts, so what the
case shows is what was sent.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class EmailTemplate(models.Model):
    name = models.SlugField(
        max_length=60,
        unique=True,
        help_text="The name code uses to send it, for example chase_first.",
    )
    title = models.CharField(max_length=100)
    description = models.TextField(blank=True, help_text="When Onroll sends it.")
    merge_fields = models.JSONField(
        default=list,
        help_text="The fields the template may use, such as child.full_name.",
    )
    subject = models.CharField(max_length=300)
    text = models.TextField("plain text")
    html = models.TextField("HTML")
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class TemplateVersion(models.Model):
    template = models.ForeignKey(
        EmailTemplate, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField()
    saved_at = models.DateTimeField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the versions Onroll ships.",
    )

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="template_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template.name} version {self.number}"


class Message(models.Model):
    """One email to one address, from queueing until sent or given up."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Not delivered"
        REFUSED = "refused", "Refused: address not allowed"
        CANCELLED = "cancelled", "Cancelled"

    template_version = models.ForeignKey(
        TemplateVersion, on_delete=models.PROTECT, related_name="messages"
    )
    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    case_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("case_type", "case_id")
    child = models.ForeignKey(
        "children.Child",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the deadline sweep queued it.",
    )
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField()
    # Set once, when queued, and sent with every attempt, so that a resend
    # after a crash carries the same Message-ID as the first try.
    message_id = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    # When a queued message is next tried. While a worker holds the message
    # (status sending), the end of its lease: if the worker dies, another one
    # claims the message again once this has passed.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    provider_reference = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["case_type", "case_id"]),
            # The worker's query: messages due to be tried, and claimed ones
            # whose lease has run out.
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_due",
                condition=Q(status__in=["queued", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to}"
