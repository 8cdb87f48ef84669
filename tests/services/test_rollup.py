"""The nightly roll-up of plays: per local day at the hub, made again whole, fast on many plays."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, insert, select, text

from campaign.extensions import db
from campaign.persistence.network import Hub, Screen, Zone
from campaign.persistence.player import PlayRecord, PlayRollup
from campaign.services.rollup import roll_up

# 03:00 in Lima and 09:00 in Madrid on 28 November 2026: the 27th is complete at both.
AT = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def _network(app: Flask) -> dict[str, int]:
    """Two hubs in two timezones (Madrid has summer time), a zone and a screen each."""
    screens = {}
    with app.app_context():
        for code, timezone in (("LIM", "America/Lima"), ("MAD", "Europe/Madrid")):
            hub = Hub(code=code, name=code, kind="airport", timezone=timezone)
            zone = Zone(hub=hub, code="ARR", name="Arrivals")
            screen = Screen(
                zone=zone, code=f"{code}-ARR-01", orientation="landscape", width=1920, height=1080
            )
            db.session.add_all([hub, zone, screen])
            db.session.commit()
            screens[code] = screen.id
    return screens


def _play(
    screen_id: int,
    started_at: datetime,
    *,
    message: str = "m1",
    lang: str | None = "es",
    campaign: str | None = "peru",
    duration: float = 10.0,
    booking: str | None = None,
) -> dict[str, object]:
    return {
        "screen_id": screen_id,
        "play_id": uuid.uuid4(),
        "item_id": f"{campaign}:{message}:{lang}",
        "campaign": campaign,
        "message_key": message,
        "message_version": 1,
        "lang": lang,
        "started_at": started_at,
        "duration_s": duration,
        "booking_key": booking,
        "received_at": started_at,
    }


def _store(app: Flask, plays: list[dict[str, object]]) -> None:
    with app.app_context():
        db.session.execute(insert(PlayRecord), plays)
        db.session.commit()


def _rollups(app: Flask) -> set[tuple[object, ...]]:
    with app.app_context():
        rows = db.session.execute(
            select(
                PlayRollup.day,
                PlayRollup.hub_code,
                PlayRollup.zone_code,
                PlayRollup.campaign,
                PlayRollup.message_key,
                PlayRollup.lang,
                PlayRollup.plays,
                PlayRollup.seconds,
            )
        ).all()
    return {tuple(row) for row in rows}


def _roll_up(app: Flask, at: datetime = AT):  # type: ignore[no-untyped-def]
    with app.app_context():
        return roll_up(at)


def test_plays_are_counted_on_the_local_day_at_their_hub(app: Flask) -> None:
    screens = _network(app)
    lim, mad = screens["LIM"], screens["MAD"]
    _store(
        app,
        [
            _play(lim, datetime(2026, 11, 27, 4, 59, tzinfo=UTC)),  # 23:59 on the 26th in Lima
            _play(lim, datetime(2026, 11, 27, 5, 0, tzinfo=UTC)),  # midnight: the 27th
            _play(lim, datetime(2026, 11, 27, 20, 0, tzinfo=UTC), duration=12.5),
            _play(lim, datetime(2026, 11, 28, 6, 0, tzinfo=UTC)),  # the 28th: not over yet
            _play(mad, datetime(2026, 11, 26, 23, 30, tzinfo=UTC)),  # 00:30 on the 27th there
            _play(mad, datetime(2026, 11, 27, 10, 0, tzinfo=UTC), lang=None, campaign=None),
        ],
    )
    _roll_up(app)
    assert _rollups(app) == {
        (date(2026, 11, 26), "LIM", "ARR", "peru", "m1", "es", 1, 10.0),
        (date(2026, 11, 27), "LIM", "ARR", "peru", "m1", "es", 2, 22.5),
        (date(2026, 11, 27), "MAD", "ARR", "peru", "m1", "es", 1, 10.0),
        (date(2026, 11, 27), "MAD", "ARR", "", "m1", "", 1, 10.0),
    }


def test_two_bookings_of_one_message_on_one_screen_are_two_rows(app: Flask) -> None:
    lim = _network(app)["LIM"]
    day = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # 10:00 on the 27th in Lima
    _store(
        app,
        [
            _play(lim, day, booking="november-push"),
            _play(lim, day + timedelta(minutes=1), booking="november-push"),
            _play(lim, day + timedelta(minutes=2), booking="partner-week", duration=12.0),
            _play(lim, day + timedelta(minutes=3)),  # a fallback play: no booking
        ],
    )
    _roll_up(app)
    with app.app_context():
        rows = db.session.execute(
            select(PlayRollup.message_key, PlayRollup.booking_key, PlayRollup.plays)
            .where(PlayRollup.day == date(2026, 11, 27))
            .order_by(PlayRollup.booking_key)
        ).all()
    assert [tuple(row) for row in rows] == [
        ("m1", "", 1),
        ("m1", "november-push", 2),
        ("m1", "partner-week", 1),
    ]


def test_rolling_up_twice_or_late_gives_the_same_rows(app: Flask) -> None:
    screens = _network(app)
    start = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    _store(
        app,
        [
            _play(screens[code], start + timedelta(hours=5 * n), message=f"m{n % 3}")
            for code in screens
            for n in range(30)
        ],
    )
    first = _roll_up(app)
    rows = _rollups(app)
    assert first.rows == len(rows) > 0
    again = _roll_up(app)
    late = _roll_up(app, AT + timedelta(hours=4))  # 07:00 in Lima: the same complete days
    assert _rollups(app) == rows
    assert again.rows == late.rows == first.rows and again.plays == first.plays


def test_a_late_batch_is_counted_the_next_night(app: Flask) -> None:
    lim = _network(app)["LIM"]
    day = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
    _store(app, [_play(lim, day)])
    _roll_up(app)
    _store(app, [_play(lim, day + timedelta(minutes=m)) for m in (1, 2)])  # a screen back online
    _roll_up(app, AT + timedelta(days=1))
    assert (date(2026, 11, 25), "LIM", "ARR", "peru", "m1", "es", 3, 30.0) in _rollups(app)


def test_an_old_day_is_rolled_up_once_and_then_left_alone(app: Flask) -> None:
    mad = _network(app)["MAD"]
    # Madrid's clocks went back on 25 October 2026: the day has 25 hours, both plays are in it.
    old = [datetime(2026, 10, 24, 22, 30, tzinfo=UTC), datetime(2026, 10, 25, 22, 30, tzinfo=UTC)]
    _store(app, [_play(mad, at) for at in old])
    result = _roll_up(app)
    assert (date(2026, 10, 25), "MAD", "ARR", "peru", "m1", "es", 2, 20.0) in _rollups(app)
    assert result.first_day == date(2026, 10, 25)
    _store(app, [_play(mad, old[0] + timedelta(hours=1))])
    again = _roll_up(app)
    assert (date(2026, 10, 25), "MAD", "ARR", "peru", "m1", "es", 2, 20.0) in _rollups(app)
    assert again.first_day == AT.date() - timedelta(days=14)  # only the last 14 days remade


# Many plays made by the database itself, so that only the roll-up takes time: one every 5 s
# from 14 November 06:00 UTC (11.6 days, within the last 14 complete days at both hubs).
_MANY = {
    "sqlite": """
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :count - 1)
        INSERT INTO play_records (screen_id, play_id, item_id, campaign, message_key,
            message_version, lang, started_at, duration_s, received_at)
        SELECT CASE i % 2 WHEN 0 THEN :first ELSE :second END, lower(hex(randomblob(16))), 'x',
            'peru', 'm' || (i % 40), 1, CASE i % 3 WHEN 0 THEN 'es' WHEN 1 THEN 'en' ELSE 'es+en'
            END, strftime('%Y-%m-%d %H:%M:%S', :epoch + 5 * i, 'unixepoch') || '.000000', 10.0,
            strftime('%Y-%m-%d %H:%M:%S', :epoch + 5 * i, 'unixepoch') || '.000000'
        FROM n""",
    "postgresql": """
        INSERT INTO play_records (screen_id, play_id, item_id, campaign, message_key,
            message_version, lang, started_at, duration_s, received_at)
        SELECT CASE i % 2 WHEN 0 THEN :first ELSE :second END, gen_random_uuid(), 'x', 'peru',
            'm' || (i % 40), 1, CASE i % 3 WHEN 0 THEN 'es' WHEN 1 THEN 'en' ELSE 'es+en' END,
            to_timestamp(:epoch + 5 * i), 10.0, to_timestamp(:epoch + 5 * i)
        FROM generate_series(0, :count - 1) AS i""",
}


@pytest.mark.slow
def test_two_hundred_thousand_plays_roll_up_in_seconds(app: Flask) -> None:
    first, second = _network(app).values()
    epoch = int(datetime(2026, 11, 14, 6, 0, tzinfo=UTC).timestamp())
    with app.app_context():
        many = _MANY[db.engine.dialect.name]
        db.session.execute(
            text(many), {"count": 200_000, "first": first, "second": second, "epoch": epoch}
        )
        db.session.commit()
    began = time.perf_counter()
    result = _roll_up(app)
    took = time.perf_counter() - began
    assert result.plays == 200_000
    with app.app_context():
        assert db.session.scalar(select(func.sum(PlayRollup.seconds))) == 2_000_000
    assert took < 15, f"rolling up 200k plays took {took:.1f} s"
