"""The exception report page: cases of every journey past a time limit."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from access.decorators import la_staff_required
from audit.log import record
from casework import exceptions
from casework.deadlines import london_today


@la_staff_required
def exception_report(request: HttpRequest) -> HttpResponse:
    today = london_today()
    groups = [
        {"title": source.title, "rows": source.rows(request.user, today)}
        for source in exceptions.sources()
    ]
    record("search", data={"list": "exceptions"})
    return render(
        request, "casework/exceptions.html", {"groups": groups, "today": today}
    )
