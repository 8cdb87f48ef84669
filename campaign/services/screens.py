"""Screens: registering them and managing the secret token each one polls with."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from campaign.domain.model import Orientation
from campaign.extensions import db
from campaign.persistence.network import Hub, Screen, Zone
from campaign.services import publishing
from campaign.services.errors import Conflict, Invalid, NotFound

TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh secret and the hash we keep of it; the secret itself is never stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def add_screen(
    hub_code: str,
    zone_code: str,
    code: str,
    *,
    orientation: str,
    width: int,
    height: int,
    name: str = "",
    language_policy: str | None = None,
    now: datetime,
) -> tuple[Screen, str]:
    """Register a screen and issue its token; returns the row and the token, shown once."""
    hub = db.session.scalar(select(Hub).filter_by(code=hub_code))
    if hub is None:
        raise NotFound(f"unknown hub {hub_code!r}")
    zone = db.session.scalar(select(Zone).filter_by(hub_id=hub.id, code=zone_code))
    if zone is None:
        raise NotFound(f"unknown zone {zone_code!r} in hub {hub_code}")
    if db.session.scalar(select(Screen.id).filter_by(code=code)) is not None:
        raise Conflict(f"a screen with code {code!r} already exists")
    if orientation not in {o.value for o in Orientation}:
        raise Invalid(f"orientation must be landscape or portrait, not {orientation!r}")
    if not (0 < width <= 16384 and 0 < height <= 16384):
        raise Invalid("width and height must be between 1 and 16384 pixels")
    token, digest = new_token()
    screen = Screen(
        zone=zone,
        code=code,
        name=name,
        orientation=orientation,
        width=width,
        height=height,
        language_policy=language_policy,
        token_hash=digest,
        token_issued_at=now,
        publish_id=publishing.new_publish_id(),
    )
    db.session.add(screen)
    db.session.commit()
    return screen, token


def issue_token(code: str, *, now: datetime) -> str:
    """Rotate a screen's token: the old one stops working at once, and so does the published
    playlist of the old one (a new publish id comes with the new token)."""
    screen = db.session.scalar(select(Screen).filter_by(code=code))
    if screen is None:
        raise NotFound(f"unknown screen {code!r}")
    old_publish_id = screen.publish_id
    token, screen.token_hash = new_token()
    screen.token_issued_at, screen.token_revoked_at = now, None
    screen.publish_id = publishing.new_publish_id()
    db.session.commit()
    publishing.unpublish(old_publish_id)
    return token


def revoke_token(code: str, *, now: datetime) -> None:
    screen = db.session.scalar(select(Screen).filter_by(code=code))
    if screen is None:
        raise NotFound(f"unknown screen {code!r}")
    old_publish_id = screen.publish_id
    screen.token_hash, screen.token_revoked_at, screen.publish_id = None, now, None
    db.session.commit()
    publishing.unpublish(old_publish_id)


@dataclass(frozen=True)
class ScreenRef:
    """A screen as its token names it."""

    id: int
    code: str
    publish_id: str | None = None  # names its published playlist (services/publishing.py)


def screens_by_token_hash() -> dict[str, ScreenRef]:
    """Every screen with a live token, by the token's hash (`hash_token`)."""
    rows = db.session.execute(
        select(Screen.token_hash, Screen.id, Screen.code, Screen.publish_id).where(
            Screen.token_hash.is_not(None), Screen.token_revoked_at.is_(None)
        )
    )
    return {
        token_hash: ScreenRef(id, code, publish_id) for token_hash, id, code, publish_id in rows
    }
