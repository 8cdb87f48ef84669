"""Signed-in test clients for the pages: a person of a role, maybe of a partner organisation."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from campaign.services.accounts import add_user

PASSWORD = "a long enough password"


def signed_in(
    app: Flask,
    role: str = "manager",
    partner: str | None = None,
    *,
    email: str | None = None,
    locale: str | None = None,
) -> FlaskClient:
    """A test client signed in through the sign-in form as a new user of `role`."""
    email = email or f"{role}-{partner or 'iom'}@example.org"
    with app.app_context():
        add_user(email, role, PASSWORD, now=datetime.now(UTC), partner_slug=partner)
    client = app.test_client()
    if locale:
        client.set_cookie("lang", locale)
    answer = client.post("/login", data={"email": email, "password": PASSWORD})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return client
