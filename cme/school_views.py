"""Schools' CME pages: the ten-day absence return, and confirming a child on roll.

A school user sees only the cases that name their school as the child's new
school and wait for its confirmation (access.policy.visible_cme_cases).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from access import policy
from access.decorators import policy_required
from casework.transitions import StaleCase
from cme import actions
from cme.forms import AbsenceReturnForm, NoteForm
from cme.models import CmeCase
from placements.views import apply_validation_error

school_staff_required = policy_required(
    policy.can_make_absence_return,
    "These pages are for school staff. Your account is not linked to a school.",
)


@school_staff_required
def confirmations(request: HttpRequest) -> HttpResponse:
    cases = (
        policy.visible_cme_cases(request.user, CmeCase.objects.all())
        .select_related("child")
        .order_by("outcome_on", "pk")
    )
    return render(request, "cme/school/confirmations.html", {"cases": cases})


@school_staff_required
def absence_return(request: HttpRequest) -> HttpResponse:
    form = AbsenceReturnForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            case, created = actions.record_absence_return(
                actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                "Absence return received. The Inclusion Service will make enquiries"
                if created
                else "Absence return added to the Inclusion Service's open case "
                "for this pupil",
            )
            return redirect("school_cme:confirmations")
    return render(request, "cme/school/absence_return.html", {"form": form})


@school_staff_required
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(
        policy.visible_cme_cases(request.user, CmeCase.objects.select_related("child")),
        pk=pk,
    )
    form = NoteForm(request.POST if request.method == "POST" else None, case=case)
    if form.is_bound and form.is_valid():
        try:
            actions.confirm_on_roll(
                case,
                actor=request.user,
                version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        except StaleCase as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{case.child} confirmed on roll")
            return redirect("school_cme:confirmations")
    return render(request, "cme/school/confirm.html", {"case": case, "form": form})
