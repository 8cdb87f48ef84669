"""Proof of play that can be believed: the rules on one batch, and what record_plays keeps."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from campaign.extensions import db
from campaign.persistence.network import Hub, Screen, Zone
from campaign.persistence.player import HeartbeatHour, PlayRecord, RejectedPlay, ServedVersion
from campaign.services import play_checks, player, rejected_plays, served_versions
from campaign.services.generation import current_generation
from campaign.services.play_checks import Rules, ServedHistory, Timeline

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
SERVED = NOW - timedelta(hours=2)  # when the screen got its first loop
ITEM, OTHER = "peru/zero-tolerance.v1.es", "peru/recognise-the-signs.v1.es"
RULES = Rules(skew_s=120, transition_s=1.5)


def _play(start: datetime, *, item: str = ITEM, duration: float = 10) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "item_id": item,
        "started_at": start.isoformat(),
        "duration_s": duration,
    }


def _parsed(start: datetime, *, item: str = ITEM, duration: float = 10) -> play_checks.Play:
    return play_checks.parse_play(_play(start, item=item, duration=duration))


# --- the rules, without a database ------------------------------------------------------------


def test_an_item_counts_only_if_served_and_only_from_when_it_was() -> None:
    history = ServedHistory([(SERVED, {ITEM: "b1"})])

    def reason(start: datetime, item: str = ITEM) -> str | None:
        verdict = play_checks.check_served(_parsed(start, item=item), history, NOW, RULES)
        return verdict.reason if isinstance(verdict, play_checks.Rejection) else None

    assert reason(SERVED) is None
    assert reason(SERVED - timedelta(seconds=119)) is None  # the screen's clock a little slow
    assert reason(SERVED - timedelta(seconds=121)) == "before-served"
    assert reason(datetime(1970, 1, 1, tzinfo=UTC)) == "before-served"
    assert reason(NOW + timedelta(seconds=119)) is None
    assert reason(NOW + timedelta(seconds=121)) == "future"
    assert reason(SERVED, item=OTHER) == "not-served"
    assert reason(SERVED, item="another-campaign/its-message.v1.es") == "not-served"


def test_the_booking_is_the_latest_version_served_by_the_start() -> None:
    later = SERVED + timedelta(hours=1)
    history = ServedHistory(
        [(later, {ITEM: "december", OTHER: None}), (SERVED, {ITEM: "november"})]
    )
    assert history.first_served(ITEM) == SERVED.timestamp()
    assert history.first_served("never") is None
    play = _parsed(SERVED + timedelta(minutes=30))
    assert play_checks.check_served(play, history, NOW, RULES) == "november"
    play = _parsed(later + timedelta(seconds=1))
    assert play_checks.check_served(play, history, NOW, RULES) == "december"
    # Within the skew of the later serving, the later version is taken.
    play = _parsed(later - timedelta(seconds=60))
    assert play_checks.check_served(play, history, NOW, RULES) == "december"
    # A fallback item has no booking; one served only later is not believed before then.
    assert play_checks.check_served(_parsed(later, item=OTHER), history, NOW, RULES) is None
    early = play_checks.check_served(_parsed(SERVED, item=OTHER), history, NOW, RULES)
    assert isinstance(early, play_checks.Rejection) and early.reason == "before-served"


def test_overlap_within_a_transition_is_allowed_and_beyond_it_is_not() -> None:
    timeline = Timeline([(1000.0, 10.0)], transition_s=1.5)
    assert not timeline.overlaps(1010.0, 10)  # right after
    assert not timeline.overlaps(1008.5, 10)  # a cross-fade of 1.5 s
    assert timeline.overlaps(1008.4, 10)  # 1.6 s
    assert timeline.overlaps(1000.0, 10)  # the same instant
    assert timeline.overlaps(995.0, 30)  # around it
    assert not timeline.overlaps(990.0, 10) and not timeline.overlaps(1000 - 3600, 3600)
    timeline.add(1010.0, 3600)
    assert timeline.overlaps(4000.0, 5)  # inside a long play added since


def test_windows_merge_the_batch_into_the_spans_to_read() -> None:
    start = NOW - timedelta(hours=1)
    near = [_parsed(start + timedelta(seconds=10 * n)) for n in range(100)]
    far = _parsed(start - timedelta(days=3))
    spans = play_checks.windows([*near, far])
    assert len(spans) == 2
    assert spans[0] == (far.started_at - timedelta(hours=1), far.started_at + timedelta(seconds=10))
    assert spans[1] == (start - timedelta(hours=1), start + timedelta(seconds=1000))


# --- record_plays against the database --------------------------------------------------------


@pytest.fixture
def screen(app: Flask) -> int:
    with app.app_context():
        hub = Hub(code="LIM", name="Lima", kind="airport", timezone="America/Lima")
        zone = Zone(hub=hub, code="ARR", name="Arrivals")
        row = Screen(zone=zone, code="LIM-ARR-01", orientation="landscape", width=1920, height=1080)
        db.session.add_all([hub, zone, row])
        db.session.commit()
        served_versions.note_served(row.id, "v1", {ITEM: "b1", OTHER: None}, SERVED)
        return row.id


def _count(model: type, **where: object) -> int:
    query = select(func.count()).select_from(model).filter_by(**where)
    return db.session.scalar(query) or 0


def test_a_batch_keeps_what_counts_and_the_rest_with_its_reason(app: Flask, screen: int) -> None:
    start = SERVED + timedelta(minutes=5)
    batch = [
        _play(start),
        _play(start + timedelta(seconds=10), item=OTHER),
        _play(start + timedelta(seconds=5)),  # overlaps the first by 5 s
        _play(start + timedelta(seconds=19)),  # overlaps the second by 1 s: a cross-fade
        _play(datetime(1970, 1, 1, tzinfo=UTC)),
        _play(start + timedelta(seconds=40), item="invented/slide.v9.es"),
        _play(NOW + timedelta(hours=1)),
        {"id": "x", "item_id": ITEM},
    ]
    with app.app_context():
        result = player.record_plays(screen, batch, now=NOW)
        assert result.accepted == 3 and result.duplicates == 0
        reasons = [(r["index"], r["reason"]) for r in result.rejected]
        assert reasons == [
            (2, "overlap"),
            (4, "before-served"),
            (5, "not-served"),
            (6, "future"),
            (7, "malformed"),
        ]
        kept = dict(db.session.execute(select(RejectedPlay.reason, RejectedPlay.item_id)).all())
        assert kept["not-served"] == "invented/slide.v9.es" and len(kept) == 5
        bookings = db.session.execute(
            select(PlayRecord.item_id, PlayRecord.booking_key).order_by(PlayRecord.started_at)
        ).all()
        assert bookings == [(ITEM, "b1"), (OTHER, None), (ITEM, "b1")]


def test_hostile_values_are_rejected_and_kept_not_errors(app: Flask, screen: int) -> None:
    batch = [
        {**_play(SERVED), "started_at": "0001-01-01T00:00:00+05:00"},  # before UTC's first day
        {**_play(SERVED), "item_id": "peru/zero\u0000tolerance.v1.es"},  # NUL: no database takes it
        {**_play(SERVED), "duration_s": float("nan")},
        {**_play(SERVED), "item_id": ["a list"], "started_at": 5},
        {**_play(SERVED), "started_at": "9999-12-31T23:59:59Z"},
    ]
    with app.app_context():
        result = player.record_plays(screen, batch, now=NOW)
        assert [r["reason"] for r in result.rejected] == [
            "malformed",
            "malformed",
            "malformed",
            "malformed",
            "future",
        ]
        assert result.stored_rejections == 5
        kept = db.session.scalars(select(RejectedPlay.item_id).order_by(RejectedPlay.id)).all()
        assert kept == [ITEM, "peru/zerotolerance.v1.es", ITEM, "", ITEM]


def test_a_version_served_after_the_play_started_rejects_it(app: Flask, screen: int) -> None:
    with app.app_context():
        later = SERVED + timedelta(hours=1)
        served_versions.note_served(screen, "v2", {"peru/new.v1.es": "b2"}, later)
        early = _play(later - timedelta(minutes=10), item="peru/new.v1.es")
        on_time = _play(later + timedelta(minutes=10), item="peru/new.v1.es")
        result = player.record_plays(screen, [early, on_time], now=NOW)
        assert result.accepted == 1
        assert [r["reason"] for r in result.rejected] == ["before-served"]
        assert db.session.scalar(select(PlayRecord.booking_key)) == "b2"


def test_overlap_with_plays_already_stored_and_the_first_of_two_at_once_counts(
    app: Flask, screen: int
) -> None:
    start = SERVED + timedelta(minutes=5)
    with app.app_context():
        first = player.record_plays(screen, [_play(start), _play(start)], now=NOW)
        assert (first.accepted, [r["reason"] for r in first.rejected]) == (1, ["overlap"])
        later = player.record_plays(
            screen,
            [_play(start + timedelta(seconds=3)), _play(start + timedelta(seconds=8.5))],
            now=NOW,
        )
        assert later.accepted == 1 and [r["index"] for r in later.rejected] == [0]
        assert _count(PlayRecord) == 2


def test_a_resent_batch_is_answered_the_same_and_stored_once(app: Flask, screen: int) -> None:
    start = SERVED + timedelta(minutes=5)
    batch = [_play(start), _play(start), _play(start, item="nope"), {"id": 1}]
    with app.app_context():
        first = player.record_plays(screen, batch, now=NOW)
        again = player.record_plays(screen, batch, now=NOW + timedelta(minutes=1))
        assert (first.accepted, first.duplicates) == (1, 0)
        assert (again.accepted, again.duplicates) == (0, 1)
        assert again.rejected == first.rejected
        assert [r["reason"] for r in first.rejected] == ["overlap", "not-served", "malformed"]
        assert _count(PlayRecord) == 1
        # The rejected plays with an id are kept once; the one without an id cannot be told apart.
        assert _count(RejectedPlay, reason="overlap") == _count(RejectedPlay, reason="not-served")
        assert _count(RejectedPlay, reason="overlap") == 1


def test_a_batch_stored_meanwhile_by_another_request_is_duplicates(
    app: Flask, screen: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = SERVED + timedelta(minutes=5)
    batch = [_play(start), _play(start + timedelta(seconds=10))]
    with app.app_context():
        assert player.record_plays(screen, batch, now=NOW).accepted == 2
        # The same batch, in a request that read the play ids before the first one committed.
        monkeypatch.setattr(player, "_stored", lambda *_: set())
        again = player.record_plays(screen, [*batch, _play(start + timedelta(seconds=5))], now=NOW)
        assert (again.accepted, again.duplicates) == (0, 2)
        assert [r["reason"] for r in again.rejected] == ["overlap"]  # the new one still is


def test_a_resent_rejected_play_keeps_its_first_reason(app: Flask, screen: int) -> None:
    with app.app_context():
        early = _play(SERVED + timedelta(minutes=5), item="peru/new.v1.es")
        assert player.record_plays(screen, [early], now=NOW).rejected[0]["reason"] == "not-served"
        # The slide is served since: the play is still not believed, for the same reason.
        served_versions.note_served(screen, "v2", {"peru/new.v1.es": None}, SERVED)
        again = player.record_plays(screen, [early], now=NOW)
        assert (again.accepted, again.rejected[0]["reason"]) == (0, "not-served")
        assert _count(RejectedPlay) == 1 and _count(PlayRecord) == 0


def test_what_one_screen_can_store_a_day_is_capped(
    app: Flask, screen: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rejected_plays, "MAX_STORED_PER_DAY", 5)
    junk = [_play(SERVED, item=f"nope/{n}.v1.es") for n in range(4)]
    with app.app_context():
        first = player.record_plays(screen, junk, now=NOW)
        resent = player.record_plays(screen, junk, now=NOW)  # known already: nothing more kept
        more = [_play(SERVED, item=f"more/{n}.v1.es") for n in range(4)]
        third = player.record_plays(screen, more, now=NOW)
        stored = (first.stored_rejections, resent.stored_rejections, third.stored_rejections)
        assert stored == (4, 0, 1)
        assert len(third.rejected) == 4  # every one is still answered
        assert _count(RejectedPlay) == 5
        # The next UTC day has room again.
        tomorrow = player.record_plays(screen, more, now=NOW + timedelta(days=1))
        assert tomorrow.stored_rejections == 3


def test_rejected_counts_per_screen_and_reason(app: Flask, screen: int) -> None:
    with app.app_context():
        player.record_plays(screen, [_play(SERVED, item="nope"), {"id": 2}], now=NOW)
        player.record_plays(screen, [_play(SERVED, item="nope")], now=NOW - timedelta(days=9))
        assert rejected_plays.rejected_counts(None, None, None) == {
            screen: {"not-served": 2, "malformed": 1}
        }
        week = NOW - timedelta(days=7)
        assert rejected_plays.rejected_counts([screen], week, None) == {
            screen: {"not-served": 1, "malformed": 1}
        }
        assert rejected_plays.rejected_counts([screen], None, week) == {screen: {"not-served": 1}}
        assert rejected_plays.rejected_counts([screen + 1], None, None) == {}
        assert rejected_plays.rejected_counts([], None, None) == {}


def test_heartbeats_count_per_utc_hour(app: Flask, screen: int) -> None:
    with app.app_context():
        for at in (NOW + timedelta(minutes=59), NOW + timedelta(minutes=1), NOW):
            player.record_heartbeat(screen, {}, now=at)
        player.record_heartbeat(screen, {}, now=NOW + timedelta(hours=1, seconds=5))
        beats = HeartbeatHour
        hours = db.session.execute(
            select(beats.hour, beats.beats, beats.first_at, beats.last_at).order_by(beats.hour)
        ).all()
        assert [tuple(row) for row in hours] == [
            (NOW, 3, NOW, NOW + timedelta(minutes=59)),
            (NOW + timedelta(hours=1), 1, *(2 * [NOW + timedelta(hours=1, seconds=5)])),
        ]


def test_serving_plays_and_heartbeats_move_no_content_generation(app: Flask, screen: int) -> None:
    with app.app_context():
        before = current_generation()
        served_versions.note_served(screen, "v9", {ITEM: None}, NOW)
        player.record_plays(screen, [_play(SERVED), _play(SERVED, item="nope")], now=NOW)
        player.record_heartbeat(screen, {"playing_version": "v9"}, now=NOW)
        assert current_generation() == before
        assert _count(ServedVersion) == 2


def test_the_first_serving_is_kept(app: Flask, screen: int) -> None:
    with app.app_context():
        assert served_versions.note_served(screen, "v1", {"other": None}, NOW)
        assert served_versions.versions_served(screen) == [(SERVED, {ITEM: "b1", OTHER: None})]


def test_a_serving_the_database_refuses_is_logged_not_raised(
    app: Flask, screen: int, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(_conn, _cursor, statement: str, *_args: object) -> None:  # type: ignore[no-untyped-def]
        if "served_versions" in statement:
            raise OperationalError(statement, {}, Exception("database is locked"))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", refuse)
        try:
            with caplog.at_level(logging.WARNING):
                assert not served_versions.note_served(screen, "v2", {ITEM: None}, NOW)
        finally:
            event.remove(db.engine, "before_cursor_execute", refuse)
        assert "database is locked" in caplog.text and "v2" in caplog.text
        assert served_versions.note_served(screen, "v2", {ITEM: None}, NOW)  # the session works
        assert _count(ServedVersion) == 2
