"""Heartbeats and proof of play: stored once, bad records reported by index with a reason."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.persistence.network import Screen
from campaign.persistence.player import PlayRecord
from campaign.services import screens
from campaign.services.clock import clock_of
from campaign.services.generation import current_generation
from tests.web.plays_serving import PLAYS, auth, poll

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
ITEM = "peru-unido-contra-la-trata/zero-tolerance.v1.es"  # in LIM-ARR-01's loop on the demo day
FIRST = NOW - timedelta(hours=5)  # the first play's start


@pytest.fixture
def token(demo: Flask) -> str:
    """LIM-ARR-01's token; the screen polled six hours ago, so its plays since then count."""
    with demo.app_context():
        token = screens.issue_token("LIM-ARR-01", now=NOW)
    assert ITEM in {item["id"] for item in poll(demo, token, NOW - timedelta(hours=6))["items"]}
    clock_of(demo).set(NOW)
    return token


def play(n: int, **overrides: object) -> dict[str, object]:
    """The screen's `n`th play of a served slide: 12 s each, one after the other from FIRST."""
    record: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "item_id": ITEM,
        "started_at": (FIRST + timedelta(seconds=12 * n)).isoformat(),
        "duration_s": 12,
    }
    record.update(overrides)
    return record


def stored(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PlayRecord)) or 0


def test_heartbeat_updates_last_seen_without_bumping_generation(demo: Flask, token: str) -> None:
    with demo.app_context():
        generation = current_generation()
    report = {
        "playing_version": "abc123",
        "player": {"name": "kiosk", "version": "1.2"},
        "uptime_s": 3600,
        "free_bytes": 10**9,
        "temperature_c": 41,
    }
    response = demo.test_client().post("/api/v1/player/heartbeat", json=report, headers=auth(token))
    assert response.status_code == 204
    with demo.app_context():
        screen = db.session.scalar(select(Screen).filter_by(code="LIM-ARR-01"))
        assert screen is not None
        assert screen.last_seen_at == NOW
        assert screen.playing_version == "abc123"
        assert screen.player_info == {k: v for k, v in report.items() if k != "playing_version"}
        assert current_generation() == generation


def test_heartbeat_needs_a_token(demo: Flask, token: str) -> None:
    response = demo.test_client().post("/api/v1/player/heartbeat", json={})
    assert response.status_code == 401


def test_plays_are_stored_once(demo: Flask, token: str) -> None:
    client = demo.test_client()
    batch = {"plays": [play(n) for n in range(5)]}
    first = client.post(PLAYS, json=batch, headers=auth(token))
    assert first.status_code == 200
    assert first.get_json() == {"accepted": 5, "duplicates": 0, "rejected": []}
    second = client.post(PLAYS, json=batch, headers=auth(token))
    assert second.get_json() == {"accepted": 0, "duplicates": 5, "rejected": []}
    assert stored(demo) == 5
    with demo.app_context():
        row = db.session.scalars(select(PlayRecord)).first()
        assert row is not None
        assert (row.message_key, row.message_version, row.lang) == ("zero-tolerance", 1, "es")
        assert row.received_at == NOW and row.duration_s == 12
        assert row.booking_key  # the booking that put it in the loop served


def test_one_bad_record_is_reported_by_index(demo: Flask, token: str) -> None:
    plays = [
        play(0),
        play(1, id="not-a-uuid"),
        play(2, started_at="2026-11-28T12:00:00"),  # naive
        play(3, started_at=(NOW + timedelta(days=2)).isoformat()),
        play(4, duration_s=0),
        play(5, duration_s=3601),
        play(6, item_id=""),
        play(7, started_at="2026-11-28T16:58:00Z", duration_s=9.5),
    ]
    response = demo.test_client().post(PLAYS, json={"plays": plays}, headers=auth(token))
    assert response.status_code == 200
    body = response.get_json()
    assert body["accepted"] == 2
    assert [r["index"] for r in body["rejected"]] == [1, 2, 3, 4, 5, 6]
    assert all(r["detail"] for r in body["rejected"])
    reasons = [r["reason"] for r in body["rejected"]]
    assert reasons == ["malformed", "malformed", "future", "malformed", "malformed", "malformed"]
    assert stored(demo) == 2


def test_a_batch_over_1000_is_413(demo: Flask, token: str) -> None:
    batch = {"plays": [play(n) for n in range(1001)]}
    response = demo.test_client().post(PLAYS, json=batch, headers=auth(token))
    assert response.status_code == 413
    assert set(response.get_json()) >= {"error", "detail"}
    assert stored(demo) == 0
    full = {"plays": [play(n) for n in range(1000)]}
    answer = demo.test_client().post(PLAYS, json=full, headers=auth(token)).get_json()
    assert answer == {"accepted": 1000, "duplicates": 0, "rejected": []}
    assert stored(demo) == 1000


@pytest.mark.parametrize("path", [PLAYS, "/api/v1/player/heartbeat"])
def test_malformed_json_is_400(demo: Flask, token: str, path: str) -> None:
    response = demo.test_client().post(
        path, data='{"plays": [', headers={**auth(token), "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    body = response.get_json()
    assert set(body) >= {"error", "detail"}
    assert "Traceback" not in json.dumps(body) and "/work" not in json.dumps(body)


def test_wrong_shape_is_422(demo: Flask, token: str) -> None:
    client = demo.test_client()
    assert client.post(PLAYS, json=[1, 2], headers=auth(token)).status_code == 422
    assert client.post(PLAYS, json={"plays": "x"}, headers=auth(token)).status_code == 422


def test_plays_are_kept_per_screen(demo: Flask, token: str) -> None:
    with demo.app_context():
        other = screens.issue_token("LIM-DEP-01", now=NOW)
    poll(demo, other, NOW - timedelta(hours=6))  # LIM-DEP-01 plays the same slide
    clock_of(demo).set(NOW)
    record = play(0)
    client = demo.test_client()
    assert (
        client.post(PLAYS, json={"plays": [record]}, headers=auth(token)).get_json()["accepted"]
        == 1
    )
    # The same play id from another screen is another play, not a duplicate.
    assert (
        client.post(PLAYS, json={"plays": [record]}, headers=auth(other)).get_json()["accepted"]
        == 1
    )
