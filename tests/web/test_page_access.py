"""The page guard: anonymous visitors are sent to sign in (and back), other roles get 403."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient

from campaign.domain.roles import STAFF, Role
from campaign.web.page_access import page_requires
from tests.web.test_api_helpers import PASSWORD, caller

pages = Blueprint("guarded", __name__)


@pages.get("/guarded/staff")
@page_requires(*STAFF)
def staff_page() -> str:
    return "staff only"


@pages.get("/guarded/anyone")
@page_requires()
def anyone_page() -> str:
    return "anyone signed in"


@pytest.fixture
def guarded(app: Flask) -> Flask:
    app.register_blueprint(pages)
    return app


def signed_in_as(app: Flask, role: str) -> FlaskClient:
    who = caller(app, f"{role}@example.org", role, "mimp" if role == Role.PARTNER else None)
    client = app.test_client()
    answer = client.post("/login", data={"email": who.email, "password": PASSWORD})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return client


def test_an_anonymous_visitor_is_sent_to_sign_in_and_back_here(guarded: Flask) -> None:
    client = guarded.test_client()
    for path in ("/guarded/staff?screen=LIM-GAT-01&at=2026-11-28T10:00", "/guarded/anyone"):
        answer = client.get(path)
        assert answer.status_code == 302
        location = urlsplit(answer.headers["Location"])
        assert location.path == "/login"
        assert parse_qs(location.query)["next"] == [path]


def test_a_role_not_allowed_gets_403_and_an_allowed_one_the_page(guarded: Flask) -> None:
    partner = signed_in_as(guarded, Role.PARTNER)
    refused = partner.get("/guarded/staff")
    assert refused.status_code == 403
    assert refused.mimetype == "text/html"
    assert partner.get("/guarded/anyone").get_data(as_text=True) == "anyone signed in"
    manager = signed_in_as(guarded, Role.MANAGER)
    assert manager.get("/guarded/staff").get_data(as_text=True) == "staff only"


def test_pages_take_sessions_not_api_tokens(guarded: Flask) -> None:
    admin = caller(guarded, "admin@example.org", Role.ADMIN)
    answer = guarded.test_client().get("/guarded/staff", headers=admin.headers)
    assert answer.status_code == 302


def test_an_unknown_role_fails_when_the_page_is_declared() -> None:
    with pytest.raises(ValueError, match="'editor' is not a valid Role"):
        page_requires("editor")
