"""The subject access export page for a child.

Only the service managers of the child's own authority may export a child's
record (access.policy.can_export_subject_access). A user who cannot see the
child gets "not found" (404), like every other page about a child, and one
who can see the child but not export it gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control

from access import policy
from access.decorators import named_records_required
from audit.log import record
from children.models import Child
from privacy.subject_access import (
    actor_label,
    build_export,
    display_sections,
    export_filename,
    to_json,
)

EXPORT_FORMATS = ("html", "json")


def _child_for_subject_access(request: HttpRequest, pk: int) -> Child:
    """Return the child if the user may export the child's record.

    Raises Http404 for a child the user may not see and PermissionDenied for
    one the user sees but may not export.
    """
    child = get_object_or_404(Child, pk=pk)
    if not policy.can_view_child(request.user, child):
        raise Http404("No child found with that id.")
    if not policy.can_export_subject_access(request.user, child):
        raise PermissionDenied(
            "Only service managers can export a child's record for a subject "
            "access request. Ask your service manager."
        )
    return child


@named_records_required
def subject_access(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child_for_subject_access(request, pk)
    export_format = request.GET.get("format", "html")
    if export_format not in EXPORT_FORMATS:
        return HttpResponseBadRequest(
            f"Format ‘{export_format}’ is not supported. Use format=json for a "
            "JSON download or leave format out for the printable page.",
            content_type="text/plain; charset=utf-8",
        )

    export = build_export(child, generated_by=actor_label(request.user))
    record(
        "export.subject_access",
        actor=request.user,
        target=child,
        child=child,
        data={"format": export_format},
    )
    if export_format == "json":
        response = HttpResponse(
            to_json(export), content_type="application/json; charset=utf-8"
        )
        filename = export_filename(child, export["generated_at"], "json")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        response = render(
            request,
            "privacy/subject_access.html",
            {"child": child, "export": export, "sections": display_sections(export)},
        )
    # The export contains special category data, so no shared or browser
    # cache may keep a copy.
    patch_cache_control(response, private=True, no_store=True)
    return response
