"""Pages of access: a partner agency's shared children, sharing, and the dashboard."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from access import actions, policy
from access.decorators import aggregates_required, named_records_required
from access.forms import PART_LABELS, ShareForm
from access.models import Share
from casework.deadlines import london_today
from children.models import Child


def shared_children(request: HttpRequest) -> HttpResponse:
    """List the children shared with the user's partner agency, newest share first.

    placements.views.worklist shows this page to partner agency users.
    """
    shares = (
        Share.objects.filter(
            organisation=policy.organisation_of(request.user), revoked_at__isnull=True
        )
        .select_related("child", "shared_by")
        .order_by("-shared_at", "-pk")
    )
    rows = [
        {"share": share, "parts": [PART_LABELS[part] for part in share.parts]}
        for share in shares
    ]
    return render(request, "access/shared_children.html", {"rows": rows})


def _child_to_share(request: HttpRequest, pk: int) -> Child:
    """Return the child if the user may share it; 404 if unseen, 403 if read-only."""
    child = get_object_or_404(
        policy.visible_children(request.user, Child.objects.all()), pk=pk
    )
    if not policy.can_share_child(request.user, child):
        raise PermissionDenied(
            "Only staff of the child's local authority can share this record."
        )
    return child


@named_records_required
def share_child(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child_to_share(request, pk)
    form = ShareForm(request.POST if request.method == "POST" else None, child=child)
    if form.is_bound and form.is_valid():
        try:
            share = actions.share_child(child, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(
                request, f"{child.full_name}'s record shared with {share.organisation}"
            )
            return redirect("children:detail", pk=child.pk)
    return render(request, "access/share_form.html", {"child": child, "form": form})


@named_records_required
def revoke_share(request: HttpRequest, pk: int, share_pk: int) -> HttpResponse:
    """Confirm, then revoke, a partner agency's share of the child's record."""
    child = _child_to_share(request, pk)
    share = get_object_or_404(
        Share.objects.select_related("organisation"), pk=share_pk, child=child
    )
    if share.revoked_at is not None:
        raise Http404(f"The share with {share.organisation} is already revoked.")
    error = ""
    if request.method == "POST":
        try:
            actions.revoke_share(share, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                f"{share.organisation} can no longer see {child.full_name}'s record",
            )
            return redirect("children:detail", pk=child.pk)
    return render(
        request,
        "access/revoke_share.html",
        {"child": child, "share": share, "error": error},
    )


def _apply(form: Any, error: ValidationError) -> None:
    # Imported here because placements.views imports this module.
    from placements.views import apply_validation_error

    apply_validation_error(form, error)


@aggregates_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Show open-case counts by authority, state and overdue, with no named record."""
    from placements.aggregates import OPEN_STATES_IN_ORDER, open_cases_by_authority

    today = london_today()
    rows = []
    for counts in open_cases_by_authority(today):
        authority_id = counts.authority.pk

        def shown(count: int, authority_id: int = authority_id) -> str:
            return policy.shown_count(request.user, authority_id, count)

        rows.append(
            {
                "authority": counts.authority,
                "total": shown(counts.total),
                "overdue": shown(counts.overdue),
                "by_state": [
                    shown(counts.by_state[s.value]) for s in OPEN_STATES_IN_ORDER
                ],
            }
        )
    return render(
        request,
        "access/dashboard.html",
        {
            "rows": rows,
            "states": OPEN_STATES_IN_ORDER,
            "threshold": policy.suppression_threshold(),
        },
    )
