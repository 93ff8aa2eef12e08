"""A child's page and the forms that add to their vulnerability and risk record.

Like every page for local authority staff, these show only the user's own
authority's children (another authority's child is "not found", 404).
"""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from audit.log import record
from casework.deadlines import london_today
from children import actions
from children.forms import RiskAssessmentForm, VulnerabilityForm
from children.models import Child
from placements.models import Placement
from placements.views import apply_validation_error, la_staff_required


def _child_for(request: HttpRequest, pk: int) -> Child:
    """Return the user's authority's child, or raise Http404."""
    return get_object_or_404(Child, pk=pk, authority_id=request.user.authority_id)


@la_staff_required
def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child_for(request, pk)
    record("child.viewed", target=child)
    today = london_today(timezone.now())
    risk = child.risk_assessments.select_related("completed_by").first()
    return render(
        request,
        "children/detail.html",
        {
            "child": child,
            "vulnerabilities": list(
                child.vulnerabilities.select_related("recorded_by")
            ),
            "risk": risk,
            "addresses": list(child.addresses.all()),
            "contacts": list(child.contacts.all()),
            "placements": list(
                Placement.objects.filter(child=child)
                .select_related("school")
                .order_by("-opened_at")
            ),
            "events": list(child.events.select_related("actor").order_by("-at", "-pk")),
            "placement_type_id": ContentType.objects.get_for_model(Placement).pk,
            "review_overdue": risk is not None and risk.next_review_on < today,
        },
    )


@la_staff_required
def add_vulnerability(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child_for(request, pk)
    form = VulnerabilityForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            characteristic = actions.add_vulnerability(
                child, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                f"‘{characteristic.get_kind_display()}’ added to "
                f"{child.full_name}'s vulnerability profile",
            )
            return redirect("children:detail", pk=child.pk)
    return render(
        request, "children/vulnerability_form.html", {"child": child, "form": form}
    )


@la_staff_required
def record_risk_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child_for(request, pk)
    form = RiskAssessmentForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            actions.record_risk_assessment(
                child, actor=request.user, **form.action_data()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Risk assessment recorded for {child.full_name}")
            return redirect("children:detail", pk=child.pk)
    return render(
        request, "children/risk_assessment_form.html", {"child": child, "form": form}
    )
