"""The banner that says a deployment is not production."""

from django import template
from django.conf import settings
from django.utils.html import format_html, format_html_join

register = template.Library()


def _who_is_emailed() -> str:
    allowed = settings.ONROLL_EMAIL_ALLOW_LIST
    if not allowed:
        return "It sends no email."
    return format_html(
        "It sends email only to {}.",
        format_html_join(", ", "{}", ((entry,) for entry in allowed)),
    )


@register.simple_tag
def email_banner() -> str:
    """Say, on every page of a deployment that is not production, who it emails."""
    if settings.ONROLL_PRODUCTION:
        return ""
    return format_html(
        '<div class="govuk-notification-banner" role="region" '
        'aria-labelledby="test-system-banner-title" '
        'data-module="govuk-notification-banner">'
        '<div class="govuk-notification-banner__header">'
        '<h2 class="govuk-notification-banner__title" id="test-system-banner-title">'
        "Test system</h2></div>"
        '<div class="govuk-notification-banner__content">'
        '<p class="govuk-notification-banner__heading">This is not the live service. '
        "{}</p></div></div>",
        _who_is_emailed(),
    )


@register.simple_tag
def admin_email_banner() -> str:
    """Say the same on the admin pages, styled as one of the admin's warnings."""
    if settings.ONROLL_PRODUCTION:
        return ""
    return format_html(
        '<ul class="messagelist" role="region" aria-label="Test system">'
        '<li class="warning">Test system: this is not the live service. {}</li></ul>',
        _who_is_emailed(),
    )


_STATUS_TAGS = {
    "queued": "govuk-tag--grey",
    "sending": "govuk-tag--grey",
    "sent": "govuk-tag--green",
    "failed": "govuk-tag--red",
    "refused": "govuk-tag--red",
    "cancelled": "govuk-tag--grey",
}


@register.filter
def message_tag_class(status: str) -> str:
    return _STATUS_TAGS.get(status, "")
