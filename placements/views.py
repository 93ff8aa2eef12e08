"""Pages of placement tracking: worklist, check-off list, new application, case.

access.policy decides who opens each page and which records it lists: LA
staff see their own authority's cases, a school user the cases offered to
their school, and a partner agency the cases of children shared with it. A
case the user may not see is "not found" (404), and a page the user's role
may not open is refused (403). Changes go through placements.actions and
children.actions, whose ValidationErrors are shown on the form they came from.
"""

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from access import policy
from access.decorators import la_staff_required, named_records_required
from access.models import User
from access.views import shared_children
from audit.log import record
from casework.deadlines import london_today
from casework.timeline import events_for
from casework.transitions import StaleCase
from children import actions as child_actions
from children.models import Child
from correspondence import outbox
from placements import actions
from placements.deadlines import limit
from placements.forms import (
    TRANSITION_FORMS,
    NewApplicationForm,
    RecordReplyForm,
    TransitionForm,
    WorklistFilterForm,
)
from placements.models import Placement
from placements.states import (
    REPLY_RECORDERS,
    TRANSITIONS,
    State,
    Transition,
    allowed_transitions,
)
from placements.templatetags.onroll import event_label
from schools.models import School
from schools.schooldays import CalendarNotKnown

logger = logging.getLogger(__name__)

PAGE_SIZE = 50

# The action behind each transition name in placements.states.TRANSITIONS.
ACTIONS: dict[str, Callable[..., Any]] = {
    "assess": actions.assess,
    "offer": actions.offer,
    "refuse": actions.refuse,
    "send_request": actions.send_request,
    "confirm_on_roll": actions.confirm_on_roll,
    "confirm_attendance": actions.confirm_attendance,
    "check_off": actions.check_off,
    "withdraw": actions.withdraw,
    "move_out": actions.move_out,
    "refer_cme": actions.refer_to_cme,
    "report_not_arrived": actions.report_not_arrived,
}


def apply_validation_error(form: Any, error: ValidationError) -> None:
    """Put an action's ValidationError on the form: by field where it names one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _calendar_error(form: Any, error: CalendarNotKnown, case: str) -> None:
    """Log and show a deadline that cannot be counted for want of term dates."""
    logger.warning("School days could not be counted for %s: %s", case, error)
    form.add_error(None, str(error))


def _counts(placements: QuerySet) -> dict[str, int]:
    return placements.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(is_overdue=True)),
        alert=Count("pk", filter=Q(has_alert=True)),
    )


# Lists ----------------------------------------------------------------------


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    """Show LA staff their open cases: the home page, where sign-in leads.

    A partner agency gets its shared children here instead, an analyst the
    dashboard, a school its requests, and a site administrator with no
    authority the admin pages.
    """
    if policy.is_partner(request.user):
        return shared_children(request)
    if policy.is_analyst(request.user):
        return redirect("access:dashboard")
    if policy.is_school_user(request.user):
        return redirect("school:requests")
    if request.user.role == User.Role.INCLUSION_OFFICER:
        # The Inclusion Service works children missing education, not
        # placements, so its officers start on the CME worklist.
        return redirect("cme:worklist")
    if request.user.is_staff and not policy.is_la_staff(request.user):
        return redirect("admin:index")
    if not policy.is_la_staff(request.user):
        raise PermissionDenied(
            "The worklist is for local authority staff. Your account is not linked "
            "to a local authority with a role that works on cases."
        )
    open_cases = policy.visible_placements(
        request.user, Placement.objects.all()
    ).for_worklist(london_today())
    schools = School.objects.filter(
        pk__in=open_cases.exclude(school=None).values("school_id")
    )
    # Bind the filters only when one is in the query string, so that a bare
    # ?page=2 shows the unfiltered list with the default choices selected.
    filtering = any(name in request.GET for name in WorklistFilterForm.base_fields)
    form = WorklistFilterForm(request.GET if filtering else None, schools=schools)
    placements = open_cases
    if form.is_bound and form.is_valid():
        placements = _filter(placements, form.cleaned_data, request.user)
    if form.is_bound:
        record("search", data=_search_data(request, form))

    page = Paginator(placements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "placements/worklist.html",
        {
            "form": form,
            "page": page,
            "counts": _counts(placements),
            "filtered": form.is_bound,
            "today": london_today(),
        },
    )


def _search_data(request: HttpRequest, form: WorklistFilterForm) -> dict[str, Any]:
    """Return the worklist filters as typed, for the audit log."""
    filters = {
        name: request.GET.getlist(name)
        if isinstance(field, forms.MultipleChoiceField)
        else request.GET.get(name, "")
        for name, field in form.fields.items()
    }
    return {"list": "worklist", "filters": filters, "valid": form.is_valid()}


def _filter(placements: QuerySet, filters: dict, user: Any) -> QuerySet:
    if filters["state"]:
        placements = placements.filter(state=filters["state"])
    if filters["school"]:
        placements = placements.filter(school=filters["school"])
    if filters["owner"] == WorklistFilterForm.OWNER_MINE:
        placements = placements.filter(owner=user)
    if WorklistFilterForm.ONLY_OVERDUE in filters["only"]:
        placements = placements.filter(is_overdue=True)
    if WorklistFilterForm.ONLY_ALERT in filters["only"]:
        placements = placements.filter(has_alert=True)
    return placements


@la_staff_required
def check_off(request: HttpRequest) -> HttpResponse:
    """List open cases of children with a vulnerability, oldest then riskiest first."""
    placements = (
        policy.visible_placements(request.user, Placement.objects.all())
        .for_worklist(london_today())
        .filter(has_alert=True)
        .order_by("received_on", F("risk_level").desc(nulls_last=True), "pk")
    )
    page = Paginator(placements, PAGE_SIZE).get_page(request.GET.get("page"))
    can_check_off = any(
        transition.name == "check_off"
        for transition in allowed_transitions(State.ATTENDING, request.user.role)
    )
    return render(
        request,
        "placements/check_off.html",
        {
            "page": page,
            "today": london_today(),
            "counts": _counts(placements),
            "can_check_off": can_check_off,
            "attending": State.ATTENDING,
        },
    )


# New application ------------------------------------------------------------


@la_staff_required
def new_application(request: HttpRequest) -> HttpResponse:
    form = NewApplicationForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            # One transaction around both actions, so that a child is never
            # saved without the application that brought them in.
            with transaction.atomic():
                child = child_actions.register_child(
                    actor=request.user, **form.child_data()
                )
                placement = actions.open_application(
                    actor=request.user, child=child, **form.application_data()
                )
        except ValidationError as error:
            apply_validation_error(form, error)
        except CalendarNotKnown as error:
            _calendar_error(form, error, "a new application")
        else:
            messages.success(request, f"Application for {child.full_name} received")
            return redirect("placements:detail", pk=placement.pk)
    return render(request, "placements/new_application.html", {"form": form})


# Case -----------------------------------------------------------------------


def _placement_for(request: HttpRequest, pk: int) -> Placement:
    """Return the placement if the user may see it, or raise Http404."""
    return get_object_or_404(
        policy.visible_placements(
            request.user, Placement.objects.select_related("child", "school", "owner")
        ),
        pk=pk,
    )


def child_summary(user: Any, child: Child, today: date) -> dict[str, Any]:
    """Return what a page about the child may show the user of the child.

    `parts` names the parts of the record the user sees (access.models.Share),
    and the alert, characteristics and risk are filtered by access.policy.
    """
    parts = policy.shared_parts(user, child)
    risk = None
    if "risk" in parts:
        risk = child.risk_assessments.select_related("completed_by").first()
    vulnerabilities = policy.visible_characteristics(user, child, parts)
    return {
        "child": child,
        "parts": parts,
        # Every characteristic has an entry, restricted or not, when the user
        # sees the vulnerability part, so only other users need the query.
        "has_alert": bool(vulnerabilities)
        if "vulnerability" in parts
        else child.vulnerabilities.exists(),
        "vulnerabilities": vulnerabilities,
        "risk": risk,
        "review_overdue": risk is not None and risk.next_review_on < today,
    }


def _transitions_for(user: Any, placement: Placement) -> list:
    if not policy.can_act_on_placement(user, placement):
        return []
    return allowed_transitions(placement.state, user.role)


@named_records_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _placement_for(request, pk)
    today = london_today()
    record("placement.viewed", target=placement)
    summary = child_summary(request.user, placement.child, today)
    events = messages_sent = None
    if "timeline" in summary["parts"]:
        events = events_for(placement).order_by("-at", "-pk")
        messages_sent = outbox.for_case(placement)
    return render(
        request,
        "placements/detail.html",
        {
            "placement": placement,
            "today": today,
            "transitions": _transitions_for(request.user, placement),
            "events": events,
            "messages_sent": messages_sent,
            "can_record_reply": _can_record_reply(request.user, placement),
            "record_reply_label": RECORD_REPLY.label,
            **summary,
        },
    )


# Not a transition, but its page is laid out like one.
RECORD_REPLY = Transition(
    "record_reply",
    "Record a reply from the school",
    frozenset({State.REQUESTED}),
    State.REQUESTED,
    REPLY_RECORDERS,
)


def _can_record_reply(user: Any, placement: Placement) -> bool:
    return (
        placement.state in RECORD_REPLY.sources
        and user.role in RECORD_REPLY.roles
        and policy.can_act_on_placement(user, placement)
    )


@named_records_required
def record_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a school's answer received by phone or email, which stops the chases."""
    placement = _placement_for(request, pk)
    if not _can_record_reply(request.user, placement):
        raise PermissionDenied(
            "You can record a reply from the school only on a case of your "
            "organisation whose on-roll request is waiting for one."
        )
    form = RecordReplyForm(
        request.POST if request.method == "POST" else None, placement=placement
    )
    if request.method == "GET":
        record("placement.viewed", target=placement, data={"form": "record_reply"})
    if form.is_bound and form.is_valid():
        try:
            actions.record_reply(
                placement,
                actor=request.user,
                version=form.cleaned_data["version"],
                **form.action_data(),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        except StaleCase as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Reply from the school recorded")
            return redirect("placements:detail", pk=placement.pk)
        placement.refresh_from_db()
    return render(
        request,
        "placements/transition.html",
        {
            "placement": placement,
            "transition": RECORD_REPLY,
            "form": form,
            **child_summary(request.user, placement.child, london_today()),
        },
    )


@named_records_required
def transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Show one action's form for the case, and carry it out on POST."""
    placement = _placement_for(request, pk)
    if name not in TRANSITIONS:
        raise Http404(f"There is no action called {name}.")
    if not policy.can_act_on_placement(request.user, placement):
        raise PermissionDenied("Your organisation cannot act on this case.")
    allowed = {t.name for t in allowed_transitions(placement.state, request.user.role)}
    if name not in allowed:
        raise PermissionDenied(
            f"You cannot {TRANSITIONS[name].label[:1].lower()}"
            f"{TRANSITIONS[name].label[1:]} while the case is "
            f"{placement.get_state_display().lower()}."
        )

    form: TransitionForm = TRANSITION_FORMS[name](
        request.POST if request.method == "POST" else None, placement=placement
    )
    if request.method == "GET":
        record("placement.viewed", target=placement, data={"form": name})
    if form.is_bound and form.is_valid():
        if _perform(request, form, placement, name):
            messages.success(request, event_label(f"placement.{name}"))
            return redirect("placements:detail", pk=placement.pk)
        # The failed action may have changed the copy in memory before its
        # transaction rolled back, so show the case as the database has it.
        placement.refresh_from_db()

    return render(
        request,
        "placements/transition.html",
        {
            "placement": placement,
            "transition": TRANSITIONS[name],
            "form": form,
            "reply_days": limit("school_reply_days"),
            **child_summary(request.user, placement.child, london_today()),
        },
    )


def _perform(
    request: HttpRequest, form: TransitionForm, placement: Placement, name: str
) -> bool:
    """Run the action with the form's input and return whether it succeeded.

    A failure is put on the form. TransitionNotAllowed is not caught, because
    it is a PermissionDenied and so gives the user 403.
    """
    try:
        ACTIONS[name](
            placement,
            actor=request.user,
            version=form.cleaned_data["version"],
            **form.action_data(),
        )
    except ValidationError as error:
        apply_validation_error(form, error)
    except StaleCase as error:
        form.add_error(None, str(error))
    except CalendarNotKnown as error:
        _calendar_error(form, error, f"placement {placement.pk}")
    else:
        return True
    return False
