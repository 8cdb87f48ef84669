"""Helpers for the management API tests: people with each role and their bearer headers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.campaigns import Partner
from campaign.services import accounts, auth

PASSWORD = "correct horse battery staple"
CHEAP_HASH = "scrypt:1024:8:1"
NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Caller:
    id: int
    email: str
    role: str
    headers: dict[str, str]


def partner_id(slug: str, name: str = "Partner") -> int:
    row = db.session.scalar(select(Partner).filter_by(slug=slug))
    if row is None:
        row = Partner(slug=slug, name=name, role="ministry")
        db.session.add(row)
        db.session.commit()
    return row.id


def caller(app: Flask, email: str, role: str, partner: str | None = None) -> Caller:
    """A user with a personal API token, ready to call the API."""
    with app.app_context():
        pid = partner_id(partner) if partner else None
        # A cheap hash keeps the suite fast; sign-in rehashes it with the real cost.
        real, accounts.PASSWORD_METHOD = accounts.PASSWORD_METHOD, CHEAP_HASH
        try:
            user = accounts.add_user(email, role, PASSWORD, now=NOW, partner_id=pid)
        finally:
            accounts.PASSWORD_METHOD = real
        _, secret = auth.create_token(user, "tests", now=NOW)
        return Caller(user.id, user.email, role, {"Authorization": f"Bearer {secret}"})


def staff(app: Flask) -> dict[str, Caller]:
    return {
        "admin": caller(app, "admin@example.org", "admin"),
        "manager": caller(app, "manager@example.org", "manager"),
        "manager2": caller(app, "manager2@example.org", "manager"),
        "partner": caller(app, "partner@mimp.example.org", "partner", "mimp"),
        "outsider": caller(app, "partner@other.example.org", "partner", "other-org"),
    }


def test_helpers_make_callers_with_working_tokens(app: Flask) -> None:
    people = staff(app)
    client = app.test_client()
    for who in people.values():
        response = client.get("/api/v1/auth/me", headers=who.headers)
        assert response.status_code == 200
        assert response.get_json()["role"] == who.role
