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
    screen: str | None
    token: str | None


def demo_access(now: datetime) -> DemoAccess:
    """An administrator with a random password when nobody can sign in yet, and a new token for
    the demo screen (the old one stops working: this is for a demo database)."""
    email = password = None
    if db.session.scalar(select(User.id).limit(1)) is None:
        password = secrets.token_urlsafe(12)
        email = accounts.add_user(DEMO_EMAIL, Role.ADMIN, password, now=now, name="Demo").email
    screen = token = None
    if db.session.scalar(select(Screen.id).filter_by(code=DEMO_SCREEN)) is not None:
        screen, token = DEMO_SCREEN, screens.issue_token(DEMO_SCREEN, now=now)
    return DemoAccess(email, password, screen, token)
