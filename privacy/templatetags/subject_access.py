"""Template filters that write a subject access export's values for people."""

from datetime import date, datetime
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from placements.templatetags.onroll import london_datetime, long_date

register = template.Library()


@register.filter
def field_label(key: str) -> str:
    """Turn an export key such as `legal_first_name` into "Legal first name"."""
    words = key.replace("_", " ")
    return words[:1].upper() + words[1:]


@register.filter
def export_value(value: Any) -> SafeString:
    """Write an export value as escaped HTML: dates GOV.UK style, nested values
    as description lists or bulleted lists."""
    if value is None or value == "":
        return format_html('<span class="govuk-hint">{}</span>', "Not recorded")
    if isinstance(value, bool):
        return format_html("{}", "Yes" if value else "No")
    if isinstance(value, datetime):
        return format_html(
            '<time datetime="{}">{}</time>', value.isoformat(), london_datetime(value)
        )
    if isinstance(value, date):
        return format_html(
            '<time datetime="{}">{}</time>', value.isoformat(), long_date(value)
        )
    if isinstance(value, dict):
        if not value:
            return format_html('<span class="govuk-hint">{}</span>', "None")
        rows = format_html_join(
            "",
            "<dt>{}</dt><dd>{}</dd>",
            (
                (field_label(str(key)), export_value(item))
                for key, item in value.items()
            ),
        )
        return format_html('<dl class="onroll-export-values">{}</dl>', rows)
    if isinstance(value, list):
        if not value:
            return format_html('<span class="govuk-hint">{}</span>', "None")
        items = format_html_join(
            "", "<li>{}</li>", ((export_value(item),) for item in value)
        )
        return format_html('<ul class="govuk-list govuk-list--bullet">{}</ul>', items)
    return format_html("{}", value)
