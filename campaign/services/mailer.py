"""Sending a notice to the campaign team: by e-mail where SMTP is set up, else a log line."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

from flask import Flask, current_app

log = logging.getLogger(__name__)

EMAIL, LOG = "email", "log"
_EXTENSION = "campaign.mailer"
TIMEOUT_S = 20  # a mail server slower than this is down: the reminder is tried again later
STARTTLS_PORT = 587
SMTPS_PORT = 465


class Mailer(Protocol):
    """What sends notices; `send` answers the channel it used ("email" or "log")."""

    channel: str

    def send(self, subject: str, body: str, recipients: Sequence[str]) -> str: ...


class LogMailer:
    """No mail server: one WARNING line per notice, so that it is seen in the server's log."""

    channel = LOG

    def send(self, subject: str, body: str, recipients: Sequence[str]) -> str:
        log.warning(
            "Notice (no e-mail server set up, SMTP_HOST is empty): %s; for %s",
            subject,
            ", ".join(recipients) or "nobody (no recipient)",
        )
        return LOG


class SmtpMailer:
    """An SMTP server: STARTTLS on port 587, TLS from the start on 465, a login when a user is
    set. Failures raise (smtplib.SMTPException or OSError): the caller tries again later."""

    channel = EMAIL

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        user: str = "",
        password: str = "",
        timeout: float = TIMEOUT_S,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.timeout = user, password, timeout

    def message(self, subject: str, body: str, recipients: Sequence[str]) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = self.sender
        message["To"] = ", ".join(recipients)
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message.set_content(body)
        return message

    def send(self, subject: str, body: str, recipients: Sequence[str]) -> str:
        if not recipients:  # nobody to write to: say so where someone will see it
            return LogMailer().send(subject, body, recipients)
        message = self.message(subject, body, recipients)
        context = ssl.create_default_context()
        if self.port == SMTPS_PORT:
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=context
            )
        else:
            server = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with server:
            if self.port == STARTTLS_PORT:
                server.starttls(context=context)
            if self.user:
                server.login(self.user, self.password)
            server.send_message(message, to_addrs=list(recipients))
        return EMAIL


def configured(app: Flask) -> Mailer:
    """The mailer the settings describe: SMTP when SMTP_HOST is set, else the log."""
    config = app.config
    if not config.get("SMTP_HOST"):
        return LogMailer()
    return SmtpMailer(
        host=config["SMTP_HOST"],
        port=int(config.get("SMTP_PORT") or STARTTLS_PORT),
        sender=config.get("MAIL_FROM") or "campaign@localhost",
        user=config.get("SMTP_USER") or "",
        password=config.get("SMTP_PASSWORD") or "",
    )


def use(app: Flask, mailer: Mailer | None) -> None:
    """Send the app's notices through `mailer` (a test's fake); None: back to the settings."""
    if mailer is None:
        app.extensions.pop(_EXTENSION, None)
    else:
        app.extensions[_EXTENSION] = mailer


def mailer_of(app: Flask | None = None) -> Mailer:
    """The app's mailer: one set with `use`, else the one the settings describe."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(_EXTENSION)
    return found if found is not None else configured(app)


def send(subject: str, body: str, recipients: Sequence[str]) -> str:
    """Send a notice with the current app's mailer; the channel used ("email" or "log")."""
    return mailer_of().send(subject, body, recipients)
