"""Pages of CME casework: worklist, lists, referral, case, actions, referral pack.

access.policy decides who opens each page and which cases it lists: the
caseworkers of the authority that owns a case, and of an authority asked to
take it on. A case the user may not see is "not found" (404), and a page the
user's role may not open is refused (403). Changes go through cme.actions,
whose ValidationErrors are shown on the form they came from.
"""

import json
import logging
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from access import policy
from access.decorators import policy_required
from audit.log import record
from casework.deadlines import london_today
from casework.timeline import events_for
from casework.transitions import StaleCase
from children.models import Child
from cme import actions
from cme import interim as interim_provision
from cme.compulsory import csa_ends_on, csa_starts_on
from cme.days import school_days_missing
from cme.enquiries import checklist
from cme.forms import ACTION_FORMS, DeferredPlaceForm, ReferralForm
from cme.models import (
    CmeCase,
    DeferredPlace,
    InterimProvision,
    MissingPeriod,
    Transfer,
    email_undelivered,
)
from cme.pack import referral_pack
from cme.states import TRANSITIONS, allowed_transitions
from correspondence import outbox
from placements.templatetags.onroll import event_label
from placements.views import apply_validation_error
from schools.calendars import CalendarCache
from schools.schooldays import CalendarNotKnown

logger = logging.getLogger(__name__)

PAGE_SIZE = 50

cme_staff_required = policy_required(
    policy.can_see_cme_lists,
    "Children missing education pages are for local authority caseworkers and "
    "managers.",
)

ACTIONS = {
    name: getattr(actions, name)
    for name in TRANSITIONS
    if name != "flag_review_overdue"
}


# Lists ------------------------------------------------------------------------


def _visible(request: HttpRequest):
    return policy.visible_cme_cases(request.user, CmeCase.objects.all())


@cme_staff_required
def worklist(request: HttpRequest) -> HttpResponse:
    """List the open cases: overdue reviews first, then the highest priority."""
    today = london_today()
    authority_id = request.user.organisation.authority_id
    cases = (
        _visible(request)
        .filter(is_open=True, authority_id=authority_id)
        .select_related("child", "owner", "last_known_school")
        .annotate(email_undelivered=email_undelivered())
        .order_by(F("due_on").asc(nulls_last=True), "-priority", "pk")
    )
    incoming = (
        Transfer.objects.filter(
            to_authority_id=authority_id, status=Transfer.Status.REQUESTED
        )
        .select_related("case__child", "from_authority")
        .order_by("requested_at")
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cme/worklist.html",
        {
            "page": page,
            "today": today,
            "incoming": incoming,
            "overdue": cases.filter(due_on__lt=today).count(),
        },
    )


def _days_missing(
    case: CmeCase, today: date, calendars: CalendarCache, periods=None
) -> dict[str, Any]:
    """Count the case's school days missing education for a page.

    `days` is None when term dates are missing. `csa_starts_on` is set for a
    child not yet of compulsory school age today, whose count is 0, and
    `csa_ended_on` for a child over it, whose count stops on that day.
    """
    born_on = case.child.date_of_birth
    starts_on = csa_starts_on(born_on)
    ends_on = csa_ends_on(born_on)
    try:
        days = school_days_missing(case, today, calendars, periods=periods)
    except CalendarNotKnown as error:
        logger.warning("Days missing not counted for %s: %s", case, error)
        days = None
    return {
        "days": days,
        "csa_starts_on": starts_on if today < starts_on else None,
        "csa_ended_on": ends_on if today > ends_on else None,
    }


def _with_days(cases: list[CmeCase], today: date) -> list[dict[str, Any]]:
    calendars = CalendarCache()
    return [
        {
            "case": case,
            **_days_missing(case, today, calendars, periods=case.missing_periods.all()),
        }
        for case in cases
    ]


@cme_staff_required
def waiting(request: HttpRequest) -> HttpResponse:
    """List children waiting for a school place, with school days without education."""
    today = london_today()
    cases = (
        _visible(request)
        .filter(
            is_open=True,
            waiting_for_place=True,
            authority_id=request.user.organisation.authority_id,
        )
        .select_related("child")
        .prefetch_related(
            Prefetch("missing_periods", queryset=MissingPeriod.objects.all()),
            Prefetch("interim_provisions", queryset=InterimProvision.objects.all()),
        )
        .order_by("referred_on", "pk")
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cme/waiting.html",
        {"page": page, "rows": _with_days(page.object_list, today), "today": today},
    )


@cme_staff_required
def interim(request: HttpRequest) -> HttpResponse:
    """List interim (section 19) provision on the authority's cases, current first."""
    today = london_today()
    cases = _visible(request).filter(
        authority_id=request.user.organisation.authority_id
    )
    provisions = interim_provision.for_list(
        InterimProvision.objects.filter(case__in=cases).select_related("case__child"),
        today,
    )
    page = Paginator(provisions, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"provision": provision, "status": interim_provision.status(provision, today)}
        for provision in page.object_list
    ]
    return render(
        request,
        "cme/interim.html",
        {"page": page, "rows": rows, "today": today},
    )


@cme_staff_required
def deferred(request: HttpRequest) -> HttpResponse:
    """List deferred reception places, with the day compulsory school age starts."""
    places = (
        DeferredPlace.objects.filter(
            authority_id=request.user.organisation.authority_id,
            started_on__isnull=True,
        )
        .select_related("child", "school")
        .order_by("deferred_to", "pk")
    )
    page = Paginator(places, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"place": place, "csa_starts_on": csa_starts_on(place.child.date_of_birth)}
        for place in page.object_list
    ]
    return render(
        request,
        "cme/deferred.html",
        {"page": page, "rows": rows, "today": london_today()},
    )


@cme_staff_required
def new_deferred_place(request: HttpRequest) -> HttpResponse:
    authority_id = request.user.organisation.authority_id
    form = DeferredPlaceForm(
        request.POST if request.method == "POST" else None, authority_id=authority_id
    )
    if form.is_bound and form.is_valid():
        child = policy.visible_children(
            request.user, Child.objects.filter(pk=form.cleaned_data["child"])
        ).first()
        if child is None:
            form.add_error(
                "child",
                f"No child of your authority has the number "
                f"{form.cleaned_data['child']}. Check the number on the child's page",
            )
        else:
            try:
                actions.record_deferred_place(
                    actor=request.user,
                    child=child,
                    school=form.cleaned_data["school"],
                    deferred_to=form.cleaned_data["deferred_to"],
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Deferred place recorded for {child}")
                return redirect("cme:deferred")
    return render(request, "cme/deferred_new.html", {"form": form})


# Referral ---------------------------------------------------------------------


@cme_staff_required
def refer(request: HttpRequest) -> HttpResponse:
    """Record a referral, showing possible duplicates of open cases first."""
    authority_id = request.user.organisation.authority_id
    form = ReferralForm(
        request.POST if request.method == "POST" else None, authority_id=authority_id
    )
    duplicates = []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        duplicates = list(
            actions.possible_duplicates(
                authority_id=authority_id,
                upn=data["upn"],
                first_name=data["legal_first_name"],
                last_name=data["legal_last_name"],
                date_of_birth=data["date_of_birth"],
            )
        )
        asked = request.POST.get("add_to_case", "")
        chosen = {str(case.pk): case for case in duplicates}.get(asked)
        if asked and chosen is None:
            # The details were changed after the duplicates were shown, so
            # the case asked for may not be this child's. Show them again.
            form.add_error(
                None,
                f"Case {asked} does not match these details any more. Check the "
                "child's details, then choose again.",
            )
        elif chosen is not None:
            # The officer chose this case as the referred child's.
            try:
                actions.add_referral_to_case(
                    chosen, actor=request.user, **form.action_data()
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request, f"Referral added to {chosen.child}'s case {chosen.pk}"
                )
                return redirect("cme:detail", pk=chosen.pk)
        elif duplicates and not data["confirm_new"]:
            record("cme.duplicates_shown", data={"cases": [c.pk for c in duplicates]})
            # The officer confirms by sending the same input with confirm_new set.
            form.data = form.data.copy()
            form.data["confirm_new"] = "True"
        else:
            try:
                case = actions.record_referral(
                    actor=request.user,
                    different_child=bool(duplicates),
                    **form.action_data(),
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"CME case opened for {case.child}")
                return redirect("cme:detail", pk=case.pk)
    return render(request, "cme/refer.html", {"form": form, "duplicates": duplicates})


# Case -------------------------------------------------------------------------


def _case_for(request: HttpRequest, pk: int) -> CmeCase:
    return get_object_or_404(
        _visible(request).select_related(
            "child", "authority", "last_known_school", "outcome_school", "owner"
        ),
        pk=pk,
    )


def available_actions(user: Any, case: CmeCase) -> list:
    """Return the actions the user may take on the case now, in table order."""
    pending = actions.pending_transfer(case)
    allowed = []
    for transition in allowed_transitions(case.state, user.role):
        name = transition.name
        if name in ("accept_transfer", "reject_transfer"):
            ok = pending is not None and policy.can_decide_cme_transfer(user, case)
        elif name == "revoke_transfer":
            ok = pending is not None and policy.can_act_on_cme_case(user, case)
        elif name == "request_transfer":
            ok = pending is None and policy.can_act_on_cme_case(user, case)
        elif name == "record_safeguarding_outcome":
            ok = (
                policy.can_act_on_cme_case(user, case)
                and case.safeguarding_referrals.exists()
            )
        elif name == "end_provision":
            ok = (
                policy.can_act_on_cme_case(user, case)
                and case.interim_provisions.filter(ended_on=None).exists()
            )
        elif name == "sign_off":
            ok = policy.can_act_on_cme_case(user, case) and (
                user.pk != case.outcome_recorded_by_id
            )
        elif name == "confirm_on_roll":
            ok = False  # schools confirm on their own pages
        else:
            ok = policy.can_act_on_cme_case(user, case)
        if ok:
            allowed.append(transition)
    return allowed


@cme_staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the case, or show staff of the authority that sent it on where it went.

    Any other user who may not see the case gets 404.
    """
    try:
        case = _case_for(request, pk)
    except Http404:
        moved = _moved(request, pk)
        if moved is None:
            raise
        return moved
    today = london_today()
    record("cme.viewed", target=case)
    enquiries = case.enquiries.select_related("kind", "made_by")
    done = {enquiry.kind_id for enquiry in enquiries}
    return render(
        request,
        "cme/detail.html",
        {
            "case": case,
            "child": case.child,
            "today": today,
            "missing": _days_missing(case, today, CalendarCache()),
            "actions": available_actions(request.user, case),
            "enquiries": enquiries,
            "checklist": [
                {"kind": kind, "done": kind.pk in done}
                for kind in checklist(case.authority_id)
            ],
            "safeguarding": case.safeguarding_referrals.select_related("referred_by"),
            "periods": case.missing_periods.all(),
            "provisions": case.interim_provisions.all(),
            "transfers": case.transfers.select_related(
                "from_authority", "to_authority"
            ),
            "packs": case.referral_packs.all(),
            "pending_transfer": actions.pending_transfer(case),
            "events": events_for(case).order_by("-at", "-pk"),
            "messages_sent": outbox.for_case(case),
        },
    )


def _moved(request: HttpRequest, pk: int) -> HttpResponse | None:
    """Render the "case moved" page if the user's authority transferred the case away.

    The status is 200 rather than 410 Gone. The page is a successful response
    for a user whose authority sent the case on, and 410 would say the case is
    gone for good, although a later transfer back opens it again here.
    Returns None for any other user, who gets the usual 404.
    """
    transfer = policy.cme_transfer_away(request.user, pk)
    if transfer is None:
        return None
    record(
        "cme.moved_notice_viewed",
        data={"case": pk, "transfer": transfer.pk},
    )
    return render(request, "cme/moved.html", {"case_id": pk, "transfer": transfer})


@cme_staff_required
def action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Show one action's form for the case, and carry it out on POST."""
    case = _case_for(request, pk)
    if name not in ACTION_FORMS:
        raise Http404(f"There is no CME action called {name}.")
    if name not in {t.name for t in available_actions(request.user, case)}:
        raise PermissionDenied(
            f"You cannot {TRANSITIONS[name].label[:1].lower()}"
            f"{TRANSITIONS[name].label[1:]} on this case now."
        )
    form = ACTION_FORMS[name](
        request.POST if request.method == "POST" else None, case=case
    )
    if request.method == "GET":
        record("cme.viewed", target=case, data={"form": name})
    if form.is_bound and form.is_valid():
        try:
            ACTIONS[name](
                case,
                actor=request.user,
                version=form.cleaned_data["version"],
                **form.action_data(),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        except StaleCase as error:
            form.add_error(None, str(error))
        except CalendarNotKnown as error:
            logger.warning("School days not counted for %s: %s", case, error)
            form.add_error(None, str(error))
        else:
            messages.success(request, event_label(f"cme.{name}"))
            if policy.can_view_cme_case(request.user, case):
                return redirect("cme:detail", pk=case.pk)
            return redirect("cme:worklist")
        case.refresh_from_db()
    return render(
        request,
        "cme/action.html",
        {
            "case": case,
            "child": case.child,
            "transition": TRANSITIONS[name],
            "form": form,
        },
    )


@cme_staff_required
def pack(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the referral pack for an authority outside Onroll, printable or as JSON."""
    case = _case_for(request, pk)
    if not policy.can_act_on_cme_case(request.user, case):
        raise PermissionDenied("Only the authority that owns the case exports it.")
    content = referral_pack(case)
    record(
        "cme.referral_pack_exported",
        target=case,
        data={"format": request.GET.get("format", "html")},
    )
    if request.GET.get("format") == "json":
        response = JsonResponse(content, json_dumps_params={"indent": 2})
        response["Content-Disposition"] = (
            f'attachment; filename="cme-referral-{case.pk}.json"'
        )
        return response
    return render(
        request,
        "cme/pack.html",
        {"case": case, "pack": content, "pack_json": json.dumps(content, indent=2)},
    )
