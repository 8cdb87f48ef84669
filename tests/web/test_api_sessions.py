"""Signing in and out with a session, CSRF, rate limits, cookies, tokens and headers."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.services import accounts
from tests.conftest import make_test_app, reset_database
from tests.web.test_api_helpers import CHEAP_HASH, PASSWORD, caller

LOGIN = "/api/v1/auth/login"


def sign_in(client, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, json={"email": email, "password": password})


def test_sign_in_regenerates_the_session_and_sign_out_really_ends_it(app: Flask) -> None:
    caller(app, "m@example.org", "manager")
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    response = sign_in(client, "M@example.org ")
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with client.session_transaction() as session:
        assert "planted" not in session
        stolen = dict(session)
    assert client.get("/api/v1/auth/me").get_json()["email"] == "m@example.org"
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401
    replay = app.test_client()
    with replay.session_transaction() as session:
        session.update(stolen)  # the old signed cookie, replayed after sign-out
    assert replay.get("/api/v1/auth/me").status_code == 401


def test_cookies_are_secure_over_https(app: Flask) -> None:
    caller(app, "m@example.org", "manager")
    client = app.test_client()
    response = client.post(
        LOGIN,
        json={"email": "m@example.org", "password": PASSWORD},
        base_url="https://signage.example.org",
    )
    assert "Secure" in response.headers["Set-Cookie"]


def test_wrong_passwords_are_rate_limited(app: Flask) -> None:
    caller(app, "m@example.org", "manager")
    client = app.test_client()
    for _ in range(5):
        assert sign_in(client, "m@example.org", "wrong password!").status_code == 401
    response = sign_in(client, "m@example.org")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert sign_in(client, "nobody@example.org", "x").status_code == 401


def test_old_password_hashes_are_upgraded_at_sign_in(app: Flask) -> None:
    who = caller(app, "m@example.org", "manager")
    with app.app_context():
        assert db.session.get(User, who.id).password_hash.startswith(CHEAP_HASH + "$")
    assert sign_in(app.test_client(), "m@example.org").status_code == 200
    with app.app_context():
        stored = db.session.get(User, who.id).password_hash
        assert stored.startswith(accounts.PASSWORD_METHOD + "$")


def test_session_writes_need_a_csrf_token_but_token_calls_do_not(
    database_url: str, tmp_path: Path
) -> None:
    app = make_test_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        reset_database()
    try:
        who = caller(app, "m@example.org", "manager")
        client = app.test_client()
        token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
        assert sign_in(client, "m@example.org").status_code == 400  # no CSRF token
        response = client.post(
            LOGIN,
            json={"email": "m@example.org", "password": PASSWORD},
            headers={"X-CSRFToken": token},
        )
        assert response.status_code == 200
        body = {"slug": "p1", "name": "P", "role": "ministry"}
        assert client.post("/api/v1/partners", json=body).status_code == 400
        fresh = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
        response = client.post("/api/v1/partners", json=body, headers={"X-CSRFToken": fresh})
        assert response.status_code == 201
        body["slug"] = "p2"
        bearer = app.test_client().post("/api/v1/partners", json=body, headers=who.headers)
        assert bearer.status_code == 201
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_personal_tokens_are_listed_without_secrets_and_revoked(app: Flask) -> None:
    who = caller(app, "m@example.org", "manager")
    client = app.test_client()
    created = client.post("/api/v1/tokens", json={"name": "export"}, headers=who.headers)
    assert created.status_code == 201
    secret = created.get_json()["token"]
    listed = client.get("/api/v1/tokens", headers=who.headers).get_json()
    assert {t["name"] for t in listed} == {"tests", "export"}
    assert all("token" not in t and "token_hash" not in t for t in listed)
    new = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/auth/me", headers=new).status_code == 200
    token_id = created.get_json()["id"]
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=who.headers).status_code == 200
    assert client.get("/api/v1/auth/me", headers=new).status_code == 401
    other = caller(app, "o@example.org", "manager")
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=other.headers).status_code == 404


def test_deactivated_users_lose_their_tokens_and_sessions(app: Flask) -> None:
    admin = caller(app, "a@example.org", "admin")
    who = caller(app, "m@example.org", "manager")
    client = app.test_client()
    user = client.get(f"/api/v1/users/{who.id}", headers=admin.headers).get_json()
    response = client.patch(
        f"/api/v1/users/{who.id}",
        json={"version": user["version"], "active": False},
        headers=admin.headers,
    )
    assert response.status_code == 200
    assert client.get("/api/v1/auth/me", headers=who.headers).status_code == 401
    me = client.patch(
        f"/api/v1/users/{admin.id}", json={"version": 1, "active": False}, headers=admin.headers
    )
    assert me.status_code == 409


def test_token_create_prints_the_secret_alone_on_the_last_line(
    app: Flask, runner: FlaskCliRunner
) -> None:
    caller(app, "m@example.org", "manager")
    result = runner.invoke(args=["token", "create", "m@example.org", "--name", "nightly"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert secret.startswith("cmp_") and " " not in secret
    response = app.test_client().get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.get_json()["email"] == "m@example.org"
    missing = runner.invoke(args=["token", "create", "nobody@example.org"])
    assert missing.exit_code != 0


def test_user_add_command_still_works(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["user", "add", "new@example.org", "--role", "manager"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert sign_in(app.test_client(), "new@example.org").status_code == 200


def test_html_and_json_answers_carry_security_headers(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/nothing-here", headers={"Accept": "text/html"})
    assert page.mimetype == "text/html"
    policy = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy
    assert "script-src 'self'" in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"]
    api = client.get("/api/v1/campaigns")
    assert api.headers["X-Content-Type-Options"] == "nosniff"
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "<script>" not in docs.get_data(as_text=True)  # only a script src, no inline code
