"""The audit log search page, for managers only."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from access import policy
from audit.forms import AuditSearchForm
from audit.log import record
from audit.search import child_ids_for, entries_visible_to, search_entries

PAGE_SIZE = 50


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """List the log entries matching the filters, newest first.

    Every view of this page, filtered or not, is itself recorded.
    """
    if not policy.can_search_audit_log(request.user):
        raise PermissionDenied(
            "Only service managers, assistant directors and administrators of a "
            "local authority can search the audit log."
        )
    # Date fields arrive as from_date_day and so on, so any parameter but the
    # page number counts as a search.
    filtering = bool(set(request.GET) - {"page"})
    form = AuditSearchForm(request.GET if filtering else None)
    entries = entries_visible_to(request.user)
    filters: dict = {}
    if form.is_bound and form.is_valid():
        child = form.cleaned_data["child"]
        child_ids = child_ids_for(child) if child is not None else None
        filters = {
            "child_ids": child_ids,
            "username": form.cleaned_data["username"],
            "from_date": form.cleaned_data["from_date"],
            "to_date": form.cleaned_data["to_date"],
        }
        entries = search_entries(entries, **filters)
    elif form.is_bound:
        entries = entries.none()
    else:
        entries = search_entries(entries)

    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    # Read the page before recording this search, so it does not list itself.
    page.object_list = list(page.object_list)
    # The UPN typed is not logged; the ids of the children it matched are.
    record(
        "audit.search",
        data={
            **{name: value for name, value in filters.items() if value},
            "valid": not form.is_bound or form.is_valid(),
            "page": page.number,
        },
    )
    return render(
        request,
        "audit/search.html",
        {"form": form, "page": page, "filtered": form.is_bound},
    )
