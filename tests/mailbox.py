"""A fake mailer for tests: it keeps what it was asked to send, and can be told to fail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import Flask

from campaign.services import mailer


@dataclass(frozen=True)
class Sent:
    subject: str
    body: str
    recipients: tuple[str, ...]


@dataclass
class Mailbox:
    channel: str = mailer.EMAIL
    sent: list[Sent] = field(default_factory=list)
    failing: bool = False  # refuse every message, as a mail server that is down

    def send(self, subject: str, body: str, recipients: Sequence[str]) -> str:
        if self.failing:
            raise ConnectionRefusedError("the fake mail server is down")
        self.sent.append(Sent(subject, body, tuple(recipients)))
        return self.channel

    @property
    def subjects(self) -> list[str]:
        return [m.subject for m in self.sent]


def install(app: Flask) -> Mailbox:
    """Send the app's notices to a new Mailbox, and return it."""
    box = Mailbox()
    mailer.use(app, box)
    return box
