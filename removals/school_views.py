"""A school's pages for its removal notices and its expected arrivals.

A school user sees and notifies only its own school's removals, and
confirms only the arrivals naming its school; anything else is "not found".
"""

import logging
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from access import policy
from audit.log import record
from casework.transitions import StaleCase, TransitionNotAllowed
from placements.forms import GovukForm
from placements.school_views import school_user_required
from placements.views import PAGE_SIZE
from removals import actions, uploads
from removals.forms import (
    ConfirmArrivalForm,
    ConfirmUploadForm,
    NotArrivedForm,
    NoticeForm,
    UploadForm,
)
from removals.grounds import GROUNDS, QUESTIONS, SPECIAL_SCHOOL_QUESTIONS
from removals.models import RemovalNotice, RemovalUpload

logger = logging.getLogger(__name__)


@school_user_required
def removal_list(request: HttpRequest) -> HttpResponse:
    """List the school's notices and the pupils it is expected to admit."""
    notices = (
        policy.visible_removals(request.user, RemovalNotice.objects.all())
        .select_related("school", "child")
        .order_by("-notified_at", "-pk")
    )
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    arrivals = (
        policy.expected_arrivals(request.user, RemovalNotice.objects.all())
        .filter(arrival=RemovalNotice.Arrival.AWAITED)
        .select_related("school")
        .order_by("arrival_due_on", "pk")
    )
    record(
        "removal.list_viewed",
        data={"notices": [n.pk for n in page], "arrivals": [a.pk for a in arrivals]},
    )
    return render(
        request,
        "removals/school/list.html",
        {"page": page, "arrivals": arrivals, "school": request.user.school},
    )


def _apply_action_error(form: NoticeForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        form.add_error(form.field_for_action_error(key), errors)


@school_user_required
def notify(request: HttpRequest) -> HttpResponse:
    """Show the notice form, and record the notice on POST."""
    school = request.user.school
    form = NoticeForm(
        request.POST if request.method == "POST" else None,
        school=school,
        initial={"ground": request.GET.get("ground", "")},
    )
    if form.is_bound and form.is_valid():
        try:
            notice, created = actions.notify(actor=request.user, **form.action_data())
        except ValidationError as error:
            _apply_action_error(form, error)
        else:
            if created:
                messages.success(request, f"Removal notified: {notice.pupil_name}")
            else:
                messages.info(
                    request,
                    f"You had already notified this removal of {notice.pupil_name}; "
                    "nothing new was saved.",
                )
            return redirect("school_removals:detail", pk=notice.pk)
    return render(
        request, "removals/school/notify.html", {"form": form, "school": school}
    )


@school_user_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(
        policy.visible_removals(request.user, RemovalNotice.objects.all()), pk=pk
    )
    record("removal.viewed", target=notice)
    return render(request, "removals/school/detail.html", {"notice": notice})


@school_user_required
def upload(request: HttpRequest) -> HttpResponse:
    """Take a CSV file of notices and show its preview."""
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if form.is_bound and form.is_valid():
        file = form.cleaned_data["file"]
        removal_upload = actions.preview_upload(
            actor=request.user, filename=file.name, content=file.read()
        )
        return redirect("school_removals:upload_preview", pk=removal_upload.pk)
    return render(
        request,
        "removals/school/upload.html",
        {
            "form": form,
            "required_columns": uploads.REQUIRED_COLUMNS,
            "optional_columns": uploads.OPTIONAL_COLUMNS,
            "questions": list(QUESTIONS.values()) + list(SPECIAL_SCHOOL_QUESTIONS),
            "grounds": list(GROUNDS.values()),
            "special_school_keys": [q.key for q in SPECIAL_SCHOOL_QUESTIONS],
            "is_special": request.user.school.is_special,
        },
    )


@school_user_required
def upload_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an upload's rows and problems, and save its valid rows on confirm."""
    removal_upload = get_object_or_404(
        RemovalUpload.objects.filter(school_id=request.user.school_id), pk=pk
    )
    form = ConfirmUploadForm(request.POST if request.method == "POST" else None)
    if request.method == "GET":
        record("removal.upload_viewed", target=removal_upload)
    if form.is_bound and form.is_valid():
        try:
            created, existing = actions.confirm_upload(
                removal_upload, actor=request.user
            )
        except TransitionNotAllowed as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            # A row valid at preview that fails now (for example a date of
            # birth passed since): nothing is saved.
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Saved {created} new removal notices"
                + (f"; {existing} were already notified" if existing else "")
                + ".",
            )
            return redirect("school_removals:list")
    return render(
        request,
        "removals/school/upload_preview.html",
        {"upload": removal_upload, "form": form},
    )


def _answer_arrival(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[GovukForm],
    action: Callable[..., None],
    template: str,
    success: str,
) -> HttpResponse:
    """Render or record the new school's reply about a pupil it is expecting.

    The form's fields other than `version` are the action's keyword
    arguments; `success` may name the pupil as {pupil}.
    """
    notice = get_object_or_404(
        policy.expected_arrivals(request.user, RemovalNotice.objects.all()).filter(
            arrival=RemovalNotice.Arrival.AWAITED
        ),
        pk=pk,
    )
    form = form_class(
        request.POST if request.method == "POST" else None,
        initial={"version": notice.version},
    )
    if request.method == "GET":
        record("removal.viewed", target=notice, data={"form": action.__name__})
    if form.is_bound and form.is_valid():
        answers = dict(form.cleaned_data)
        version = answers.pop("version")
        try:
            action(notice, actor=request.user, version=version, **answers)
        except ValidationError as error:
            for key, errors in error.message_dict.items():
                form.add_error(key if key in form.fields else None, errors)
        except StaleCase as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, success.format(pupil=notice.pupil_name))
            return redirect("school_removals:list")
    return render(request, template, {"notice": notice, "form": form})


@school_user_required
def confirm_arrival(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm that a pupil removed elsewhere is now on the school's roll."""
    return _answer_arrival(
        request,
        pk,
        form_class=ConfirmArrivalForm,
        action=actions.confirm_arrival,
        template="removals/school/confirm_arrival.html",
        success="Arrival confirmed: {pupil}",
    )


@school_user_required
def report_not_arrived(request: HttpRequest, pk: int) -> HttpResponse:
    """Tell the authority that a pupil named as joining has not arrived."""
    return _answer_arrival(
        request,
        pk,
        form_class=NotArrivedForm,
        action=actions.report_not_arrived,
        template="removals/school/report_not_arrived.html",
        success="Reported as not arrived: {pupil}. The local authority will look "
        "for the pupil as a child missing education.",
    )
