"""Ways into a freshly loaded demo: a first administrator and a screen's kiosk link."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from campaign.domain.roles import Role
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.network import Screen
from campaign.services import accounts, screens

DEMO_EMAIL = "demo-admin@example.org"
DEMO_SCREEN = "LIM-ARR-01"


@dataclass(frozen=True)
class DemoAccess:
    email: str | None  # the administrator made now, if there was nobody yet
    password: str | None
    screen: str | None  # the demo screen, if the database has it
    token: str | None  # a token issued now (the kiosk link changes), else None
    kept_since: datetime | None = None  # the screen's working token, kept, was issued then


def demo_access(now: datetime, *, new_kiosk_link: bool = False) -> DemoAccess:
    """An administrator with a random password when nobody can sign in yet, and a token for the
    demo screen when it has no working one (or `new_kiosk_link` asks for a new one).

    A working token is kept: `make run` calls this on every start, and a kiosk left open with
    the link must go on playing after a restart. Only its hash is stored, so a kept token cannot
    be shown again; a new one makes the old link stop working."""
    email = password = None
    if db.session.scalar(select(User.id).limit(1)) is None:
        password = secrets.token_urlsafe(12)
        email = accounts.add_user(DEMO_EMAIL, Role.ADMIN, password, now=now, name="Demo").email
    row = db.session.execute(
        select(Screen.token_hash, Screen.token_revoked_at, Screen.token_issued_at).filter_by(
            code=DEMO_SCREEN
        )
    ).first()
    if row is None:
        return DemoAccess(email, password, None, None)
    token_hash, revoked_at, issued_at = row
    if token_hash is not None and revoked_at is None and not new_kiosk_link:
        return DemoAccess(email, password, DEMO_SCREEN, None, kept_since=issued_at)
    return DemoAccess(email, password, DEMO_SCREEN, screens.issue_token(DEMO_SCREEN, now=now))
