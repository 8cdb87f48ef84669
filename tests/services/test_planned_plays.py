"""Planned plays walk the schedule exactly; a player that follows the loop rule delivers all of
it (actual == planned, no shortfall) and missing plays show as the shortfall."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import delete, select

from campaign.extensions import db
from campaign.persistence.network import Screen
from campaign.persistence.player import PlayRecord
from campaign.services.delivery_report import delivery_report
from campaign.services.planned_plays import planned_plays, starts_between
from campaign.services.report_filters import ReportFilter, parse_filter
from campaign.services.rollup import roll_up
from tests.services.delivery_week import (
    AFTER_THE_WEEK,
    LIMA,
    MONDAY,
    SLUG,
    SUNDAY,
    load_week,
    play_the_week,
    simulated_plays,
    store_plays,
)

# Counted by hand from the plan (tests/services/delivery_week.py), Lima time, no DST.
# Screen 01, every day: alpha alone 00:00-18:00 (120 s loop), alpha+beta 18:00-22:07 (300 s),
# alpha alone again 22:07 until 18:00 the next day: the same items, so that loop goes on
# across midnight (no restart), and the range ends at Monday 9 00:00.
#   Mon 00:00-18:00: 64,800 s / 120 = 540 alpha
#   each evening, 14,820 s: alpha at 0 + 300k < 14,820 → 50; beta at 120 + 300k → 49
#     (its 50th start would fall exactly at 22:07, when the loop changes: not counted)
#   22:07 → 18:00 next day, 71,580 s: ceil(71,580 / 120) = 597 alpha (Mon…Sat nights)
#   Sun 22:07-24:00, 6,780 s: 57 alpha
#   alpha 540 + 7·50 + 6·597 + 57 = 4,529; beta 7·49 = 343
# Screen 02: the same until Wednesday night, which ends at Thursday 00:00 (gamma starts):
#   Mon-Wed: alpha 540 + 3·50 + 2·597 + 57 = 1,941; beta 3·49 = 147
#   Thu 00:00-18:00, alpha+gamma (360 s): 64,800 / 360 = 180 each
#   evenings Thu-Sun, alpha+beta+gamma (540 s) over 14,820 s: alpha 28, beta 28, gamma 27
#   22:07 → 18:00 Thu-Sat nights, 71,580 s: alpha 199, gamma 199 (120 + 360k < 71,580)
#   Sun 22:07-24:00, 6,780 s: alpha 19, gamma 19
#   alpha 1,941 + 180 + 4·28 + 3·199 + 19 = 2,849; beta 147 + 4·28 = 259;
#   gamma 180 + 4·27 + 3·199 + 19 = 904
HAND_COUNT = {
    ("TST-HALL-01", "all-day-alpha"): 4529,
    ("TST-HALL-01", "evening-beta"): 343,
    ("TST-HALL-02", "all-day-alpha"): 2849,
    ("TST-HALL-02", "evening-beta"): 259,
    ("TST-HALL-02", "midweek-gamma"): 904,
}
PER_BOOKING = {"all-day-alpha": 7378, "evening-beta": 602, "midweek-gamma": 904}


@pytest.fixture
def week(app: Flask) -> Iterator[Flask]:
    load_week(app)
    with app.app_context():
        yield app


def week_filter(first: date = MONDAY, last: date = SUNDAY) -> ReportFilter:
    return parse_filter(
        user=None, today=date(2026, 11, 20), campaign=SLUG, date_from=first, date_to=last
    )


def by_booking(
    counts: dict[tuple[str, str | None, date], int],
) -> dict[tuple[str, str | None], int]:
    found: dict[tuple[str, str | None], int] = {}
    for (screen, booking, _day), plays in counts.items():
        found[screen, booking] = found.get((screen, booking), 0) + plays
    return found


def test_starts_are_counted_before_the_end_only() -> None:
    assert starts_between(0, 300, 0, 14_820) == 50
    assert starts_between(120, 300, 0, 14_820) == 49  # 120 + 49·300 = 14,820: not before it
    assert starts_between(120, 300, 0, 14_821) == 50
    assert starts_between(0, 120, 6_780, 71_580) == 540  # a later day of a loop begun before
    assert starts_between(500, 300, 0, 400) == 0


def test_planned_is_the_hand_count_of_the_synthetic_week(week: Flask) -> None:
    planned = planned_plays(week_filter())
    assert by_booking(planned.plays) == HAND_COUNT
    # A start counts on the local day it falls on: each day of screen 01 has 540 + 50 + 57.
    assert {
        day: plays
        for (screen, booking, day), plays in planned.plays.items()
        if screen == "TST-HALL-01" and booking == "all-day-alpha"
    } == {MONDAY + timedelta(days=n): 647 for n in range(7)}
    assert ("TST-HALL-02", "midweek-gamma", date(2026, 11, 4)) not in planned.plays
    assert planned.seconds["TST-HALL-01", "evening-beta", MONDAY] == 49 * 180


def test_a_player_following_the_rule_delivers_exactly_the_plan(week: Flask) -> None:
    play_the_week(week)
    report = delivery_report(week_filter(), at=AFTER_THE_WEEK, lang="es")
    assert {r.booking_key: (r.planned, r.actual) for r in report.bookings} == {
        key: (plays, plays) for key, plays in PER_BOOKING.items()
    }
    assert all(r.shortfall == 0 and r.delivered_pct == 100 for r in report.bookings)
    assert (report.total.planned, report.total.actual, report.total.shortfall) == (8884, 8884, 0)
    assert (report.fallback.planned, report.fallback.actual) == (0, 0)
    gamma = next(r for r in report.bookings if r.booking_key == "midweek-gamma")
    assert (gamma.message_key, gamma.headline, gamma.target) == (
        "gamma",
        "Gamma",
        "screen:TST-HALL-02",
    )
    assert gamma.where == "Terminal de prueba (TST): Hall principal"
    assert report.complete


def test_plays_missing_show_as_the_shortfall(week: Flask) -> None:
    play_the_week(week)
    wednesday = datetime(2026, 11, 4, 23, 0, tzinfo=UTC)  # 18:00 in Lima
    screen_id = db.session.scalar(select(Screen.id).where(Screen.code == "TST-HALL-01"))
    gone = db.session.scalars(
        select(PlayRecord.id)
        .where(PlayRecord.screen_id == screen_id, PlayRecord.booking_key == "evening-beta")
        .where(PlayRecord.started_at >= wednesday)
        .order_by(PlayRecord.started_at)
        .limit(10)
    ).all()
    db.session.execute(delete(PlayRecord).where(PlayRecord.id.in_(gone)))
    db.session.commit()
    report = delivery_report(week_filter(), at=AFTER_THE_WEEK, lang="es")
    rows = {r.booking_key: r for r in report.bookings}
    assert (rows["evening-beta"].planned, rows["evening-beta"].actual) == (602, 592)
    assert rows["evening-beta"].shortfall == 10
    assert rows["evening-beta"].delivered_pct == 98.3
    assert rows["all-day-alpha"].shortfall == 0
    assert report.total.shortfall == 10


def test_more_plays_than_planned_is_no_shortfall(week: Flask) -> None:
    play_the_week(week)
    extra = simulated_plays("TST-HALL-01", SUNDAY, SUNDAY)[:5]
    store_plays(
        week, "TST-HALL-01", [(k, m, at + timedelta(seconds=1), s) for k, m, at, s in extra]
    )
    report = delivery_report(week_filter(), at=AFTER_THE_WEEK, lang="es")
    alpha = next(r for r in report.bookings if r.booking_key == "all-day-alpha")
    assert (alpha.actual - alpha.planned, alpha.shortfall) == (5, 0)
    assert alpha.delivered_pct == round(100 * 7383 / 7378, 1)


def test_rolled_up_days_count_the_same_as_the_records(week: Flask) -> None:
    play_the_week(week)
    # The nightly run of Wednesday 11 November rolls up the 14 days before it: the whole week.
    roll_up(datetime(2026, 11, 11, 8, 0, tzinfo=UTC))
    report = delivery_report(week_filter(), at=AFTER_THE_WEEK, lang="es")
    assert {r.booking_key: r.actual for r in report.bookings} == PER_BOOKING
    assert report.total.shortfall == 0


def test_planned_stops_at_now_in_a_range_not_over(week: Flask) -> None:
    noon_wednesday = datetime(2026, 11, 4, 12, 0, tzinfo=LIMA).astimezone(UTC)
    planned = planned_plays(week_filter(), until=noon_wednesday)
    counts = by_booking(planned.plays)
    # Monday and Tuesday whole (647 each); Wednesday 00:00-12:00 continues Tuesday night's
    # loop (begun at 22:07, so its starts fall at 00:01, 00:03, …): 60 + 120k < 43,200 → 360.
    assert counts["TST-HALL-01", "all-day-alpha"] == 2 * 647 + 360
    assert counts["TST-HALL-01", "evening-beta"] == 2 * 49
    report = delivery_report(week_filter(), at=noon_wednesday, lang="es")
    assert not report.complete and report.planned_until == noon_wednesday


def test_the_fallback_is_planned_apart(week: Flask) -> None:
    # Monday 9 and Tuesday 10: the phase runs, nothing is booked: the fallback (alpha, 10 s).
    report = delivery_report(
        week_filter(date(2026, 11, 9), date(2026, 11, 10)), at=AFTER_THE_WEEK, lang="es"
    )
    assert report.bookings == ()
    assert report.fallback.planned == 2 * 2 * 86_400 // 10
    assert report.fallback.actual == 0
    assert report.total.planned == 0
