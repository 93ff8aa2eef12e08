"""The rule for which users give a TOTP code after their password.

Local authority staff hold the widest access to children's records, so they
are the users a second factor protects (ONROLL_REQUIRE_TOTP makes it
compulsory for all of them). A member of staff who has set up an
authenticator app is asked for a code at every sign-in whatever the setting.
"""

from base64 import b32encode

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from access import policy
from access.models import User

DEVICE_NAME = "Authenticator app"


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def may_use_second_factor(user: User) -> bool:
    """Return whether the user is local authority staff, analysts included."""
    return policy.is_la_staff(user) or policy.is_analyst(user)


def requires_second_factor(user: User) -> bool:
    """Return whether the user must give a TOTP code before other pages."""
    if not may_use_second_factor(user):
        return False
    return settings.ONROLL_REQUIRE_TOTP or confirmed_device(user) is not None


def device_to_set_up(user: User) -> TOTPDevice:
    """Return the user's unconfirmed device, creating one with a new secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_for_display(device: TOTPDevice) -> str:
    """Return the device's secret in base32, in groups of four, to type in an app."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
