"""Account security: sign-in throttling, passwords, TOTP, idle sessions, CSP."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains

from audit.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("friday_4_december")]

PASSWORD = "correct horse battery"


def _sign_in(client, username: str, password: str):
    return client.post("/sign-in/", {"username": username, "password": password})


def _code(device: TOTPDevice) -> str:
    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{token:06d}"


# Sign-in throttling -----------------------------------------------------------


def test_sign_in_locked_after_five_failures(client, officer):
    for _ in range(4):
        assert _sign_in(client, officer.username, "wrong password").status_code == 200
    assert _sign_in(client, officer.username, "wrong password").status_code == 429

    # Locked out, even the right password is refused.
    response = _sign_in(client, officer.username, PASSWORD)

    assert response.status_code == 429
    assertContains(response, "Sign-in locked", status_code=429)
    assertContains(response, "Try again in 30 minutes", status_code=429)
    assert "_auth_user_id" not in client.session


def test_sign_in_works_after_cool_off(client, officer, time_machine):
    for _ in range(5):
        _sign_in(client, officer.username, "wrong password")
    time_machine.shift(timedelta(minutes=31))

    response = _sign_in(client, officer.username, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_failures_for_one_user_leave_others_alone(
    client, officer, other_authority_officer
):
    for _ in range(5):
        _sign_in(client, officer.username, "wrong password")

    response = _sign_in(client, other_authority_officer.username, PASSWORD)

    assert response.status_code == 302


# Passwords --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Tr0ub4dor&3", "at least 12 characters"),
        ("password1234", "too common"),
        ("184629375016", "entirely numeric"),
    ],
)
def test_weak_password_rejected(officer, password, message):
    with pytest.raises(ValidationError) as caught:
        validate_password(password, officer)

    assert any(message in text for text in caught.value.messages)


def test_long_passphrase_accepted(officer):
    validate_password("wardrobe lantern pebble orchard", officer)


# Second factor ----------------------------------------------------------------


def test_required_totp_sends_staff_to_set_up(client, officer, settings):
    settings.ONROLL_REQUIRE_TOTP = True
    client.force_login(officer)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/two-factor/set-up/"


def test_set_up_confirms_app_and_opens_pages(client, officer, settings):
    settings.ONROLL_REQUIRE_TOTP = True
    client.force_login(officer)
    page = client.get("/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=officer)
    assertContains(page, "otpauth://totp/")

    response = client.post("/two-factor/set-up/", {"token": _code(device)})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="access.second_factor_set_up").exists()


def test_wrong_code_rejected_and_kept(client, officer, settings):
    settings.ONROLL_REQUIRE_TOTP = True
    client.force_login(officer)
    client.get("/two-factor/set-up/")

    response = client.post("/two-factor/set-up/", {"token": "12345"})

    assertContains(response, "The security code &#x27;12345&#x27; is not 6 digits")
    assertContains(response, 'value="12345"')
    assert not TOTPDevice.objects.get(user=officer).confirmed
    assert client.get("/").status_code == 302


def test_enrolled_staff_asked_for_code_without_setting(client, officer, time_machine):
    assert settings.ONROLL_REQUIRE_TOTP is False
    device = TOTPDevice.objects.create(user=officer, name="Phone", confirmed=True)
    client.force_login(officer)

    assert client.get("/")["Location"] == "/two-factor/verify/"

    wrong = client.post("/two-factor/verify/", {"token": "000000"})
    assertContains(wrong, "The security code is wrong or has expired")
    assert client.get("/").status_code == 302

    # django-otp makes a device wait after a wrong code before it tries again.
    time_machine.shift(timedelta(minutes=1))
    client.post("/two-factor/verify/", {"token": _code(device)})
    assert client.get("/").status_code == 200


def test_school_user_not_asked_for_code(client, school_user, settings):
    settings.ONROLL_REQUIRE_TOTP = True
    client.force_login(school_user)

    assert client.get("/school/").status_code == 200


# Sessions, headers and deployment checks --------------------------------------


def test_idle_session_signed_out(client, officer, time_machine):
    client.force_login(officer)
    assert client.get("/").status_code == 200
    time_machine.shift(timedelta(minutes=29))
    assert client.get("/").status_code == 200

    time_machine.shift(timedelta(minutes=31))

    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_pages_carry_content_security_policy(client, officer):
    client.force_login(officer)

    policy = client.get("/")["Content-Security-Policy"]

    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_base_template_has_no_inline_script_or_style():
    base = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text()

    assert "<script>" not in base
    assert "<style" not in base
    assert "style=" not in base


def test_deploy_check_clean_with_production_settings(tmp_path):
    environment = {
        **os.environ,
        "ONROLL_PRODUCTION": "true",
        "ONROLL_DEBUG": "false",
        "ONROLL_SECRET_KEY": "k" * 20 + "-production-secret-" + "z9" * 20,
        "ONROLL_ALLOWED_HOSTS": "onroll.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_pages_link_a_favicon_that_exists(client):
    from django.contrib.staticfiles import finders

    page = client.get("/sign-in/").content.decode()

    assert 'rel="icon"' in page
    assert finders.find("onroll/favicon.svg")
