"""The mail services the outbox worker sends through.

ONROLL_EMAIL_SERVICE chooses one:

- "django" sends with Django's email backend (EMAIL_BACKEND): SMTP in a
  deployment, files in sent-mail/ in the demo. Both parts go, with the
  message's own Message-ID.
- "notify" sends through GOV.UK Notify with its official Python client, at
  ONROLL_NOTIFY_BASE_URL. Notify builds the email from a template of its own,
  so the service needs one email template whose subject is ((subject)) and
  whose body is ((body)); ONROLL_NOTIFY_TEMPLATE_ID names it. Notify formats
  the plain-text part itself, so the HTML part is kept on the message but not
  sent. The reference is the Message-ID, so a resend can be matched to the
  first try in Notify's records.

Each backend raises TemporaryFailure for a failure worth trying again (SMTP
4xx, a refused connection, Notify 429 and 5xx) and PermanentFailure for one
that will fail the same way every time (SMTP 5xx, an address Notify rejects).
"""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from notifications_python_client.errors import HTTPError, InvalidResponse
from notifications_python_client.notifications import NotificationsAPIClient

from correspondence.models import Message


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


def _smtp_code(error: smtplib.SMTPException) -> int | None:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return max(codes) if codes else None
    return getattr(error, "smtp_code", None)


def send_with_django(message: Message) -> str:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={"Message-ID": message.message_id},
        connection=get_connection(fail_silently=False),
    )
    email.attach_alternative(message.html, "text/html")
    try:
        email.send()
    except smtplib.SMTPException as error:
        code = _smtp_code(error)
        if code is not None and 500 <= code < 600:
            raise PermanentFailure(
                f"The mail server rejected the message: {error}"
            ) from error
        raise TemporaryFailure(
            f"The mail server deferred the message: {error}"
        ) from error
    except OSError as error:
        # A refused connection, a timeout or a lookup failure: the server may
        # be back later.
        raise TemporaryFailure(f"Could not reach the mail server: {error}") from error
    return ""


def send_with_notify(message: Message) -> str:
    client = NotificationsAPIClient(
        settings.ONROLL_NOTIFY_API_KEY,
        base_url=settings.ONROLL_NOTIFY_BASE_URL,
        timeout=settings.EMAIL_TIMEOUT,
    )
    try:
        response = client.send_email_notification(
            email_address=message.to,
            template_id=settings.ONROLL_NOTIFY_TEMPLATE_ID,
            personalisation={"subject": message.subject, "body": message.text},
            reference=message.message_id,
        )
    except HTTPError as error:
        if error.status_code == 429 or error.status_code >= 500:
            raise TemporaryFailure(
                f"GOV.UK Notify failed to accept the message: {error}"
            ) from error
        if error.status_code in (401, 403):
            # A wrong or revoked key fails every message alike. Once the key
            # is put right, the messages still within their tries go out.
            raise TemporaryFailure(
                f"GOV.UK Notify did not accept the API key: {error}. Check "
                "ONROLL_NOTIFY_API_KEY."
            ) from error
        raise PermanentFailure(
            f"GOV.UK Notify rejected the message: {error}"
        ) from error
    except InvalidResponse as error:
        raise TemporaryFailure(
            f"GOV.UK Notify sent a reply that is not valid JSON: {error}"
        ) from error
    return str(response.get("id", ""))


SERVICES = {"django": send_with_django, "notify": send_with_notify}


def send(message: Message) -> str:
    """Send the message; return the service's reference for it, if it gives one."""
    return SERVICES[settings.ONROLL_EMAIL_SERVICE](message)
