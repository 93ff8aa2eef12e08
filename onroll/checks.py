"""System checks for settings a production deployment must not leave at defaults."""

from django.conf import settings
from django.core.checks import Error, Tags, register

DEVELOPMENT_SECRET_KEY_PREFIX = "insecure-development-key"


@register(Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs) -> list[Error]:
    if settings.SECRET_KEY.startswith(DEVELOPMENT_SECRET_KEY_PREFIX):
        return [
            Error(
                "ONROLL_SECRET_KEY is not set, so Onroll is signing sessions with "
                "the development key published in its source.",
                hint="Set ONROLL_SECRET_KEY to a long random value, for example "
                "from `python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
                id="onroll.E001",
            )
        ]
    return []
