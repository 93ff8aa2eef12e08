"""Send staff who owe a second factor to set it up or give their code."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from access import second_factor

# Pages a user who has given only a password may still open.
OPEN_BEFORE_SECOND_FACTOR = frozenset(
    {"login", "logout", "access:totp_setup", "access:totp_verify"}
)


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self._redirect(request) or self.get_response(request)

    def _redirect(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.path.startswith(f"/{settings.STATIC_URL.lstrip('/')}"):
            return None
        try:
            view_name = resolve(request.path_info).view_name
        except Resolver404:
            return None
        if view_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        if not second_factor.requires_second_factor(user):
            return None
        if second_factor.confirmed_device(user) is None:
            return redirect("access:totp_setup")
        return redirect("access:totp_verify")
