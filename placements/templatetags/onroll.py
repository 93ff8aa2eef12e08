"""Template filters that write dates, times, states and events for people."""

from datetime import date, datetime, timedelta
from typing import Any

from django import template
from django.core.paginator import Page
from django.urls import reverse
from django.utils.html import format_html

from access import policy
from casework.deadlines import LONDON
from children.models import RiskAssessment
from onroll.formatters import long_date as format_long_date
from placements import home

register = template.Library()

# Past-tense descriptions of timeline events, by Event.kind.
EVENT_LABELS = {
    "placement.received": "Application received",
    "placement.assess": "Vulnerability assessed",
    "placement.offer": "Place offered",
    "placement.refuse": "Application refused",
    "placement.send_request": "On-roll request sent to the school",
    "placement.confirm_on_roll": "On roll confirmed",
    "placement.confirm_attendance": "Attendance confirmed",
    "placement.check_off": "Checked off",
    "placement.withdraw": "Application withdrawn",
    "placement.move_out": "Moved out of the area",
    "placement.refer_cme": "Referred to the Inclusion Service as missing education",
    "placement.report_not_arrived": "Reported as not arrived and referred to the "
    "Inclusion Service",
    "placement.chased": "Chased",
    "placement.escalated": "Escalated",
    "placement.email_failed": "Email failed to send",
    "placement.record_reply": "Reply from the school recorded",
    "email.failed": "Email not delivered",
    "email.refused": "Email refused: address not allowed on this system",
    "cme.referred": "Referral received by the Inclusion Service",
    "cme.reported_again": "Reported again in a school's absence return",
    "cme.referred_again": "Referred again while the case was open",
    "cme.acknowledgement_not_sent": "Referral acknowledgement not emailed",
    "cme.record_enquiry": "Enquiry recorded",
    "cme.record_safeguarding": "Safeguarding referral recorded",
    "cme.record_safeguarding_outcome": "Safeguarding referral outcome recorded",
    "cme.review": "Case reviewed",
    "cme.set_reason": "Primary reason recorded",
    "cme.record_provision": "Interim provision recorded",
    "cme.end_provision": "Interim provision ended",
    "cme.record_outcome": "Outcome recorded",
    "cme.sign_off": "Outcome signed off",
    "cme.return_outcome": "Outcome returned to the officer",
    "cme.confirm_on_roll": "School confirmed the child on roll",
    "cme.reopen": "Reopened: missing education again",
    "cme.request_transfer": "Transfer requested",
    "cme.accept_transfer": "Transfer accepted",
    "cme.reject_transfer": "Transfer rejected",
    "cme.revoke_transfer": "Transfer revoked",
    "cme.send_referral_pack": "Referral pack sent",
    "cme.flag_review_overdue": "Review overdue",
}

# Transitions that move a case forward get the primary button. Those that
# close it early get the secondary button, and referrals the warning button.
_SECONDARY_TRANSITIONS = frozenset({"refuse", "withdraw", "move_out"})
_WARNING_TRANSITIONS = frozenset({"refer_cme", "report_not_arrived"})


def event_label(kind: str) -> str:
    """Return the readable name of an event kind, or a tidied form of an unknown one."""
    if kind in EVENT_LABELS:
        return EVENT_LABELS[kind]
    words = kind.rsplit(".", 1)[-1].replace("_", " ")
    return words[:1].upper() + words[1:]


@register.filter
def long_date(value: date | datetime | None) -> str:
    """Write a date as GOV.UK does ("4 December 2026"), a datetime by its London day."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    return format_long_date(value)


def _govuk_time(moment: datetime) -> str:
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    if moment.hour == 12 and moment.minute == 0:
        return "midday"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


@register.filter
def london_datetime(value: datetime | None) -> str:
    """Write an instant in London time, GOV.UK style: "4 December 2026 at 10:05am"."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    return f"{format_long_date(local.date())} at {_govuk_time(local)}"


@register.simple_tag
def deadline_tag(placement: Any, today: date) -> str:
    """Return the tag for a case's due day: Overdue once it has passed, Chased
    while a chased case's new day is still to come, else nothing."""
    if placement.due_on and placement.due_on < today:
        return format_html(_TAG, colour="red", text="Overdue")
    if placement.is_open and placement.reminders_sent:
        return format_html(_TAG, colour="orange", text="Chased")
    return ""


_TAG = '<strong class="govuk-tag govuk-tag--{colour}">{text}</strong>'


@register.filter
def cooloff_minutes(value: timedelta | None) -> str:
    """Format a sign-in cool-off period in whole minutes: "30 minutes"."""
    if value is None:
        return "a while"
    minutes = max(1, round(value.total_seconds() / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


@register.filter
def risk_label(level: int | None) -> str:
    if level is None:
        return "Not assessed"
    return RiskAssessment.Level(level).label


@register.filter
def risk_tag_class(level: int | None) -> str:
    colours = {
        RiskAssessment.Level.HIGH: "govuk-tag--red",
        RiskAssessment.Level.MEDIUM: "govuk-tag--yellow",
        RiskAssessment.Level.LOW: "govuk-tag--green",
    }
    return colours.get(level, "govuk-tag--grey")


@register.filter
def event_kind(kind: str) -> str:
    return event_label(kind)


@register.filter
def transition_button_class(name: str) -> str:
    if name in _WARNING_TRANSITIONS:
        return "govuk-button govuk-button--warning"
    if name in _SECONDARY_TRANSITIONS:
        return "govuk-button govuk-button--secondary"
    return "govuk-button"


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def govuk_pagination(context: template.Context, page: Page) -> dict:
    """Build the GOV.UK pagination links for a page, keeping the other query values."""
    request = context["request"]

    def url_for(number: int) -> str:
        query = request.GET.copy()
        query["page"] = number
        return f"?{query.urlencode()}"

    items = []
    for number in page.paginator.get_elided_page_range(
        page.number, on_each_side=1, on_ends=1
    ):
        if number == page.paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append(
                {
                    "number": number,
                    "url": url_for(number),
                    "current": number == page.number,
                }
            )
    return {
        "page": page,
        "items": items,
        "previous_url": url_for(page.previous_page_number())
        if page.has_previous()
        else "",
        "next_url": url_for(page.next_page_number()) if page.has_next() else "",
    }


# The service navigation's links: URL name, link text, and the access.policy
# function that returns whether the user may open the page.
NAVIGATION = (
    ("placements:worklist", "Worklist", policy.is_la_staff),
    ("placements:worklist", "Shared children", policy.is_partner),
    ("placements:check_off", "Check-off list", policy.is_la_staff),
    ("placements:new_application", "New application", policy.can_register_child),
    ("access:dashboard", "Dashboard", policy.can_see_aggregates),
    ("school:requests", "On-roll requests", policy.is_school_user),
    ("audit:search", "Audit log", policy.can_search_audit_log),
    ("removals:list", "Removals", policy.can_see_removal_lists),
    ("removals:partner_flags", "Removals from roll", policy.is_partner),
    ("school_removals:list", "Removals from roll", policy.is_school_user),
    ("cme:worklist", "Missing education", policy.can_see_cme_lists),
    ("school_cme:confirmations", "Missing education", policy.is_school_user),
)


@register.simple_tag(takes_context=True)
def home_url(context: template.Context) -> str:
    """Return the address of the signed-in user's first page, for the header."""
    return home.home_url(context.get("user"))


@register.inclusion_tag("includes/service_navigation.html", takes_context=True)
def service_navigation(context: template.Context) -> dict:
    """Build the navigation links, marking the one for the page being shown."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    user = context.get("user")
    return {
        "signed_in": bool(user and user.is_authenticated),
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "items": [
            {"href": reverse(name), "text": text, "current": name == current}
            for name, text, may_open in NAVIGATION
            if may_open(user)
        ],
    }
