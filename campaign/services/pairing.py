"""Pairing a player with a screen: it shows a code, a manager enters it, the player gets a token."""

from __future__ import annotations

import hashlib
import io
import logging
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlencode

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import delete, func, select, update

from campaign.domain.roles import STAFF
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.network import Hub, Screen, Zone
from campaign.persistence.pairings import ScreenPairing
from campaign.services import audit, places
from campaign.services.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from campaign.services.failure_throttle import FailureThrottle, TooManyAttempts
from campaign.services.network_scope import scoped

log = logging.getLogger(__name__)

# 32 symbols without the look-alikes 0/O and 1/I: 8 of them are 40 bits, read aloud easily.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
SECRET_BYTES = 32  # token_urlsafe: 43 characters
POLL_AFTER_S = 3
PLAYER_MAX = 200
# Settings (the app's config), with these defaults.
BUSY_RETRY_AFTER_S = 60
# Expired pairings are kept this long, so a late code is told "expired", not "unknown".
KEPT_AFTER_EXPIRY = timedelta(days=1)
# A code paired in its last seconds may still be collected at the player's next poll or two.
COLLECT_GRACE = timedelta(minutes=1)

MALFORMED_CODE = _l(
    "A pairing code is 8 letters and digits, such as ABCD-EFGH: type the one the screen shows."
)
UNKNOWN_CODE = _l(
    "No screen is showing this pairing code. Check it against the screen, letter by letter."
)
EXPIRED_CODE = _l(
    "This pairing code has expired. Reload the player page on the screen to show a new code, "
    "and enter that one."
)
USED_CODE = _l(
    "This pairing code was already used. Reload the player page on the screen to show a new "
    "code, and enter that one."
)
UNKNOWN_SCREEN = _l("There is no such screen; choose one from the list.")
NOT_STAFF = _l("Only the campaign team may pair a player with a screen.")


class MalformedCode(Invalid):
    pass


class UnknownCode(NotFound):
    pass


class Gone(ServiceError):
    """Expired or already used up: the player must start again with a new code."""

    status = 410
    code = "gone"


class ExpiredCode(Gone):
    pass


class UsedCode(Conflict):
    pass


class UnknownScreen(NotFound):
    pass


class TooManyPending(ServiceError):
    """More codes waiting than the setting allows: more would make a guess likelier to hit."""

    status = 503
    code = "service_unavailable"
    retry_after = BUSY_RETRY_AFTER_S


@dataclass(frozen=True)
class StartedPairing:
    code: str  # as shown: ABCD-EFGH
    secret: str  # the player's alone: it collects the token with it
    expires_at: datetime
    pair_url: str  # the manager's page with the code filled in ("" if no page was given)
    qr_svg: str  # a QR code of pair_url ("" if none)
    poll_after_s: int = POLL_AFTER_S


@dataclass(frozen=True)
class ClaimResult:
    status: Literal["waiting", "paired"]
    expires_at: datetime | None = None  # while waiting
    token: str = ""  # once paired: the screen's new token, given this once
    screen_code: str = ""
    poll_after_s: int = POLL_AFTER_S


@dataclass(frozen=True)
class ScreenChoice:
    code: str
    name: str
    hub_code: str
    zone_code: str


def _setting(name: str) -> Any:
    return current_app.config[name]


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def normalise_code(text: str) -> str | None:
    """The code as stored (8 symbols, upper case), read from what a person typed: lower case,
    spaces and hyphens are fine. None: it cannot be a code."""
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def shown_code(code: str) -> str:
    """ABCDEFGH as ABCD-EFGH: two halves are easier to read off a screen and type."""
    half = CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def qr_svg(url: str) -> str:
    """An inline SVG QR code of `url`: dark on white, quiet zone, scalable (a viewBox only)."""
    # Only where a code is drawn: web workers that never draw one load neither segno nor Pillow.
    from campaign.rendering.qr import QUIET_ZONE, make_code

    out = io.BytesIO()
    make_code(url).save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        nl=False,
        scale=1,
        border=QUIET_ZONE,
        dark="#000",
        light="#fff",
        omitsize=True,
        svgclass="qr",
        lineclass=None,
    )
    return out.getvalue().decode()


# --- the player's side ----------------------------------------------------------------------


def _pending(now: datetime) -> int:
    query = select(func.count(ScreenPairing.id)).where(
        ScreenPairing.screen_id.is_(None),
        ScreenPairing.collected_at.is_(None),
        ScreenPairing.expires_at > now,
    )
    return db.session.scalar(query) or 0


def _new_code() -> tuple[str, str]:
    """A code no pairing kept has (expired ones included), and its hash."""
    for _attempt in range(8):
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        digest = _sha256(code)
        taken = select(ScreenPairing.id).where(ScreenPairing.code_hash == digest)
        if db.session.scalar(taken) is None:
            return code, digest
    # 8 clashes in a row among at most a day's codes out of 2^40: the generator is broken.
    raise RuntimeError("no free pairing code could be drawn")


def start_pairing(player: str | None, *, now: datetime, pair_page: str = "") -> StartedPairing:
    """A new code for a player to show, and the secret it collects its token with. Only their
    hashes are kept. `pair_page`: the manager's pairing page (an absolute URL), for the QR code."""
    player = (player or "").strip() or None
    if player is not None and len(player) > PLAYER_MAX:
        raise Invalid(f"'player' must be at most {PLAYER_MAX} characters.")
    limit = int(_setting("PAIRING_MAX_PENDING"))
    if _pending(now) >= limit:
        log.warning("pairing refused: %d codes are already waiting", limit)
        raise TooManyPending(
            "Too many pairing codes are waiting to be entered. Ask for a new code after "
            "Retry-After seconds."
        )
    db.session.execute(
        delete(ScreenPairing).where(ScreenPairing.expires_at < now - KEPT_AFTER_EXPIRY)
    )
    code, code_hash = _new_code()
    secret = secrets.token_urlsafe(SECRET_BYTES)
    minutes = float(_setting("PAIRING_CODE_MINUTES"))
    expires_at = now + timedelta(minutes=minutes)
    db.session.add(
        ScreenPairing(
            code_hash=code_hash,
            secret_hash=_sha256(secret),
            created_at=now,
            expires_at=expires_at,
            player=player,
        )
    )
    db.session.commit()
    url = f"{pair_page}?{urlencode({'code': code})}" if pair_page else ""
    return StartedPairing(shown_code(code), secret, expires_at, url, qr_svg(url) if url else "")


def claim(secret: str, *, now: datetime) -> ClaimResult:
    """Waiting until a manager pairs the code; then, once, the screen's new token (its old one
    stops working). Errors: NotFound (no such secret), Gone (expired or collected)."""
    row = db.session.scalar(
        select(ScreenPairing).where(ScreenPairing.secret_hash == _sha256(secret))
    )
    if row is None:
        raise NotFound("There is no pairing with this secret. Ask for a new code.")
    if row.collected_at is not None:
        raise Gone("This pairing's token was already collected. Ask for a new code.")
    if row.expires_at <= now:
        raise Gone("This pairing code has expired. Ask for a new code and show it.")
    if row.screen_id is None:
        return ClaimResult("waiting", expires_at=row.expires_at)
    screen_id = row.screen_id
    # Marked collected first, in the same transaction as the new token: of two claims at
    # once, the second finds it taken (a row lock on PostgreSQL, the write lock on SQLite).
    taken = db.session.execute(
        update(ScreenPairing)
        .where(ScreenPairing.id == row.id, ScreenPairing.collected_at.is_(None))
        .values(collected_at=now)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise Gone("This pairing's token was already collected. Ask for a new code.")
    try:
        screen, token = places.rotate_screen_token(screen_id, now=now)  # commits
    except ServiceError:
        db.session.rollback()
        raise
    return ClaimResult("paired", token=token, screen_code=screen.code)


# --- the manager's side ---------------------------------------------------------------------


def screen_choices(user: User) -> list[ScreenChoice]:
    """The screens the user may see (and so pair), by hub and code."""
    query = (
        select(Screen.code, Screen.name, Hub.code, Zone.code)
        .join(Screen.zone)
        .join(Zone.hub)
        .order_by(Hub.code, Screen.code)
    )
    return [ScreenChoice(*row) for row in db.session.execute(scoped(query, Hub.id, user))]


def pair(code: str, screen_code: str, user: User, *, now: datetime) -> Screen:
    """Give the screen to the player showing `code`: its token stops working now, and the
    player collects a new one at its next claim. Failed guesses are limited per user."""
    if user.role not in STAFF:
        raise Forbidden(str(NOT_STAFF))
    wait = seconds_to_wait(user)
    if wait:
        raise TooManyAttempts(_wait_text(wait), wait)
    normalised = normalise_code(code)
    if normalised is None:
        raise MalformedCode(str(MALFORMED_CODE))
    row = db.session.scalar(
        select(ScreenPairing).where(ScreenPairing.code_hash == _sha256(normalised))
    )
    refusal = _refusal(row, now)
    if refusal is not None:
        count_failure(user)
        raise refusal
    assert row is not None  # _refusal said so
    query = select(Screen).join(Screen.zone).where(Screen.code == screen_code)
    screen = db.session.scalar(scoped(query, Zone.hub_id, user))
    if screen is None:
        raise UnknownScreen(str(UNKNOWN_SCREEN))
    taken = db.session.execute(
        update(ScreenPairing)
        .where(
            ScreenPairing.id == row.id,
            ScreenPairing.screen_id.is_(None),
            ScreenPairing.collected_at.is_(None),
        )
        .values(
            screen_id=screen.id,
            paired_by_id=user.id,
            paired_at=now,
            expires_at=max(row.expires_at, now + COLLECT_GRACE),
        )
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise UsedCode(str(USED_CODE))
    detail = {"screen": screen.code, "user": user.email, "player": row.player}
    audit.record("pair_player", "screens", str(screen.id), detail)
    try:
        # The old token stops at once, as the manager is told; the player's comes with its claim.
        return places.revoke_screen_token(screen.id, now=now)  # commits
    except ServiceError:
        db.session.rollback()
        raise


def _refusal(row: ScreenPairing | None, now: datetime) -> ServiceError | None:
    if row is None:
        return UnknownCode(str(UNKNOWN_CODE))
    if row.screen_id is not None or row.collected_at is not None:
        return UsedCode(str(USED_CODE))
    if row.expires_at <= now:
        return ExpiredCode(str(EXPIRED_CODE))
    return None


# --- failed guesses, per user (unknown, expired or used codes; PAIRING_ATTEMPT_LIMIT) ----------
ATTEMPTS = FailureThrottle("pairing", "PAIRING_ATTEMPT_LIMIT")


def seconds_to_wait(user: User) -> int:
    """0 if the user may try a code now, else the seconds until they may."""
    return ATTEMPTS.seconds_to_wait(str(user.id))


def count_failure(user: User) -> None:
    """One more wrong, expired or used code entered by the user."""
    ATTEMPTS.count_failure(str(user.id))


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return ngettext(
            "Too many codes that did not match. Try again in %(num)d second.",
            "Too many codes that did not match. Try again in %(num)d seconds.",
            seconds,
        )
    return ngettext(
        "Too many codes that did not match. Try again in %(num)d minute.",
        "Too many codes that did not match. Try again in %(num)d minutes.",
        math.ceil(seconds / 60),
    )
