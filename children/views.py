"""A child's page and the forms that add to their vulnerability and risk record.

access.policy decides who sees the child (anyone else gets "not found",
404), which parts of the record the page shows, and who may add to it (a
user who may only read gets 403).
"""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from access import policy
from access.decorators import named_records_required
from access.models import Share
from audit.log import record
from casework.deadlines import london_today
from children import actions
from children.forms import RiskAssessmentForm, VulnerabilityForm
from children.models import Child
from placements.models import Placement
from placements.views import apply_validation_error, child_summary


def _child_for(request: HttpRequest, pk: int) -> Child:
    """Return the child if the user may see it, or raise Http404."""
    return get_object_or_404(
        policy.visible_children(request.user, Child.objects.all()), pk=pk
    )


def _child_to_change(request: HttpRequest, pk: int) -> Child:
    """Return the child if the user may add to the record; 404 if unseen, else 403."""
    child = _child_for(request, pk)
    if not policy.can_change_child(request.user, child):
        raise PermissionDenied(
            "Only staff of the child's local authority can add to this record."
        )
    return child


@named_records_required
def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child_for(request, pk)
    record("child.viewed", target=child)
    user = request.user
    summary = child_summary(user, child, london_today())
    parts = summary["parts"]
    can_share = policy.can_share_child(user, child)
    return render(
        request,
        "children/detail.html",
        {
            **summary,
            "addresses": list(child.addresses.all())
            if "contacts" in parts and policy.can_see_address_history(user)
            else [],
            "contacts": list(child.contacts.all()) if "contacts" in parts else [],
            "placements": list(
                policy.visible_placements(user, Placement.objects.filter(child=child))
                .select_related("school")
                .order_by("-opened_at")
            )
            if "placements" in parts
            else [],
            "events": list(child.events.select_related("actor").order_by("-at", "-pk"))
            if "timeline" in parts
            else [],
            "placement_type_id": ContentType.objects.get_for_model(Placement).pk,
            "can_change": policy.can_change_child(user, child),
            "can_share": can_share,
            "can_export": policy.can_export_subject_access(user, child),
            "shares": list(
                Share.objects.filter(
                    child=child, revoked_at__isnull=True
                ).select_related("organisation", "shared_by")
            )
            if can_share
            else [],
        },
    )


@named_records_required
def add_vulnerability(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child_to_change(request, pk)
    form = VulnerabilityForm(
        request.POST if request.method == "POST" else None,
        kinds=policy.visible_kind_choices(request.user),
    )
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


@named_records_required
def record_risk_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child_to_change(request, pk)
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
