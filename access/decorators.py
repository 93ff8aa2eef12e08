"""View decorators that send anonymous users to sign in and reject the rest by policy.

Each decorator calls one access.policy function for the signed-in user and
raises PermissionDenied (403) with the reason when it returns False. The
view's queryset, filtered by the policy, then limits which records a
permitted user sees.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from access import policy

View = Callable[..., HttpResponse]


def policy_required(test: Callable[[Any], bool], reason: str) -> Callable[[View], View]:
    """Build a decorator that lets through only signed-in users `test` accepts."""

    def decorator(view: View) -> View:
        @login_required
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not test(request.user):
                raise PermissionDenied(reason)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


la_staff_required = policy_required(
    policy.is_la_staff,
    "These pages are for local authority staff. Your account is not linked to a "
    "local authority with a role that works on cases.",
)

named_records_required = policy_required(
    policy.can_see_named_records,
    "Your account cannot open children's records. Analysts see counts on the "
    "dashboard; other accounts need an organisation and a role that fits it.",
)

aggregates_required = policy_required(
    policy.can_see_aggregates,
    "The dashboard is for local authority staff and analysts.",
)
