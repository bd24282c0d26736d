"""A real SMTP server for tests (aiosmtpd), so e-mails go through Django's SMTP backend.

Fixtures (registered in tests/conftest.py):
- `smtp_server`: an SMTP server on 127.0.0.1 and a free port, in a thread; the messages
  it receives are in `smtp_server.messages` as `email.message.EmailMessage` objects.
- `smtp_backend`: points Django's SMTP e-mail backend at `smtp_server` and returns it.
"""

import email
import email.policy
import socket
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


@dataclass
class ReceivedMessages:
    """aiosmtpd handler keeping every message it accepts, parsed."""

    messages: list = field(default_factory=list)
    envelopes: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        self.envelopes.append(
            {"mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos)}
        )
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self):
        self.handler = ReceivedMessages()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname=HOST, port=self.port)

    host = HOST

    @property
    def messages(self):
        return self.handler.messages

    @property
    def envelopes(self):
        return self.handler.envelopes

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_backend(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return smtp_server
