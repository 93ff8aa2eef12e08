"""Pages to set up an authenticator app and to give its code after signing in."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_otp import login as otp_login

from access import second_factor
from audit.log import record
from placements.forms import GovukForm
from placements.home import home_url


class TokenForm(GovukForm):
    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows now.",
        error_messages={"required": "Enter the security code"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input--width-5",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args, device, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not (len(token) == 6 and token.isascii() and token.isdigit()):
            raise forms.ValidationError(
                f"The security code {token!r} is not 6 digits. Enter the 6-digit "
                "code your authenticator app shows now."
            )
        if not self.device.verify_token(token):
            raise forms.ValidationError(
                "The security code is wrong or has expired. Enter the code your "
                "authenticator app shows now."
            )
        return token


def _check_staff(request: HttpRequest) -> None:
    if not second_factor.may_use_second_factor(request.user):
        raise PermissionDenied(
            "Security codes are for local authority staff. Your account does "
            "not need one."
        )


@login_required
def totp_setup(request: HttpRequest) -> HttpResponse:
    _check_staff(request)
    if second_factor.confirmed_device(request.user) is not None:
        return redirect("access:totp_verify")
    device = second_factor.device_to_set_up(request.user)
    form = TokenForm(request.POST or None, device=device)
    if form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        record("access.second_factor_set_up", actor=request.user)
        return redirect(home_url(request.user))
    return render(
        request,
        "access/totp_setup.html",
        {
            "form": form,
            "secret": second_factor.secret_for_display(device),
            "config_url": device.config_url,
        },
    )


@login_required
def totp_verify(request: HttpRequest) -> HttpResponse:
    _check_staff(request)
    device = second_factor.confirmed_device(request.user)
    if device is None:
        return redirect("access:totp_setup")
    form = TokenForm(request.POST or None, device=device)
    if form.is_valid():
        otp_login(request, device)
        record("access.second_factor_verified", actor=request.user)
        return redirect(home_url(request.user))
    if form.is_bound:
        record("access.second_factor_failed", actor=request.user)
    return render(request, "access/totp_verify.html", {"form": form})
