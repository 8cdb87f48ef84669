"""Accounts: creating people who sign in, with their role and hashed password."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Partner
from campaign.services.errors import Conflict, Invalid, NotFound

ROLES = ("admin", "manager", "partner")
MIN_PASSWORD_LENGTH = 12
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def add_user(
    email: str,
    role: str,
    password: str,
    *,
    now: datetime,
    name: str = "",
    partner_slug: str | None = None,
) -> User:
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise Invalid(f"{email!r} is not an e-mail address")
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if db.session.scalar(select(User.id).filter_by(email=email)) is not None:
        raise Conflict(f"a user with e-mail {email} already exists")
    partner_id = None
    if role == "partner":
        if not partner_slug:
            raise Invalid("a partner user needs --partner, the slug of their organisation")
        partner_id = db.session.scalar(select(Partner.id).filter_by(slug=partner_slug))
        if partner_id is None:
            raise NotFound(f"unknown partner organisation {partner_slug!r}")
    user = User(
        email=email,
        name=name,
        role=role,
        password_hash=hash_password(password),
        partner_id=partner_id,
        created_at=now,
    )
    db.session.add(user)
    db.session.commit()
    return user
