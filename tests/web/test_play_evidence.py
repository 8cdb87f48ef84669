"""Proof of play through the API: replayed and invented plays are rejected and never counted."""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from campaign.extensions import db
from campaign.persistence.network import Screen
from campaign.persistence.player import PlayRecord, PlayRollup, RejectedPlay
from campaign.services import player, screens
from campaign.services.clock import clock_of
from campaign.services.rejected_plays import MAX_STORED_PER_DAY
from campaign.services.rollup import roll_up
from campaign.web.player import cache as player_cache
from tests.web.plays_serving import PLAYLIST, PLAYS, as_another_worker, auth, plays_of, poll
from tests.web.signing import signed_in

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)  # noon in Lima on the demo day
POLLED = NOW - timedelta(hours=2)
CAMPAIGN = "peru-unido-contra-la-trata"


def _tokens(app: Flask, *codes: str) -> list[str]:
    with app.app_context():
        return [screens.issue_token(code, now=POLLED) for code in codes]


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def _send(app: Flask, token: str, plays: list[dict[str, object]]) -> dict[str, object]:
    answer = app.test_client().post(PLAYS, json={"plays": plays}, headers=auth(token))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()  # type: ignore[no-any-return]


@pytest.mark.slow
def test_the_replayed_and_invented_plays_of_the_issue_are_all_rejected(demo: Flask) -> None:
    (token,) = _tokens(demo, "LIM-GAT-01")
    items = poll(demo, token, POLLED)["items"]
    clock_of(demo).set(NOW)
    # The screen's own plays since it polled: believed, each with its booking.
    real = plays_of(items, NOW - timedelta(hours=1), 100)
    assert _send(demo, token, real) == {"accepted": 100, "duplicates": 0, "rejected": []}
    seconds = sum(float(p["duration_s"]) for p in real)  # type: ignore[arg-type]

    # With the same token: 30 batches of 1,000 (identical start times, 1970, invented ids, and
    # slides this screen was never given: another campaign's, another screen's).
    foreign = [
        "another-campaign/its-message.v1.es",
        f"{CAMPAIGN}/zero-tolerance.v1.es",  # LIM-ARR-01's Spanish slide, not this screen's
    ]
    kinds = [
        lambda n: {**real[n % 100], "id": str(uuid.uuid4())},
        lambda n: {**real[n % 100], "id": str(uuid.uuid4()), "started_at": "1970-01-01T00:00:00Z"},
        lambda n: {**real[n % 100], "id": str(uuid.uuid4()), "item_id": f"{CAMPAIGN}/x{n}.v1.es"},
        lambda n: {**real[n % 100], "id": str(uuid.uuid4()), "item_id": foreign[n % 2]},
    ]
    reasons: Counter[str] = Counter()
    for _ in range(30):
        answer = _send(demo, token, [kinds[n % 4](n) for n in range(1000)])
        assert (answer["accepted"], answer["duplicates"]) == (0, 0)
        assert len(answer["rejected"]) == 1000  # type: ignore[arg-type]
        reasons.update(r["reason"] for r in answer["rejected"])  # type: ignore[attr-defined,index]
    assert reasons == {"overlap": 7500, "before-served": 7500, "not-served": 15000}

    with demo.app_context():
        assert db.session.scalar(select(func.count()).select_from(PlayRecord)) == 100
        kept = dict(
            db.session.execute(
                select(RejectedPlay.reason, func.count()).group_by(RejectedPlay.reason)
            ).all()
        )
        # Kept with their reasons up to the screen's daily cap; the rest only answered.
        assert sum(kept.values()) == MAX_STORED_PER_DAY
        assert set(kept) == {"overlap", "before-served", "not-served"}
        roll_up(NOW + timedelta(days=1))
        plays, on_screen = db.session.execute(
            select(func.sum(PlayRollup.plays), func.sum(PlayRollup.seconds))
        ).one()
    assert (plays, on_screen) == (100, seconds)


def test_a_real_pollers_plays_count_and_retries_change_nothing(demo: Flask) -> None:
    (token,) = _tokens(demo, "LIM-GAT-01")
    items = poll(demo, token, POLLED)["items"]
    clock_of(demo).set(NOW)
    batch = plays_of(items, POLLED + timedelta(minutes=1), 40, gap_s=0.3)
    batch += [
        {**batch[0], "id": str(uuid.uuid4())},
        {**batch[1], "id": str(uuid.uuid4()), "item_id": "nope/x.v1.es"},
    ]
    first = _send(demo, token, batch)
    assert (first["accepted"], first["duplicates"]) == (40, 0)
    assert [(r["index"], r["reason"]) for r in first["rejected"]] == [  # type: ignore[attr-defined,index]
        (40, "overlap"),
        (41, "not-served"),
    ]
    again = _send(demo, token, batch)
    assert again == {**first, "accepted": 0, "duplicates": 40}
    assert (_count(demo, PlayRecord), _count(demo, RejectedPlay)) == (40, 2)
    with demo.app_context():
        bookings = set(db.session.scalars(select(PlayRecord.booking_key)))
    assert None not in bookings and len(bookings) >= 2  # each slide's own booking


def test_the_plays_limit_is_per_screen_and_answers_429_with_retry_after(demo: Flask) -> None:
    limited, other = _tokens(demo, "LIM-GAT-01", "LIM-ARR-01")
    demo.config["PLAYS_RATE_LIMIT"] = "3 per minute"
    client = demo.test_client()
    for _ in range(3):
        assert client.post(PLAYS, json={"plays": []}, headers=auth(limited)).status_code == 200
    refused = client.post(PLAYS, json={"plays": []}, headers=auth(limited))
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    body = refused.get_json()
    assert body["error"] == "too_many_requests" and "Retry-After" in body["detail"]
    # Another screen of the same airport (the same address) is not held back, nor are polls,
    # heartbeats, or requests without a token (those are refused for the token, not the pace).
    assert client.post(PLAYS, json={"plays": []}, headers=auth(other)).status_code == 200
    clock_of(demo).set(POLLED)
    player_cache.cache(demo).checked_at = float("-inf")
    for _ in range(5):
        polled = client.get(PLAYLIST, headers=auth(limited))
        assert polled.status_code == 200 and "X-RateLimit-Limit" not in polled.headers
    assert (
        client.post("/api/v1/player/heartbeat", json={}, headers=auth(limited)).status_code == 204
    )
    for _ in range(5):
        assert client.post(PLAYS, json={"plays": []}).status_code == 401


def test_a_players_pace_stays_far_below_the_limit(demo: Flask) -> None:
    (token,) = _tokens(demo, "LIM-GAT-01")
    assert demo.config["PLAYS_RATE_LIMIT"] == "60 per minute"
    client = demo.test_client()
    # The kiosk sends a batch every 15 s; even a backlog of 50 batches sent at once gets through.
    answers = [client.post(PLAYS, json={"plays": []}, headers=auth(token)) for _ in range(50)]
    assert {a.status_code for a in answers} == {200}
    assert int(answers[-1].headers["X-RateLimit-Remaining"]) == 10


def test_a_serving_not_recorded_is_recorded_at_the_next_poll(
    demo: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    (token,) = _tokens(demo, "LIM-GAT-01")

    def refuse(_conn, _cursor, statement: str, *_args: object) -> None:  # type: ignore[no-untyped-def]
        if "served_versions" in statement:
            raise OperationalError(statement, {}, Exception("database is locked"))

    with demo.app_context():
        event.listen(db.engine, "before_cursor_execute", refuse)
    try:
        with caplog.at_level(logging.WARNING):
            items = poll(demo, token, POLLED)["items"]  # the poll is answered all the same
    finally:
        with demo.app_context():
            event.remove(db.engine, "before_cursor_execute", refuse)
    assert "could not record version" in caplog.text and token not in caplog.text
    cache = player_cache.cache(demo)
    assert cache.warm_answer(token) is None  # kept off the fast path until it is recorded
    clock_of(demo).set(POLLED + timedelta(minutes=10))
    plays = plays_of(items, POLLED + timedelta(minutes=1), 3)
    assert {r["reason"] for r in _send(demo, token, plays)["rejected"]} == {"not-served"}  # type: ignore[attr-defined,index]
    later = cache.monotonic() + 10
    cache.monotonic = lambda: later
    assert demo.test_client().get(PLAYLIST, headers=auth(token)).status_code == 200
    fresh = plays_of(items, POLLED + timedelta(minutes=5), 3)
    assert _send(demo, token, fresh)["accepted"] == 3  # served since the first poll, as it was
    assert cache.warm_answer(token) is not None


def test_a_version_another_worker_kept_is_not_noted_again_and_its_plays_count(
    demo: Flask,
) -> None:
    (token,) = _tokens(demo, "LIM-GAT-01")
    notes: list[str] = []

    def count(_conn, _cursor, statement: str, *_args: object) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT") and "served_versions" in statement:
            notes.append(statement)

    with demo.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
    try:
        items = poll(demo, token, POLLED)["items"]
        assert len(notes) == 1
        as_another_worker(demo)
        assert poll(demo, token, POLLED + timedelta(seconds=5))["items"] == items
        assert len(notes) == 1  # the first worker kept and noted this version: not noted again
        as_another_worker(demo)
        for kept in Path(demo.config["PLAYER_LAST_GOOD_DIR"]).iterdir():
            kept.unlink()  # nothing kept for the token: this worker cannot know it was noted
        poll(demo, token, POLLED + timedelta(seconds=10))
        assert len(notes) == 2
    finally:
        with demo.app_context():
            event.remove(db.engine, "before_cursor_execute", count)
    clock_of(demo).set(NOW)
    assert _send(demo, token, plays_of(items, POLLED + timedelta(minutes=1), 3))["accepted"] == 3


def test_the_openapi_document_names_the_reasons_and_the_429(demo: Flask) -> None:
    spec = demo.test_client().get("/api/v1/openapi.json").get_json()
    responses = spec["paths"]["/api/v1/player/plays"]["post"]["responses"]
    assert "Retry-After" in responses["429"]["headers"]
    reason = spec["components"]["schemas"]["RejectedPlay"]["properties"]["reason"]
    assert set(reason["enum"]) == {"malformed", "not-served", "before-served", "future", "overlap"}


def test_the_screens_pages_count_the_rejected_plays_with_their_reasons(demo: Flask) -> None:
    clock_of(demo).set(NOW)
    with demo.app_context():
        screen_id = db.session.scalar(select(Screen.id).filter_by(code="LIM-ARR-01"))
        invented = [
            {
                "id": str(uuid.uuid4()),
                "item_id": f"{CAMPAIGN}/never-made.v1.es",
                "started_at": (NOW - timedelta(minutes=n)).isoformat(),
                "duration_s": 10,
            }
            for n in range(11)
        ]
        player.record_plays(screen_id, [*invented, {"id": "junk"}], now=NOW - timedelta(days=1))
    client = signed_in(demo, locale="en")
    listing = client.get("/screens").get_data(as_text=True)
    assert "12 plays rejected in the last 7 days" in listing
    assert "not in a playlist served to the screen (11)" in listing and "malformed (1)" in listing
    page = client.get("/screens/LIM-ARR-01").get_data(as_text=True)
    assert "12 plays rejected in the last 7 days" in page
    assert "none in the last 7 days" in client.get("/screens/LIM-GAT-01").get_data(as_text=True)
    clock_of(demo).set(NOW + timedelta(days=7))
    assert "plays rejected" not in client.get("/screens").get_data(as_text=True)


def test_two_batches_sent_at_once_cannot_both_claim_the_same_minutes(
    demo: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of one screen are checked one at a time: two made-up batches covering the same
    minutes, sent together, give one batch's plays and reject the other's as overlaps."""
    import threading
    import time

    from campaign.services import served_versions

    (token,) = _tokens(demo, "LIM-GAT-01")
    items = poll(demo, token, POLLED)["items"]
    clock_of(demo).set(NOW)
    first = plays_of(items, POLLED + timedelta(minutes=1), 30, gap_s=0.3)
    second = [{**play, "id": str(uuid.uuid4())} for play in first]
    reading = served_versions.versions_served

    def slow_reading(screen_id: int):  # type: ignore[no-untyped-def]
        found = reading(screen_id)
        time.sleep(0.3)  # both requests are past their reads before either writes, unless held
        return found

    monkeypatch.setattr(served_versions, "versions_served", slow_reading)
    answers: list[dict[str, object]] = []
    start = threading.Barrier(2)

    def send(batch: list[dict[str, object]]) -> None:
        start.wait()
        answers.append(_send(demo, token, batch))

    threads = [threading.Thread(target=send, args=(batch,)) for batch in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(a["accepted"] for a in answers) == [0, 30]  # type: ignore[type-var]
    refused = next(a for a in answers if a["accepted"] == 0)
    assert {r["reason"] for r in refused["rejected"]} == {"overlap"}  # type: ignore[attr-defined]
    assert _count(demo, PlayRecord) == 30
