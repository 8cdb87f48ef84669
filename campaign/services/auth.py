"""Signing in and out, and personal API tokens: who a request is acting for."""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from werkzeug.security import check_password_hash

from campaign.extensions import db
from campaign.persistence.accounts import ApiToken, User
from campaign.services import accounts, audit
from campaign.services.db_failures import commit_bookkeeping
from campaign.services.errors import Invalid, NotFound, ServiceError
from campaign.services.failure_throttle import FailureThrottle, TooManyAttempts
from campaign.services.screens import hash_token

TOKEN_PREFIX = "cmp_"
TOKEN_BYTES = 32
# Compared against when the e-mail is unknown, so a miss costs as much time as a wrong password.
_DUMMY_HASH = accounts.hash_password("not-a-real-password-" + secrets.token_hex(8))


# Wrong passwords per (address, e-mail) pair, stacked limits so the waits grow (LOGIN_THROTTLE:
# 5 a minute, 10 a quarter of an hour, 20 an hour, 40 a day). Only failures count; a success
# clears them. No limit is per address alone or per e-mail alone: a guesser elsewhere, or many
# managers behind one proxy, never spend the owner's budget.
SIGN_IN = FailureThrottle("signin", "LOGIN_THROTTLE")


def _sign_in_key(email: str, address: str) -> tuple[str, str]:
    # The address first: it never holds "/", so no (address, e-mail) pair can read as another.
    return (address or "-", email[:254])


class BadCredentials(ServiceError):
    status = 401
    code = "unauthorized"


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return ngettext(
            "Too many failed sign-ins to this account from your address. "
            "Try again in %(num)d second.",
            "Too many failed sign-ins to this account from your address. "
            "Try again in %(num)d seconds.",
            seconds,
        )
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return ngettext(
            "Too many failed sign-ins to this account from your address. "
            "Try again in %(num)d minute.",
            "Too many failed sign-ins to this account from your address. "
            "Try again in %(num)d minutes.",
            minutes,
        )
    return ngettext(
        "Too many failed sign-ins to this account from your address. Try again in %(num)d hour.",
        "Too many failed sign-ins to this account from your address. Try again in %(num)d hours.",
        math.ceil(minutes / 60),
    )


def login(email: str, password: str, *, address: str, now: datetime) -> User:
    """Check a password, throttling failures per (address, e-mail); rehash if outdated.

    Only this pair is ever refused, so a guesser elsewhere, or many at one proxy, cannot lock
    the owner out; the pair is refused even the right password until its delay has passed.
    """
    email = email.strip().lower()
    wait = SIGN_IN.seconds_to_wait(*_sign_in_key(email, address))
    if wait:
        raise TooManyAttempts(_wait_text(wait), wait)
    user = db.session.scalar(select(User).filter_by(email=email))
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not valid or not user.active:
        SIGN_IN.count_failure(*_sign_in_key(email, address))
        audit.record(
            "login_failed",
            "users",
            str(user.id) if user else "",
            {"email": email, "address": address},
        )
        db.session.commit()
        raise BadCredentials(_("wrong e-mail or password"))
    if not user.password_hash.startswith(accounts.PASSWORD_METHOD + "$"):
        user.password_hash = accounts.hash_password(password)
    user.last_login_at = now
    audit.set_actor(audit.Actor(user.id, user.email, audit.current_actor().source))
    audit.record("login", "users", str(user.id))
    db.session.commit()
    SIGN_IN.forget_failures(*_sign_in_key(email, address))
    return user


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: every session cookie issued so far stops working."""
    user.session_version += 1
    audit.record("logout", "users", str(user.id))
    db.session.commit()


def user_for_session(user_id: str) -> User | None:
    """The user a session cookie names, if that session has not been ended since."""
    raw_id, _, version = user_id.partition(":")
    if not raw_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def create_token(user: User, name: str, *, now: datetime) -> tuple[ApiToken, str]:
    """Issue a personal API token; the secret is returned once and only its hash is kept."""
    if not user.active:
        raise Invalid(f"{user.email} is deactivated")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken(
        user_id=user.id,
        name=name.strip()[:100],
        token_hash=hash_token(secret),
        prefix=secret[:12],
        created_at=now,
    )
    db.session.add(token)
    db.session.commit()
    return token, secret


def create_token_for(email: str, name: str, *, now: datetime) -> tuple[ApiToken, str]:
    user = db.session.scalar(select(User).filter_by(email=email.strip().lower()))
    if user is None:
        raise NotFound(f"no user with e-mail {email}")
    return create_token(user, name, now=now)


def list_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(select(ApiToken).filter_by(user_id=user.id).order_by(ApiToken.id))
    )


def revoke_token(user: User, token_id: int, *, now: datetime) -> ApiToken:
    """Revoke one of the user's own tokens (someone else's reads as unknown)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(f"no token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = now
        db.session.commit()
    return token


def user_for_token(secret: str, *, now: datetime) -> User | None:
    """The active user a bearer token belongs to, or None for an unknown or revoked token."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).filter_by(token_hash=hash_token(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    user = token.user
    # Coarse stamp: one write per token per minute at most, not one per request. Only
    # bookkeeping: a locked or full database must not refuse the read it comes with.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
        commit_bookkeeping(f"the last use of API token {token.id}")
    return user
