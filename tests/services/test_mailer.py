"""The mailer against a real SMTP server on this machine (aiosmtpd), and its log fallback."""

from __future__ import annotations

import email
import email.policy
import logging
import smtplib
import socket
import warnings
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from flask import Flask
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.schedule import Reminder
from campaign.services import accounts, mailer, reminders

USER, PASSWORD = "campaign", "a mail password"


class Inbox:
    """aiosmtpd's handler: keeps each message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _check_login(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok)


def _serve(**options: Any) -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    yield from _serve()


@pytest.fixture
def smtp_with_login() -> Iterator[tuple[Inbox, int]]:
    # A login in clear over loopback, for the test only: aiosmtpd warns about that.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS", UserWarning)
        yield from _serve(auth_required=True, auth_require_tls=False, authenticator=_check_login)


def test_a_notice_goes_out_by_smtp(smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    sender = mailer.SmtpMailer("127.0.0.1", port, "campana@example.org")
    channel = sender.send("Fase 1 termina en 7 días / Phase 1 ends", "Cuerpo: días\n", ["a@x.org"])
    assert channel == "email"
    ((to, message),) = inbox.messages
    assert to == ["a@x.org"]
    assert message["Subject"] == "Fase 1 termina en 7 días / Phase 1 ends"
    assert message["From"] == "campana@example.org" and message["To"] == "a@x.org"
    assert message.get_content().rstrip() == "Cuerpo: días"


def test_the_mailer_logs_in_when_a_user_is_set(smtp_with_login: tuple[Inbox, int]) -> None:
    inbox, port = smtp_with_login
    anonymous = mailer.SmtpMailer("127.0.0.1", port, "c@example.org", timeout=5)
    with pytest.raises(smtplib.SMTPException, match=r"530|uthentication"):
        anonymous.send("S", "B", ["a@x.org"])
    sender = mailer.SmtpMailer("127.0.0.1", port, "c@example.org", USER, PASSWORD)
    assert sender.send("S", "B", ["a@x.org", "b@x.org"]) == "email"
    assert [to for to, _ in inbox.messages] == [["a@x.org", "b@x.org"]]


def test_a_mail_server_that_is_down_raises() -> None:
    with pytest.raises(OSError):
        mailer.SmtpMailer("127.0.0.1", _free_port(), "c@example.org", timeout=2).send(
            "S", "B", ["a@x.org"]
        )


def test_without_a_host_notices_are_log_lines(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    app.config["SMTP_HOST"] = ""
    with app.app_context(), caplog.at_level(logging.WARNING, "campaign.services.mailer"):
        assert mailer.mailer_of().channel == "log"
        assert mailer.send("Asunto / Subject", "body", ["a@x.org", "b@x.org"]) == "log"
    (line,) = [r for r in caplog.records if r.name == "campaign.services.mailer"]
    assert line.levelno == logging.WARNING
    assert "Asunto / Subject" in line.getMessage() and "a@x.org, b@x.org" in line.getMessage()
    assert "\n" not in line.getMessage()


def test_reminders_go_out_by_email_where_smtp_is_set(demo: Flask, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    demo.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, MAIL_FROM="campaign@example.org")
    at = datetime(2027, 1, 6, 15, 0, tzinfo=UTC)  # 30 days before phase 1 ends, in Lima
    with demo.app_context():
        accounts.add_user("m@example.org", "manager", "a long enough password", now=at)
        (sent,) = reminders.send_due(at)
        assert reminders.send_due(at + timedelta(hours=1)) == []
        row = db.session.scalar(select(Reminder))
        assert row is not None and (row.channel, row.recipients) == ("email", ["m@example.org"])
        assert row.subject_ends_on == date(2027, 2, 5)
    assert sent.channel == "email"
    ((to, message),) = inbox.messages
    assert to == ["m@example.org"]
    assert "Phase 1 ends in 30 days; phase 2 has no confirmed funding" in message["Subject"]
