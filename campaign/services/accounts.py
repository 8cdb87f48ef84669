"""Accounts: the people who sign in, their role, organisation and hashed password."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from campaign.domain.roles import Role
from campaign.extensions import db
from campaign.persistence.accounts import User as User  # re-exported for the web's type hints
from campaign.persistence.campaigns import Partner
from campaign.services.errors import Conflict, Invalid, NotFound
from campaign.services.records import Page, PageRequest, check_version, commit, paginate

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
USER_SORTS = {"email", "name", "role", "created_at", "last_login_at"}
USER_FILTERS = ("role", "partner_id", "active")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# werkzeug's scrypt with its current cost; a stored hash with other parameters is redone at login.
PASSWORD_METHOD = "scrypt:32768:8:1"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


def add_user(
    email: str,
    role: str,
    password: str,
    *,
    now: datetime,
    name: str = "",
    partner_slug: str | None = None,
    partner_id: int | None = None,
) -> User:
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise Invalid(f"{email!r} is not an e-mail address")
    _check_role(role)
    _check_password(password)
    if db.session.scalar(select(User.id).filter_by(email=email)) is not None:
        raise Conflict(f"a user with e-mail {email} already exists")
    if role == Role.PARTNER and partner_id is None:
        if not partner_slug:
            raise Invalid("a partner user needs --partner, the slug of their organisation")
        partner_id = db.session.scalar(select(Partner.id).filter_by(slug=partner_slug))
        if partner_id is None:
            raise NotFound(f"unknown partner organisation {partner_slug!r}")
    partner_id = _partner_for(role, partner_id)
    user = User(
        email=email,
        name=name,
        role=role,
        password_hash=hash_password(password),
        partner_id=partner_id,
        created_at=now,
    )
    db.session.add(user)
    commit(f"user {email}")
    return user


def _check_role(role: str) -> None:
    if role not in set(Role):
        raise Invalid(f"role must be one of {', '.join(Role)}, not {role!r}")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            _("the password needs at least %(count)d characters", count=MIN_PASSWORD_LENGTH)
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Invalid(_("the password has at most %(count)d characters", count=MAX_PASSWORD_LENGTH))


def _partner_for(role: str, partner_id: int | None) -> int | None:
    """Partner users belong to exactly one organisation; staff belong to none."""
    if role != Role.PARTNER:
        if partner_id is not None:
            raise Invalid("only partner users belong to a partner organisation")
        return None
    if partner_id is None:
        raise Invalid("a partner user needs partner_id, their organisation")
    if db.session.get(Partner, partner_id) is None:
        raise NotFound(f"unknown partner organisation {partner_id}")
    return partner_id


def list_users(request: PageRequest) -> Page:
    return paginate(select(User), User, request, USER_SORTS)


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def update_user(
    user_id: int, changes: dict[str, Any], *, version: int | None, acting: User
) -> User:
    """Change a user; a new role, organisation, password or deactivation ends their sessions."""
    user = get_user(user_id)
    check_version(user, version, f"user {user.email}")
    if user.id == acting.id and (
        changes.get("role", user.role) != user.role or changes.get("active") is False
    ):
        raise Conflict("you cannot change your own role or deactivate yourself")
    role = changes.get("role", user.role)
    _check_role(role)
    partner_id = changes.get("partner_id", user.partner_id if role == Role.PARTNER else None)
    partner_id = _partner_for(role, partner_id)
    ends_sessions = (
        role != user.role
        or partner_id != user.partner_id
        or "password" in changes
        or changes.get("active") is False
    )
    if "password" in changes:
        _check_password(changes["password"])
        user.password_hash = hash_password(changes["password"])
    if "name" in changes:
        user.name = changes["name"]
    if "active" in changes:
        user.active = changes["active"]
    user.role, user.partner_id = role, partner_id
    if ends_sessions:
        user.session_version += 1
    commit(f"user {user.email}")
    return user


def set_locale(user: User, locale: str, supported: tuple[str, ...]) -> None:
    """Remember the language this person reads the pages in."""
    if locale not in supported:
        raise Invalid(f"unknown language {locale!r}")
    if user.locale != locale:
        user.locale = locale
        commit(f"user {user.email}")


class WrongPassword(Invalid):
    """The current password given to change it was not the account's."""


def change_password(user: User, current: str, new: str) -> None:
    """A new password for oneself, after the current one: every other session ends."""
    if not check_password_hash(user.password_hash, current):
        raise WrongPassword(_("the current password is not right"))
    _check_password(new)
    user.password_hash = hash_password(new)
    user.session_version += 1
    commit(f"user {user.email}")
