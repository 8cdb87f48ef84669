"""Pairing through the web: a player asks for a code, a manager enters it, it gets a token."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from campaign.extensions import db, limiter
from campaign.persistence.audit import AuditEvent
from campaign.services import screens
from campaign.services.clock import clock_of
from campaign.web.player import cache as player_cache
from tests.web.signing import signed_in

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)  # 10:00 in Lima, on the demo's day
PAIRINGS = "/api/v1/player/pairings"
CLAIM = "/api/v1/player/pairings/claim"
PLAYLIST = "/api/v1/player/playlist"
SCREEN = "LIM-ARR-01"
CODE_ERROR = re.compile(r'<p class="error" id="code-error">([^<]+)</p>')


@pytest.fixture
def app(demo: Flask) -> Flask:
    clock_of(demo).set(NOW)
    with demo.app_context():
        limiter.reset()  # nothing counted by an earlier test's app
    return demo


@pytest.fixture
def manager(app: Flask) -> FlaskClient:
    # In English: the Spanish of these pages is merged into the catalogues separately.
    return signed_in(app, locale="en")


def start(app: Flask, body: dict[str, Any] | None = None) -> dict[str, Any]:
    answer = app.test_client().post(PAIRINGS, json=body if body is not None else {})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return answer.get_json()  # type: ignore[no-any-return]


def claim(app: Flask, secret: str) -> TestResponse:
    return app.test_client().post(CLAIM, json={"secret": secret})


def poll(app: Flask, token: str) -> int:
    player_cache.cache(app).checked_at = float("-inf")  # see changed tokens now
    return app.test_client().get(PLAYLIST, headers={"Authorization": f"Bearer {token}"}).status_code


def html(answer: TestResponse) -> str:
    return answer.get_data(as_text=True)


def test_a_new_player_gets_a_code_to_show_and_waits(app: Flask) -> None:
    answer = app.test_client().post(PAIRINGS, json={"player": "kiosk 1.0"})
    assert answer.status_code == 201 and answer.headers["Cache-Control"] == "no-store"
    body = answer.get_json()
    assert set(body) == {"code", "secret", "expires_at", "pair_url", "qr_svg", "poll_after_s"}
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", body["code"])
    assert len(body["secret"]) >= 43 and body["poll_after_s"] == 3
    assert body["expires_at"] == "2026-11-28T15:10:00Z"
    assert body["pair_url"] == "http://localhost/screens/pair?code=" + body["code"].replace("-", "")
    svg = body["qr_svg"]
    assert svg.startswith("<svg") and svg.endswith("</svg>") and 'viewBox="0 0 ' in svg
    assert 'fill="#fff"' in svg and 'stroke="#000"' in svg and "width=" not in svg
    # No body at all is a player that says nothing about itself.
    assert app.test_client().post(PAIRINGS).status_code == 201

    waiting = claim(app, body["secret"])
    assert waiting.status_code == 202
    assert waiting.get_json() == {
        "status": "waiting",
        "expires_at": "2026-11-28T15:10:00Z",
        "poll_after_s": 3,
    }


def test_malformed_bodies_and_unknown_secrets_are_refused(app: Flask) -> None:
    client = app.test_client()
    too_long = client.post(PAIRINGS, json={"player": "x" * 201})
    assert too_long.status_code == 422 and set(too_long.get_json()) >= {"error", "detail"}
    assert client.post(CLAIM, json={}).status_code == 422
    assert client.post(CLAIM, json={"secret": 5}).status_code == 422
    assert client.post(CLAIM, data="{", content_type="application/json").status_code == 400
    unknown = client.post(CLAIM, json={"secret": "a" * 43})
    assert unknown.status_code == 404 and unknown.get_json()["error"] == "not_found"
    # The secret is never read from the URL.
    assert client.post(f"{CLAIM}?secret={'a' * 43}").status_code == 422


def test_the_manager_pairs_and_the_player_collects_the_token_once(
    app: Flask, manager: FlaskClient
) -> None:
    with app.app_context():
        old = screens.issue_token(SCREEN, now=NOW)
    assert poll(app, old) == 200
    started = start(app, {"player": "kiosk 1.0"})

    form = html(manager.get(f"/screens/pair?code={started['code'].replace('-', '')}"))
    assert f'value="{started["code"]}"' in form
    assert 'autocomplete="off"' in form and 'autocapitalize="characters"' in form
    typed = started["code"].lower().replace("-", " ")  # as a person might type it
    answer = manager.post("/screens/pair", data={"code": typed, "screen": SCREEN})
    assert answer.status_code == 303 and answer.headers["Location"] == f"/screens/{SCREEN}"
    page = html(manager.get(answer.headers["Location"]))
    assert (
        f"{SCREEN} is paired: the player receives its token within a few seconds. Its previous "
        "token no longer works."
    ) in page.replace("&#39;", "'")

    paired = claim(app, started["secret"])
    assert paired.status_code == 200 and paired.headers["Cache-Control"] == "no-store"
    body = paired.get_json()
    assert body["status"] == "paired" and body["screen"] == {"code": SCREEN}
    assert poll(app, body["token"]) == 200
    assert poll(app, old) == 401
    again = claim(app, started["secret"])
    assert again.status_code == 410 and again.get_json()["error"] == "gone"
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(action="pair_player"))
        assert event is not None and event.actor == "manager-iom@example.org"
        assert event.after["screen"] == SCREEN and event.after["player"] == "kiosk 1.0"


def test_an_expired_code_cannot_be_paired_and_its_claim_is_gone(
    app: Flask, manager: FlaskClient
) -> None:
    started = start(app)
    clock_of(app).advance(timedelta(minutes=10, seconds=1))
    answer = manager.post("/screens/pair", data={"code": started["code"], "screen": SCREEN})
    assert answer.status_code == 422
    assert CODE_ERROR.findall(html(answer)) == [
        "This pairing code has expired. Reload the player page on the screen to show a new "
        "code, and enter that one."
    ]
    assert claim(app, started["secret"]).status_code == 410


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("ABCD-EFG", "A pairing code is 8 letters and digits, such as ABCD-EFGH"),
        ("ZZZZ-ZZZZ", "No screen is showing this pairing code."),
    ],
)
def test_a_wrong_code_is_said_so_on_the_form(manager: FlaskClient, code: str, problem: str) -> None:
    answer = manager.post("/screens/pair", data={"code": code, "screen": SCREEN})
    assert answer.status_code == 422
    shown = CODE_ERROR.findall(html(answer))
    assert len(shown) == 1 and shown[0].startswith(problem)
    assert f'<option selected value="{SCREEN}">' in html(answer)  # the choice is kept


def test_a_used_code_and_an_unknown_screen_are_said_so(app: Flask, manager: FlaskClient) -> None:
    started = start(app)
    unknown = manager.post("/screens/pair", data={"code": started["code"], "screen": "NOPE-01"})
    assert unknown.status_code == 422
    assert '<p class="error" id="screen-error">There is no such screen' in html(unknown)
    assert (
        manager.post("/screens/pair", data={"code": started["code"], "screen": SCREEN}).status_code
        == 303
    )
    used = manager.post("/screens/pair", data={"code": started["code"], "screen": SCREEN})
    assert used.status_code == 422
    assert (
        "Reload the player page on the screen to show a new code"
        in CODE_ERROR.findall(html(used))[0]
    )


def test_in_spanish_by_default_a_wrong_code_is_refused_on_the_form(app: Flask) -> None:
    # The Spanish catalogue is merged separately: the refusal's place is checked, not its words.
    spanish = signed_in(app)
    form = html(spanish.get("/screens/pair"))
    assert '<html lang="es">' in form
    answer = spanish.post("/screens/pair", data={"code": "ZZZZ-ZZZZ", "screen": SCREEN})
    assert answer.status_code == 422 and len(CODE_ERROR.findall(html(answer))) == 1


def test_asking_for_codes_is_limited_per_address(app: Flask) -> None:
    app.config["PAIRING_RATE_LIMIT"] = "3 per minute"
    client = app.test_client()
    assert [client.post(PAIRINGS, json={}).status_code for _ in range(3)] == [201] * 3
    refused = client.post(PAIRINGS, json={})
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    body = refused.get_json()
    assert body["error"] == "too_many_requests" and "Retry-After" in body["detail"]
    other = client.post(PAIRINGS, json={}, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert other.status_code == 201
    # Claims are not limited: players ask every few seconds.
    secret = other.get_json()["secret"]
    assert {claim(app, secret).status_code for _ in range(12)} == {202}


def test_too_many_waiting_codes_is_a_503_to_try_later(app: Flask) -> None:
    app.config["PAIRING_MAX_PENDING"] = 1
    start(app)
    busy = app.test_client().post(PAIRINGS, json={})
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "60"
    assert busy.get_json()["error"] == "service_unavailable"


def test_wrong_codes_are_limited_per_manager(app: Flask, manager: FlaskClient) -> None:
    app.config["PAIRING_ATTEMPT_LIMIT"] = "2 per minute"
    wrong = {"code": "ZZZZ-ZZZZ", "screen": SCREEN}
    assert [manager.post("/screens/pair", data=wrong).status_code for _ in range(2)] == [422] * 2
    started = start(app)
    refused = manager.post("/screens/pair", data={"code": started["code"], "screen": SCREEN})
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    page = html(refused)
    assert "Too many codes that did not match. Try again in" in page
    assert '<form class="card form" method="post"' in page
    # Another manager is not held back.
    other = signed_in(app, email="other-manager@example.org", locale="en")
    assert (
        other.post("/screens/pair", data={"code": started["code"], "screen": SCREEN}).status_code
        == 303
    )


def test_partners_may_not_pair(app: Flask) -> None:
    partner = signed_in(app, "partner", "mimp", locale="en")
    assert partner.get("/screens/pair").status_code == 403
    started = start(app)
    refused = partner.post("/screens/pair", data={"code": started["code"], "screen": SCREEN})
    assert refused.status_code == 403
    assert claim(app, started["secret"]).status_code == 202
    assert "/screens/pair" not in html(partner.get(f"/screens/{SCREEN}"))
    assert "/screens/pair" not in html(partner.get("/screens"))


def test_the_screen_pages_link_to_pairing_for_the_team(manager: FlaskClient) -> None:
    assert f'href="/screens/pair?screen={SCREEN}">Pair a player</a>' in html(
        manager.get(f"/screens/{SCREEN}")
    )
    assert 'href="/screens/pair">Pair a player</a>' in html(manager.get("/screens"))
    form = html(manager.get(f"/screens/pair?screen={SCREEN}"))
    assert f'<option selected value="{SCREEN}">' in form


def test_the_openapi_document_describes_pairing(app: Flask) -> None:
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    started = paths[PAIRINGS]["post"]
    assert {"201", "400", "422", "429", "503"} <= set(started["responses"])
    assert "Retry-After" in started["responses"]["429"]["headers"]
    claimed = paths[CLAIM]["post"]
    assert {"200", "202", "400", "404", "410", "422"} <= set(claimed["responses"])
    assert started["security"] == [] and claimed["security"] == []
