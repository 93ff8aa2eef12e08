"""Give each request an id, and let audit.log.record see the request."""

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.context import RequestContext, current_request

REQUEST_ID_HEADER = "X-Request-ID"


def request_id_for(request: HttpRequest) -> str:
    """Return the incoming X-Request-ID if it is a valid UUID, else a new uuid4."""
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    try:
        return str(uuid.UUID(incoming))
    except ValueError:
        return str(uuid.uuid4())


class AuditContextMiddleware:
    """Store the request id and the request for record(), and echo the id back.

    Must come after AuthenticationMiddleware, because record() reads
    request.user.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request)
        request.request_id = request_id
        token = current_request.set(RequestContext(request_id, request))
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response
