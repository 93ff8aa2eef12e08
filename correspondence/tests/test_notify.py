"""The GOV.UK Notify backend, against a stand-in Notify API on loopback.

The stand-in checks what the official client sends: the path, a JWT signed
with the key's secret and naming the service as issuer, and the JSON body.
"""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest

from correspondence import outbox
from correspondence.models import Message

pytestmark = pytest.mark.django_db(transaction=True)

SERVICE_ID = str(uuid.UUID(int=1))
SECRET = str(uuid.UUID(int=2))
API_KEY = f"onroll_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = str(uuid.UUID(int=3))


class StandInNotify(BaseHTTPRequestHandler):
    received: list[dict]
    reply_status = 201

    def do_POST(self):  # noqa: N802 (http.server hook name)
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        claims = jwt.decode(token, SECRET, algorithms=["HS256"])
        self.server.received.append(
            {"path": self.path, "scheme": scheme, "claims": claims, "body": body}
        )
        status = self.server.reply_status
        if self.server.reply_raw is not None:
            self._write(status, self.server.reply_raw)
            return
        reply = (
            {"id": str(uuid.UUID(int=4)), "reference": body.get("reference")}
            if status == 201
            else {"status_code": status, "errors": [{"message": "stand-in error"}]}
        )
        self._write(status, json.dumps(reply).encode())

    def _write(self, status: int, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # keep test output quiet
        pass


@pytest.fixture
def notify_server(settings):
    server = HTTPServer(("127.0.0.1", 0), StandInNotify)
    server.received = []
    server.reply_status = 201
    server.reply_raw = None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ONROLL_EMAIL_SERVICE = "notify"
    settings.ONROLL_NOTIFY_API_KEY = API_KEY
    settings.ONROLL_NOTIFY_TEMPLATE_ID = TEMPLATE_ID
    settings.ONROLL_NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    server.server_close()


def _queue(case, context):
    return outbox.queue(
        "fair_access_allocation", to=case.school.email, context=context, case=case
    )


def test_notify_gets_the_request_the_client_makes(
    case, allocation_context, notify_server
):
    message = _queue(case, allocation_context)

    assert outbox.deliver_due() == {"sent": 1}

    [request] = notify_server.received
    assert request["path"] == "/v2/notifications/email"
    assert request["scheme"] == "Bearer"
    assert request["claims"]["iss"] == SERVICE_ID
    assert isinstance(request["claims"]["iat"], int)
    assert request["body"] == {
        "email_address": case.school.email,
        "template_id": TEMPLATE_ID,
        "personalisation": {"subject": message.subject, "body": message.text},
        "reference": message.message_id,
    }
    assert case.child.full_name in request["body"]["personalisation"]["subject"]
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.provider_reference == str(uuid.UUID(int=4))


def test_notify_server_error_is_retried(case, allocation_context, notify_server):
    notify_server.reply_status = 500
    message = _queue(case, allocation_context)

    assert outbox.deliver_due() == {"retrying": 1}

    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED
    assert "500" in message.last_error


def test_notify_bad_request_fails_at_once(case, allocation_context, notify_server):
    notify_server.reply_status = 400
    message = _queue(case, allocation_context)

    assert outbox.deliver_due() == {"failed": 1}

    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "400" in message.last_error


def test_default_base_url_is_the_real_notify_api():
    from django.conf import settings

    assert settings.ONROLL_NOTIFY_BASE_URL == "https://api.notifications.service.gov.uk"


@pytest.mark.parametrize("status", [401, 403])
def test_notify_key_not_accepted_is_retried(
    case, allocation_context, notify_server, status
):
    notify_server.reply_status = status
    message = _queue(case, allocation_context)

    assert outbox.deliver_due() == {"retrying": 1}

    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED
    assert "ONROLL_NOTIFY_API_KEY" in message.last_error


def test_notify_reply_not_json_is_retried(case, allocation_context, notify_server):
    notify_server.reply_raw = b"<html>gateway page</html>"
    message = _queue(case, allocation_context)

    assert outbox.deliver_due() == {"retrying": 1}

    message.refresh_from_db()
    assert message.status == Message.Status.QUEUED
    assert "not valid JSON" in message.last_error
