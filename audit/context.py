"""The request being served, for audit.log.record to read.

AuditContextMiddleware sets this for each request. Outside a request (a
management command, the deadline sweep) it is None, and entries are recorded
with no request id and, unless the caller names an actor, as "system".
"""

from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    request: HttpRequest


current_request: ContextVar[RequestContext | None] = ContextVar(
    "audit_current_request", default=None
)
