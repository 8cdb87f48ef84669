"""Plays a player kept only as counts: stored once per count id, checked, shown per screen."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.persistence.play_counts import PlayCount
from campaign.services import screens
from campaign.services.clock import clock_of
from tests.web.plays_serving import auth, poll
from tests.web.signing import signed_in

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
ITEM = "peru-unido-contra-la-trata/zero-tolerance.v1.es"  # in LIM-ARR-01's loop on the demo day
HOUR = NOW - timedelta(hours=3)
COUNTS = "/api/v1/player/play-counts"


@pytest.fixture
def token(demo: Flask) -> str:
    with demo.app_context():
        token = screens.issue_token("LIM-ARR-01", now=NOW)
    assert ITEM in {item["id"] for item in poll(demo, token, NOW - timedelta(hours=6))["items"]}
    clock_of(demo).set(NOW)
    return token


def count(**overrides: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": str(uuid.uuid4()), "item_id": ITEM, "hour": HOUR.isoformat(), "plays": 40,
        "seconds": 480, "first": (HOUR + timedelta(minutes=1)).isoformat(),
        "last": (HOUR + timedelta(minutes=59)).isoformat(),
    }  # fmt: skip
    record.update(overrides)
    return record


def stored(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.sum(PlayCount.plays))) or 0


def test_counts_are_stored_once_and_resending_is_harmless(demo: Flask, token: str) -> None:
    client = demo.test_client()
    batch = [count(), count(plays=3, seconds=36)]
    answer = client.post(COUNTS, json={"counts": batch}, headers=auth(token))
    assert answer.status_code == 200
    assert answer.get_json() == {"accepted": 2, "duplicates": 0, "rejected": []}
    again = client.post(COUNTS, json={"counts": batch}, headers=auth(token))
    assert again.get_json() == {"accepted": 0, "duplicates": 2, "rejected": []}
    assert stored(demo) == 43


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ({"item_id": "another-campaign/other.v1.es"}, "never in a playlist served"),
        ({"hour": (HOUR + timedelta(minutes=5)).isoformat()}, "start of a UTC hour"),
        ({"last": (HOUR + timedelta(hours=2)).isoformat()}, "within the hour"),
        ({"plays": 0}, "whole number"),
        ({"plays": True}, "whole number"),
        ({"seconds": -1}, "seconds must be"),
        ({"first": "yesterday"}, "ISO 8601"),
        ({"id": "not-a-uuid"}, "UUID"),
        (
            {
                "hour": (NOW + timedelta(hours=1)).isoformat(),
                "first": (NOW + timedelta(hours=1)).isoformat(),
                "last": (NOW + timedelta(hours=1, minutes=1)).isoformat(),
            },
            "future",
        ),
    ],
)
def test_a_count_that_cannot_be_believed_is_listed_and_the_rest_stored(
    demo: Flask, token: str, bad: dict, says: str
) -> None:
    answer = demo.test_client().post(
        COUNTS, json={"counts": [count(), count(**bad)]}, headers=auth(token)
    )
    body = answer.get_json()
    assert answer.status_code == 200 and body["accepted"] == 1
    assert [r["index"] for r in body["rejected"]] == [1] and says in body["rejected"][0]["detail"]
    assert stored(demo) == 40


def test_the_request_must_be_a_list_of_counts_with_a_token(demo: Flask, token: str) -> None:
    client = demo.test_client()
    assert client.post(COUNTS, json={"counts": [count()]}).status_code == 401
    assert client.post(COUNTS, json={"plays": []}, headers=auth(token)).status_code == 422
    assert client.post(COUNTS, json={"counts": {}}, headers=auth(token)).status_code == 422
    many = {"counts": [count() for _ in range(201)]}
    assert client.post(COUNTS, json=many, headers=auth(token)).status_code == 413
    assert stored(demo) == 0


def test_the_screen_page_shows_plays_kept_only_as_counts(demo: Flask, token: str) -> None:
    client = signed_in(demo, locale="en")
    assert "Plays kept only as counts" not in _screen_page(client)
    demo.test_client().post(COUNTS, json={"counts": [count()]}, headers=auth(token))
    page = _screen_page(client)
    assert "Plays kept only as counts" in page and "40 plays in the last 7 days" in page


def _screen_page(client) -> str:
    return client.get("/screens/LIM-ARR-01").get_data(as_text=True)
