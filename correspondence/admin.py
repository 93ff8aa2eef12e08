"""Administrators edit email templates here; every save is kept as a version.

The form checks every part against the template's merge fields before it
saves (correspondence.merge), and the page previews the saved version with
made-up values. Messages are read-only: they record what was sent.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html

from audit.log import record
from correspondence import merge
from correspondence.models import EmailTemplate, Message, TemplateVersion


class EmailTemplateForm(forms.ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ["subject", "text", "html"]

    def clean(self) -> dict:
        cleaned = super().clean()
        parts = {part: cleaned[part] for part in merge.PARTS if part in cleaned}
        try:
            merge.validate(self.instance.merge_fields, **parts)
        except ValidationError as error:
            for part, messages in error.message_dict.items():
                self.add_error(part, messages)
        return cleaned


class TemplateVersionInline(admin.TabularInline):
    model = TemplateVersion
    fields = ("number", "subject", "saved_at", "saved_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    form = EmailTemplateForm
    list_display = ("title", "name", "version")
    readonly_fields = (
        "name",
        "title",
        "description",
        "fields_list",
        "version",
        "preview",
    )
    fieldsets = [
        (None, {"fields": ["title", "name", "description", "version"]}),
        ("Text", {"fields": ["fields_list", "subject", "text", "html"]}),
        ("Preview of the saved version", {"fields": ["preview"]}),
    ]
    inlines = [TemplateVersionInline]

    class Media:
        css = {"all": ["onroll/admin-preview.css"]}

    @admin.display(description="Merge fields")
    def fields_list(self, template: EmailTemplate) -> str:
        return ", ".join(f"{{{{ {field} }}}}" for field in template.merge_fields)

    @admin.display(description="Preview")
    def preview(self, template: EmailTemplate) -> str:
        sample = merge.sample_context(template.merge_fields)
        subject = merge.render(template.subject, sample, html=False)
        text = merge.render(template.text, sample, html=False)
        html = merge.render(template.html, sample, html=True)
        # The HTML part goes in a sandboxed frame, so nothing in it runs here.
        return format_html(
            "<p><strong>Subject:</strong> {}</p>"
            '<pre class="onroll-preview-text">{}</pre>'
            '<iframe sandbox="" title="HTML part" srcdoc="{}" '
            'class="onroll-preview-frame"></iframe>',
            " ".join(subject.split()),
            text,
            html,
        )

    @transaction.atomic
    def save_model(self, request, template: EmailTemplate, form, change) -> None:
        template.version += 1
        template.save()
        TemplateVersion.objects.create(
            template=template,
            number=template.version,
            subject=template.subject,
            text=template.text,
            html=template.html,
            saved_at=timezone.now(),
            saved_by=request.user,
        )
        record(
            "email_template.saved",
            actor=request.user,
            target=template,
            data={"version": template.version},
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read-only: the outbox worker alone changes a message."""

    list_display = ("subject", "to", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("to", "subject", "message_id")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
