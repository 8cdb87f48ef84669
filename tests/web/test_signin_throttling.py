"""Sign-in throttling per (address, e-mail): a guesser elsewhere never locks the owner out."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from campaign.extensions import db, limiter
from tests.conftest import make_test_app
from tests.web.test_api_helpers import PASSWORD, caller

ANA = "ana@example.org"
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.10"
PROXY = "10.0.0.1"

MakeApp = Callable[..., Flask]


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[MakeApp]:
    made: list[Flask] = []

    def make(**overrides: object) -> Flask:
        app = make_test_app(f"sqlite:///{tmp_path / 'throttle.db'}", tmp_path, **overrides)
        with app.app_context():
            db.create_all()
        limiter.reset()  # nothing counted by an earlier test's app
        caller(app, ANA, "manager")
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def wall(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """Moves the wall clock (which the limiter's storage reads) on, so a delay passes at once."""
    real = time.time
    offset = [0.0]
    monkeypatch.setattr(time, "time", lambda: real() + offset[0])

    def advance(seconds: float) -> None:
        offset[0] += seconds

    return advance


def api(client: FlaskClient, password: str, address: str, **headers: str) -> TestResponse:
    return client.post(
        "/api/v1/auth/login",
        json={"email": ANA, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def page(client: FlaskClient, password: str, address: str) -> TestResponse:
    return client.post(
        "/login", data={"email": ANA, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_an_attacker_elsewhere_does_not_lock_the_owner_out(make_app: MakeApp) -> None:
    app = make_app()
    attacker = app.test_client()
    answers = [api(attacker, f"guess {n}", ATTACKER).status_code for n in range(30)]
    answers += [page(attacker, f"guess {n}", ATTACKER).status_code for n in range(30)]
    assert answers[:5] == [401] * 5 and set(answers[5:]) == {429}
    assert api(attacker, PASSWORD, ATTACKER).status_code == 429
    # Ana, at her own address, with her password: in, through the API and the page.
    assert api(app.test_client(), PASSWORD, OWNER).status_code == 200
    assert page(app.test_client(), PASSWORD, OWNER).status_code == 302


def test_the_delays_grow_and_hold_even_the_right_password(
    make_app: MakeApp, wall: Callable[[float], None]
) -> None:
    app = make_app()  # the shipped limits: 5 a minute, 10 a quarter of an hour, ...
    client = app.test_client()
    assert [api(client, "wrong", ATTACKER).status_code for _ in range(5)] == [401] * 5
    first = api(client, PASSWORD, ATTACKER)
    assert first.status_code == 429 and first.get_json()["error"] == "too_many_requests"
    first_wait = int(first.headers["Retry-After"])
    assert 0 < first_wait <= 60
    wall(first_wait - 2)
    assert api(client, PASSWORD, ATTACKER).status_code == 429  # not yet
    wall(2)
    # The minute has passed: five more tries, and then a quarter of an hour to wait.
    assert [api(client, "wrong", ATTACKER).status_code for _ in range(5)] == [401] * 5
    second = api(client, PASSWORD, ATTACKER)
    assert second.status_code == 429
    second_wait = int(second.headers["Retry-After"])
    assert 13 * 60 < second_wait <= 15 * 60 - first_wait
    # The sign-in page refuses it too, with the form and how long to wait, in Spanish first.
    refused = page(client, PASSWORD, ATTACKER)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) == second_wait
    html = refused.get_data(as_text=True)
    assert "Vuelva a intentarlo en 14 minutos" in html and 'value="ana@example.org"' in html
    english = app.test_client()
    english.set_cookie("lang", "en")
    assert "Try again in 14 minutes" in page(english, PASSWORD, ATTACKER).get_data(as_text=True)
    wall(second_wait)
    assert api(client, PASSWORD, ATTACKER).status_code == 200


def test_only_failures_count_and_the_right_password_clears_them(make_app: MakeApp) -> None:
    app = make_app(LOGIN_THROTTLE="2 per hour")
    client = app.test_client()
    for _ in range(3):
        assert api(client, "typo", OWNER).status_code == 401
        assert api(client, PASSWORD, OWNER).status_code == 200
    assert [api(client, "typo", OWNER).status_code for _ in range(3)] == [401, 401, 429]
    refused = api(client, PASSWORD, OWNER)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 59 * 60


def test_behind_a_trusted_proxy_the_forwarded_address_is_throttled(make_app: MakeApp) -> None:
    client = make_app(PROXY_HOPS=1).test_client()
    for _ in range(5):
        assert api(client, "guess", PROXY, **{"X-Forwarded-For": ATTACKER}).status_code == 401
    assert api(client, PASSWORD, PROXY, **{"X-Forwarded-For": ATTACKER}).status_code == 429
    # Ana comes through the same proxy from her own address: in.
    assert api(client, PASSWORD, PROXY, **{"X-Forwarded-For": OWNER}).status_code == 200


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(make_app: MakeApp) -> None:
    client = make_app(PROXY_HOPS=0).test_client()
    # A guesser naming Ana's address in the header only spends the budget of their own.
    for _ in range(5):
        assert api(client, "guess", PROXY, **{"X-Forwarded-For": OWNER}).status_code == 401
    assert api(client, PASSWORD, PROXY, **{"X-Forwarded-For": ATTACKER}).status_code == 429
    assert api(client, PASSWORD, OWNER).status_code == 200


def test_the_openapi_document_names_the_429_and_its_retry_after(make_app: MakeApp) -> None:
    document = make_app().test_client().get("/api/v1/openapi.json").get_json()
    responses = document["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert "Retry-After" in responses["429"]["headers"]
