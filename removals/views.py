"""Local authority and partner pages of removals from roll and their challenges.

Every list and page filters through access.policy, so a user sees only what
the policy allows and another organisation's record is "not found" (404).
Changes go through removals.actions.
"""

import logging
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from access import policy
from access.decorators import la_staff_required, named_records_required, policy_required
from audit.log import record
from casework.deadlines import london_today
from casework.timeline import events_for
from casework.transitions import StaleCase
from correspondence.models import Message
from onroll.formatters import long_date
from placements.views import PAGE_SIZE, apply_validation_error
from removals import actions, reports
from removals.forms import ChallengeForm, ChallengeTransitionForm, MonthForm
from removals.models import (
    Challenge,
    ChallengeLetter,
    Destination,
    PartnerFlag,
    RemovalNotice,
)
from removals.states import TRANSITIONS, allowed_transitions
from schools.schooldays import CalendarNotKnown

logger = logging.getLogger(__name__)

partner_required = policy_required(
    policy.is_partner, "This page is for partner agencies."
)


def _notices(user: Any) -> Any:
    return policy.visible_removals(user, RemovalNotice.objects.all()).select_related(
        "school", "child", "destination_school", "destination_authority"
    )


# Notices ---------------------------------------------------------------------


@la_staff_required
def notice_list(request: HttpRequest) -> HttpResponse:
    """List the removals the user's authority may see, newest first."""
    notices = _notices(request.user).order_by("-notified_at", "-pk")
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    record("removal.list_viewed", data={"notices": [n.pk for n in page]})
    return render(request, "removals/list.html", {"page": page})


@named_records_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one notice with its failed checks, route and challenges."""
    if policy.is_school_user(request.user):
        raise PermissionDenied("Schools see their notices at /school/removals/.")
    notice = get_object_or_404(_notices(request.user), pk=pk)
    record("removal.viewed", target=notice)
    is_staff = policy.is_la_staff(request.user)
    return render(
        request,
        "removals/detail.html",
        {
            "notice": notice,
            "is_staff": is_staff,
            "show_identity": policy.can_see_removal_identity(request.user, notice),
            "can_challenge": policy.can_act_on_removal(request.user, notice),
            "open_challenge": _open_challenge(notice) if is_staff else None,
            "challenges": notice.challenges.all() if is_staff else [],
            "events": events_for(notice).order_by("-at", "-pk") if is_staff else None,
        },
    )


@la_staff_required
def open_challenge(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask why the officer doubts the removal, and open a challenge on POST."""
    notice = get_object_or_404(_notices(request.user), pk=pk)
    if not policy.can_act_on_removal(request.user, notice):
        raise PermissionDenied(
            "Only officers of the school's local authority can challenge a removal."
        )
    form = ChallengeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            challenge, created = actions.open_challenge(
                notice, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if created:
                messages.success(request, "Challenge opened")
            else:
                messages.info(
                    request,
                    f"Challenge {challenge.pk} to this removal was already open, so "
                    "your reason was added to its timeline as a note.",
                )
            return redirect("removals:challenge", pk=challenge.pk)
    return render(
        request,
        "removals/open_challenge.html",
        {"notice": notice, "form": form, "open_challenge": _open_challenge(notice)},
    )


def _open_challenge(notice: RemovalNotice) -> Challenge | None:
    return notice.challenges.filter(is_open=True).first()


@la_staff_required
def home_education(request: HttpRequest) -> HttpResponse:
    """List removals to home education, for the home education team."""
    notices = (
        _notices(request.user)
        .filter(
            destination=Destination.HOME_EDUCATION,
            authority_id=request.user.organisation.authority_id,
        )
        .order_by("-deletion_on", "-pk")
    )
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    record("removal.home_education_viewed", data={"notices": [n.pk for n in page]})
    return render(request, "removals/home_education.html", {"page": page})


@partner_required
def partner_flags(request: HttpRequest) -> HttpResponse:
    """List removals of vulnerable children flagged to the user's agency."""
    flags = (
        policy.visible_partner_flags(request.user, PartnerFlag.objects.all())
        .select_related("notice", "notice__school")
        .order_by("-flagged_at", "-pk")
    )
    page = Paginator(flags, PAGE_SIZE).get_page(request.GET.get("page"))
    record("removal.flags_viewed", data={"flags": [f.pk for f in page]})
    return render(request, "removals/partner_flags.html", {"page": page})


# Challenges ------------------------------------------------------------------


def _challenge_for(request: HttpRequest, pk: int) -> Challenge:
    return get_object_or_404(
        policy.visible_challenges(
            request.user,
            Challenge.objects.select_related("notice", "notice__school", "child"),
        ),
        pk=pk,
    )


@la_staff_required
def challenge_list(request: HttpRequest) -> HttpResponse:
    """List open challenges, soonest reply due first."""
    challenges = (
        policy.visible_challenges(request.user, Challenge.objects.filter(is_open=True))
        .select_related("notice", "notice__school")
        .annotate(
            email_undelivered=Exists(
                ChallengeLetter.objects.filter(
                    challenge=OuterRef("pk"),
                    message__status__in=[Message.Status.FAILED, Message.Status.REFUSED],
                )
            )
        )
        .order_by("due_on", "pk")
    )
    page = Paginator(challenges, PAGE_SIZE).get_page(request.GET.get("page"))
    record("removal_challenge.list_viewed", data={"challenges": [c.pk for c in page]})
    return render(
        request,
        "removals/challenges.html",
        {"page": page, "today": london_today()},
    )


@la_staff_required
def challenge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = _challenge_for(request, pk)
    record("removal_challenge.viewed", target=challenge)
    can_act = policy.can_act_on_challenge(request.user, challenge)
    return render(
        request,
        "removals/challenge.html",
        {
            "challenge": challenge,
            "notice": challenge.notice,
            "transitions": allowed_transitions(challenge.state, challenge.notice.school)
            if can_act
            else [],
            "letters": challenge.letters.select_related("message"),
            "events": events_for(challenge).order_by("-at", "-pk"),
        },
    )


@la_staff_required
def challenge_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Show one step's form for the challenge, and take the step on POST."""
    challenge = _challenge_for(request, pk)
    if name not in TRANSITIONS:
        raise Http404(f"There is no step called {name}.")
    if not policy.can_act_on_challenge(request.user, challenge):
        raise PermissionDenied("Your role cannot act on removal challenges.")
    allowed = {
        t.name for t in allowed_transitions(challenge.state, challenge.notice.school)
    }
    if name not in allowed:
        raise PermissionDenied(
            f"You cannot {TRANSITIONS[name].label.lower()} while the challenge is "
            f"{challenge.get_state_display().lower()}."
        )
    form = ChallengeTransitionForm(
        request.POST if request.method == "POST" else None,
        challenge=challenge,
        name=name,
    )
    if form.is_bound and form.is_valid():
        try:
            actions.move_challenge(
                challenge,
                name,
                actor=request.user,
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        except StaleCase as error:
            form.add_error(None, str(error))
        except CalendarNotKnown as error:
            logger.warning("Challenge %s: %s", challenge.pk, error)
            form.add_error(None, str(error))
        else:
            messages.success(request, TRANSITIONS[name].label)
            return redirect("removals:challenge", pk=challenge.pk)
        challenge.refresh_from_db()
    return render(
        request,
        "removals/challenge_transition.html",
        {"challenge": challenge, "notice": challenge.notice, "form": form},
    )


# Reports ---------------------------------------------------------------------


def _csv_response(filename: str, content: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@la_staff_required
def unknown_destinations_report(request: HttpRequest) -> HttpResponse:
    """List a month's removals to an unknown destination, as a page or CSV.

    An invalid month gets a 400 response, as plain text for CSV or as the
    page with the error and no rows, never another month's removals.
    """
    form = MonthForm(request.GET or None)
    wants_csv = request.GET.get("format") == "csv"
    if form.is_bound and not form.is_valid():
        errors = " ".join(form.errors.get("month", form.non_field_errors()))
        if wants_csv:
            return HttpResponse(
                f"{errors}.\n", status=400, content_type="text/plain; charset=utf-8"
            )
        return render(
            request,
            "removals/reports/unknown_destinations.html",
            {"form": form, "month": None, "notices": []},
            status=400,
        )
    month = london_today().replace(day=1)
    if form.is_bound and form.cleaned_data["month"]:
        month = form.cleaned_data["month"]
    notices = reports.unknown_destinations(request.user, month)
    record(
        "removal.report_unknown_destinations",
        data={"month": month.strftime("%Y-%m"), "notices": [n.pk for n in notices]},
    )
    if wants_csv:
        rows = [
            [
                n.pk,
                n.pupil_name,
                n.date_of_birth.isoformat(),
                n.upn,
                n.school.name,
                n.school.urn,
                n.ground,
                n.deletion_on.isoformat(),
                n.notified_at.date().isoformat(),
            ]
            for n in notices
        ]
        header = [
            "notice",
            "pupil",
            "date_of_birth",
            "upn",
            "school",
            "urn",
            "ground",
            "deletion_on",
            "notified_on",
        ]
        return _csv_response(
            f"unknown-destinations-{month:%Y-%m}.csv", reports.to_csv(header, rows)
        )
    return render(
        request,
        "removals/reports/unknown_destinations.html",
        {"form": form, "month": month, "notices": notices},
    )


@la_staff_required
def counts_report(request: HttpRequest) -> HttpResponse:
    """Count removals by school, ground and destination, as a page or CSV."""
    errors: list[str] = []
    start = _parse_date(request.GET.get("from"), "From", errors)
    end = _parse_date(request.GET.get("to"), "To", errors)
    if start and end and start > end:
        errors.append(
            f"The from date, {long_date(start)}, is after the to date, "
            f"{long_date(end)}. Swap them, or change one."
        )
        # Counting an empty period would look like a period with no removals.
        start = end = None
    rows = reports.counts(request.user, start, end)
    record(
        "removal.report_counts",
        data={"from": str(start or ""), "to": str(end or "")},
    )
    if request.GET.get("format") == "csv":
        header = ["school", "urn", "ground", "destination", "removals"]
        return _csv_response(
            "removals-by-school-ground-destination.csv",
            reports.to_csv(
                header,
                [
                    [
                        r["school__name"],
                        r["school__urn"],
                        r["ground"],
                        r["destination"],
                        r["removals"],
                    ]
                    for r in rows
                ],
            ),
        )
    return render(
        request,
        "removals/reports/counts.html",
        {
            "rows": rows,
            "start": start,
            "end": end,
            "errors": errors,
            "query": request.GET.urlencode(),
        },
    )


def _parse_date(value: str | None, label: str, errors: list[str]) -> date | None:
    """Return the date typed in a filter, or None; a bad date adds an error."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(
            f"{label} date “{value}” is not a date. Write it as year-month-day, "
            "for example 2026-09-01. Until then the report counts every date."
        )
        return None
