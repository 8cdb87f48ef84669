"""Over HTTPS (direct or via a trusted proxy): `__Host-` Secure session cookie and HSTS."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from werkzeug.http import parse_dict_header

from campaign.extensions import db
from campaign.services import screens
from campaign.services.accounts import add_user
from campaign.web.player import cache as player_cache
from campaign.web.player import fastpath
from tests.conftest import make_test_app, reset_database

PASSWORD = "a long enough password"
EMAIL = "manager@example.org"
SITE = "https://campaign.example.org"
LOCAL = "http://127.0.0.1:5000"
HSTS = "Strict-Transport-Security"
BEHIND_TLS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


@pytest.fixture
def proxied(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app behind one trusted reverse proxy (PROXY_HOPS=1)."""
    app = make_test_app(database_url, tmp_path, PROXY_HOPS=1)
    with app.app_context():
        reset_database()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def manager(app: Flask) -> None:
    with app.app_context():
        add_user(EMAIL, "manager", PASSWORD, now=datetime.now(UTC))


def session_cookie(response: Any) -> tuple[str, dict[str, str | None]]:
    """The name and attributes (lower-cased keys) of the one cookie the answer sets."""
    (header,) = response.headers.getlist("Set-Cookie")
    first, *rest = (part.strip() for part in header.split(";"))
    name = first.partition("=")[0]
    attributes = {k.lower(): v for k, v in parse_dict_header(", ".join(rest)).items()}
    return name, attributes


def sign_in(client: FlaskClient, base_url: str, headers: dict[str, str] | None = None) -> Any:
    form = {"email": EMAIL, "password": PASSWORD}
    return client.post("/login", data=form, base_url=base_url, headers=headers or {})


def signed_in_page(client: FlaskClient, base_url: str, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """The account page as the client sees it: 200 if signed in, else a redirect to sign in."""
    return client.get("/account", base_url=base_url, headers=headers or {})


def assert_host_cookie(name: str, attributes: dict[str, str | None]) -> None:
    assert name == "__Host-session"
    assert "secure" in attributes and "httponly" in attributes
    assert attributes["path"] == "/" and "domain" not in attributes
    assert attributes["samesite"] == "Lax"


def test_over_https_the_session_is_a_host_cookie_and_hsts_is_sent(app: Flask) -> None:
    manager(app)
    client = app.test_client()
    form = client.get("/login", base_url=SITE)
    assert form.headers[HSTS] == "max-age=31536000"
    answer = sign_in(client, SITE)
    assert answer.status_code == 302 and answer.headers[HSTS] == "max-age=31536000"
    assert_host_cookie(*session_cookie(answer))
    page = signed_in_page(client, SITE)
    assert page.status_code == 200 and page.headers[HSTS] == "max-age=31536000"
    api = client.get("/api/v1/auth/me", base_url=SITE)
    assert api.get_json()["email"] == EMAIL and api.headers[HSTS] == "max-age=31536000"
    signed_out = client.post("/logout", base_url=SITE)
    name, attributes = session_cookie(signed_out)
    assert name == "__Host-session" and attributes["expires"]
    assert signed_in_page(client, SITE).status_code == 302


def test_on_plain_http_sign_in_works_as_before_without_hsts(app: Flask) -> None:
    manager(app)
    client = app.test_client()
    answer = sign_in(client, LOCAL)
    assert answer.status_code == 302 and HSTS not in answer.headers
    name, attributes = session_cookie(answer)
    assert name == "session" and "secure" not in attributes
    page = signed_in_page(client, LOCAL)
    assert page.status_code == 200 and HSTS not in page.headers


def test_over_https_a_plain_session_cookie_is_not_taken_and_is_cleared(app: Flask) -> None:
    """A `session` cookie (left from plain HTTP, or planted by a sibling host) does not sign
    anyone in over HTTPS: only the `__Host-` one counts."""
    manager(app)
    plain = app.test_client()
    sign_in(plain, LOCAL)
    value = plain.get_cookie("session", domain="127.0.0.1")
    assert value is not None
    client = app.test_client()
    client.set_cookie("session", value.value, domain="campaign.example.org")
    page = signed_in_page(client, SITE)
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    cleared = [c for c in page.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cleared and "Expires=Thu, 01 Jan 1970" in cleared[0]


def test_without_trusted_proxies_forwarded_headers_are_ignored(app: Flask) -> None:
    manager(app)
    client = app.test_client()
    answer = sign_in(client, LOCAL, BEHIND_TLS)
    assert HSTS not in answer.headers
    assert session_cookie(answer)[0] == "session"
    assert signed_in_page(client, LOCAL, BEHIND_TLS).status_code == 200


def test_behind_a_trusted_proxy_its_https_gives_host_cookie_and_hsts(proxied: Flask) -> None:
    manager(proxied)
    client = proxied.test_client()
    answer = sign_in(client, LOCAL, BEHIND_TLS)
    assert answer.status_code == 302 and answer.headers[HSTS] == "max-age=31536000"
    assert_host_cookie(*session_cookie(answer))
    assert signed_in_page(client, LOCAL, BEHIND_TLS).status_code == 200
    # The same proxy passing plain HTTP on: the plain cookie, no HSTS, sign-in still works.
    other = proxied.test_client()
    plain = sign_in(other, LOCAL, {"X-Forwarded-Proto": "http"})
    assert HSTS not in plain.headers and session_cookie(plain)[0] == "session"
    assert signed_in_page(other, LOCAL, {"X-Forwarded-Proto": "http"}).status_code == 200


def seen_by_views(database_url: str, tmp_path: Path, hops: int) -> dict[str, str]:
    """The client's address, scheme and host as views see them (throttling keys, links)."""
    app = make_test_app(database_url, tmp_path, PROXY_HOPS=hops)

    @app.get("/_probe")
    def probe() -> dict[str, str]:
        return {"addr": request.remote_addr or "", "scheme": request.scheme, "host": request.host}

    headers = {**BEHIND_TLS, "X-Forwarded-Host": "campaign.example.org"}
    seen = app.test_client().get("/_probe", base_url=LOCAL, headers=headers).json
    with app.app_context():
        db.engine.dispose()
    return seen  # type: ignore[no-any-return]


def test_forwarded_headers_count_only_from_trusted_proxies(
    database_url: str, tmp_path: Path
) -> None:
    untrusted = seen_by_views(database_url, tmp_path, 0)
    assert untrusted == {"addr": "127.0.0.1", "scheme": "http", "host": "127.0.0.1:5000"}
    trusted = seen_by_views(database_url, tmp_path, 1)
    assert trusted == {"addr": "203.0.113.7", "scheme": "https", "host": "campaign.example.org"}


def test_a_negative_proxy_hops_setting_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="PROXY_HOPS"):
        make_test_app(f"sqlite:///{tmp_path / 't.db'}", tmp_path, PROXY_HOPS=-1)


def test_polls_through_the_proxy_use_the_fast_path_and_get_hsts(
    proxied: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The trusted proxy's headers are applied before the player's fast path, and the fast
    path's answers over HTTPS carry HSTS like Flask's own."""
    from campaign.services.plans import load_plan
    from tests.conftest import DEMO_PLAN, DEMO_TODAY

    with proxied.app_context():
        load_plan(DEMO_PLAN.read_text(encoding="utf-8"), str(DEMO_PLAN), demo_today=DEMO_TODAY)
        token = screens.issue_token("LIM-DEP-01", now=datetime.now(UTC))
    player_cache.cache(proxied).monotonic = lambda: 1000.0
    seen: list[tuple[str, str, bool]] = []
    original = fastpath.PollFastPath.__call__

    def spy(self, environ, start_response):  # type: ignore[no-untyped-def]
        warm = self.cache.warm_answer(token) is not None
        seen.append((environ["wsgi.url_scheme"], environ["REMOTE_ADDR"], warm))
        return original(self, environ, start_response)

    monkeypatch.setattr(fastpath.PollFastPath, "__call__", spy)
    client = proxied.test_client()
    headers = {**BEHIND_TLS, "Authorization": f"Bearer {token}"}
    cold = client.get("/api/v1/player/playlist", base_url=LOCAL, headers=headers)
    warm = client.get("/api/v1/player/playlist", base_url=LOCAL, headers=headers)
    etag = {**headers, "If-None-Match": warm.headers["ETag"]}
    same = client.get("/api/v1/player/playlist", base_url=LOCAL, headers=etag)
    assert seen == [("https", "203.0.113.7", False), *[("https", "203.0.113.7", True)] * 2]
    assert cold.status_code == warm.status_code == 200 and warm.data == cold.data
    assert same.status_code == 304
    for answer in (cold, warm, same):
        assert answer.headers[HSTS] == "max-age=31536000"
        assert "Set-Cookie" not in answer.headers
