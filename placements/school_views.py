"""Pages where a school answers on-roll requests, signed in or by emailed link.

A signed-in school user sees only requests to their own school: another
school's request is "not found" (404). Anyone holding a reply link from a
school's email may answer that one request without signing in; a link that
is altered, unknown, expired, used or no longer needed gets a page saying
so, which never names the child. Changes go through placements.actions,
through placements.links for a link.
"""

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from access import policy
from access.models import User
from audit.log import record
from casework.transitions import StaleCase, TransitionNotAllowed
from placements import links
from placements.links import ANSWERABLE_STATES, LinkProblem
from placements.models import Placement, SchoolReplyLink
from placements.school_forms import SCHOOL_ANSWERS, SchoolAnswer
from placements.states import SCHOOL_LINK, allowed_transitions
from placements.templatetags.onroll import event_label
from placements.views import ACTIONS, PAGE_SIZE, apply_validation_error
from schools.schooldays import CalendarNotKnown

logger = logging.getLogger(__name__)


def school_user_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Send anonymous users to sign in, and refuse anyone not on a school's staff."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if user.role != User.Role.SCHOOL_USER or user.school_id is None:
            raise PermissionDenied(
                "These pages are for school staff. Your account is not linked to "
                "a school."
            )
        return view(request, *args, **kwargs)

    return wrapper


def _answers_for(placement: Placement, role: str) -> list[dict[str, Any]]:
    """Return the answers the role may give in the placement's state, in order."""
    allowed = {t.name for t in allowed_transitions(placement.state, role)}
    return [
        {"name": name, "answer": answer}
        for name, answer in SCHOOL_ANSWERS.items()
        if name in allowed
    ]


def _run_action(form: Any, placement: Placement, call: Callable[[], None]) -> bool:
    """Run an answer and return whether it succeeded. A failure goes on the form."""
    try:
        call()
    except ValidationError as error:
        apply_validation_error(form, error)
    except StaleCase as error:
        form.add_error(None, str(error))
    except CalendarNotKnown as error:
        logger.warning(
            "School days could not be counted for placement %s: %s",
            placement.pk,
            error,
        )
        form.add_error(None, str(error))
    else:
        return True
    # The failed action may have changed the copy in memory before its
    # transaction rolled back, so show the case as the database has it.
    placement.refresh_from_db()
    return False


# Signed in -------------------------------------------------------------------


@school_user_required
def request_list(request: HttpRequest) -> HttpResponse:
    """List the school's requests still waiting on it, soonest due first."""
    placements = (
        policy.visible_placements(request.user, Placement.objects.all())
        .filter(state__in=ANSWERABLE_STATES)
        .select_related("child")
        .order_by("due_on", "pk")
    )
    page = Paginator(placements, PAGE_SIZE).get_page(request.GET.get("page"))
    record("placement.list_viewed", data={"placements": [p.pk for p in page]})
    rows = [
        {"placement": p, "answers": _answers_for(p, User.Role.SCHOOL_USER)}
        for p in page
    ]
    return render(
        request,
        "placements/school/requests.html",
        {"page": page, "rows": rows, "school": request.user.school},
    )


def _answer_named(name: str) -> SchoolAnswer:
    if name not in SCHOOL_ANSWERS:
        raise Http404(f"A school cannot give an answer called {name}.")
    return SCHOOL_ANSWERS[name]


@school_user_required
def answer(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Show one answer's form for the school's request, and carry it out on POST."""
    placement = get_object_or_404(
        policy.visible_placements(
            request.user, Placement.objects.select_related("child", "school")
        ),
        pk=pk,
    )
    school_answer = _answer_named(name)
    if name not in {a["name"] for a in _answers_for(placement, request.user.role)}:
        raise PermissionDenied(
            f"You cannot {school_answer.title[:1].lower()}{school_answer.title[1:]} "
            f"while the case is {placement.get_state_display().lower()}."
        )

    if request.method == "GET":
        record("placement.viewed", target=placement)
    form = school_answer.form(
        request.POST if request.method == "POST" else None, placement=placement
    )
    if form.is_bound and form.is_valid():

        def call() -> None:
            ACTIONS[name](
                placement,
                actor=request.user,
                version=form.cleaned_data["version"],
                **form.action_data(),
            )

        if _run_action(form, placement, call):
            messages.success(
                request, f"{event_label(f'placement.{name}')}: {placement.child}"
            )
            return redirect("school:requests")

    return render(
        request,
        "placements/school/answer.html",
        {
            "placement": placement,
            "child": placement.child,
            "answer": school_answer,
            "name": name,
            "form": form,
            "signed_in": True,
        },
    )


# Signed link -----------------------------------------------------------------


def _link_problem(request: HttpRequest, problem: LinkProblem) -> HttpResponse:
    return render(
        request,
        "placements/school/link_problem.html",
        {"problem": problem},
        status=problem.status,
    )


@never_cache
def reply(request: HttpRequest, token: str) -> HttpResponse:
    """Show the request behind a reply link and the answers it offers."""
    try:
        link = links.resolve(token)
    except LinkProblem as problem:
        return _link_problem(request, problem)
    placement = link.placement
    record(
        "placement.viewed",
        target=placement,
        data={"via": "signed link", "link_id": link.pk},
    )
    return render(
        request,
        "placements/school/reply.html",
        {
            "placement": placement,
            "child": placement.child,
            "token": token,
            "answers": _answers_for(placement, SCHOOL_LINK),
            "link": link,
        },
    )


@never_cache
def reply_answer(request: HttpRequest, token: str, name: str) -> HttpResponse:
    """Show one answer's form for a reply link, and carry it out on POST."""
    try:
        link = links.resolve(token)
    except LinkProblem as problem:
        return _link_problem(request, problem)
    school_answer = _answer_named(name)
    placement = link.placement
    if name not in {a["name"] for a in _answers_for(placement, SCHOOL_LINK)}:
        return redirect("school:reply", token=token)
    if request.method == "GET":
        record(
            "placement.viewed",
            target=placement,
            data={"via": "signed link", "link_id": link.pk},
        )

    form = school_answer.form(
        request.POST if request.method == "POST" else None, placement=placement
    )
    if form.is_bound and form.is_valid():
        try:
            done = _answer_through_link(form, link, name)
        except LinkProblem as problem:
            return _link_problem(request, problem)
        if done:
            messages.success(
                request, f"{event_label(f'placement.{name}')}: {placement.child}"
            )
            return redirect("school:reply_done")

    return render(
        request,
        "placements/school/answer.html",
        {
            "placement": placement,
            "child": placement.child,
            "answer": school_answer,
            "name": name,
            "form": form,
            "token": token,
            "signed_in": False,
        },
    )


def _answer_through_link(form: Any, link: SchoolReplyLink, name: str) -> bool:
    """Carry out the answer through the link, or raise LinkProblem if it is spent.

    TransitionNotAllowed means the case moved on between showing the form and
    this answer, which the school sees as a request already answered.
    """

    def call() -> None:
        links.answer(
            link,
            name,
            version=form.cleaned_data["version"],
            **form.action_data(),
        )

    try:
        return _run_action(form, link.placement, call)
    except TransitionNotAllowed:
        raise links.RequestClosed from None


def reply_done(request: HttpRequest) -> HttpResponse:
    """Thank the school after an answer through a link."""
    return render(request, "placements/school/reply_done.html")
