"""Signing in and out of the web pages."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from tests.conftest import make_test_app
from tests.web.signing import PASSWORD, signed_in


def test_a_wrong_password_is_refused_with_the_form_again(demo: Flask) -> None:
    signed_in(demo)  # makes manager-iom@example.org
    page = demo.test_client().post(
        "/login", data={"email": "manager-iom@example.org", "password": "not the password"}
    )
    assert page.status_code == 401
    html = page.get_data(as_text=True)
    assert "correo o contraseña incorrectos" in html and 'value="manager-iom@example.org"' in html


def test_signing_in_returns_to_the_page_asked_for_but_never_to_another_site(demo: Flask) -> None:
    signed_in(demo)
    client = demo.test_client()
    form = {"email": "manager-iom@example.org", "password": PASSWORD}
    back = client.post("/login", data={**form, "next": "/?screen=LIM-GAT-01"})
    assert back.headers["Location"] == "/?screen=LIM-GAT-01"
    for elsewhere in (
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "javascript:alert(1)",
    ):
        answer = demo.test_client().post("/login", data={**form, "next": elsewhere})
        assert answer.headers["Location"] == "/", elsewhere


def test_signing_out_ends_the_session(demo: Flask) -> None:
    client = signed_in(demo)
    assert client.get("/").status_code == 200
    assert client.post("/logout").headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_the_sign_in_form_needs_its_csrf_token(tmp_path: Path) -> None:
    app = make_test_app(f"sqlite:///{tmp_path / 'csrf.db'}", tmp_path, WTF_CSRF_ENABLED=True)
    from campaign.extensions import db

    with app.app_context():
        db.create_all()
    client = app.test_client()
    refused = client.post("/login", data={"email": "a@b.org", "password": "whatever"})
    assert refused.status_code == 400
    form = client.get("/login").get_data(as_text=True)
    assert 'name="csrf_token" value="' in form
