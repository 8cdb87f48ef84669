"""Reports match figures worked out by hand on a fixed set of plays (see report_fixture)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import update

from campaign.extensions import db
from campaign.persistence.player import PlayRecord
from campaign.services import reports
from campaign.services.errors import Invalid
from campaign.services.report_filters import ReportFilter, parse_filter
from tests.conftest import DEMO_TODAY
from tests.services.report_fixture import AT, load_report_fixture, phase_id, screen_ids

# The hand count, for 2026-11-25..28 (Lima days), no phase, no hub:
#   rolled up   26th LIM-ARR-01 zero-tolerance es 100 (1000 s) + es 10 (100 s) + en 50 (500 s)
#               27th LIM-DEP-01 recognise-the-signs es+en 30 (450 s)
#               27th CUZ-ARR-01 zero-tolerance es 20 (200 s)              -> 210 plays, 2250 s
#   records     28th LIM-ARR-01 zero-tolerance es 10 s + es 10 s + en 12.5 s
#               28th LIM-DEP-01 recognise-the-signs es+en 15 s
#               28th CUZ-ARR-01 zero-tolerance en 10 s
#               27th LIM-GAT-01 where-to-report es 8 s (never rolled up)     -> 6 plays, 65.5 s
#   not counted the other campaign's rows, the three records of the rolled-up 26th, the record of
#               22:00 on the 27th in Lima (03:00 UTC on the 28th: a rolled-up day), the 20th,
#               and every rejected play.


@pytest.fixture
def figures(demo: Flask) -> Flask:
    with demo.app_context():
        load_report_fixture()
    return demo


def _filter(**asked: object) -> ReportFilter:
    asked.setdefault("date_from", "2026-11-25")
    asked.setdefault("date_to", "2026-11-28")
    return parse_filter(user=None, today=DEMO_TODAY, **asked)  # type: ignore[arg-type]


def _table(figures: tuple[reports.Figure, ...]) -> dict[str, tuple[int, float]]:
    return {f.key: (f.plays, f.seconds) for f in figures}


def test_every_dimension_matches_the_hand_count(figures: Flask) -> None:
    with figures.app_context():
        report = reports.play_report(_filter(), at=AT, lang="en")
    assert (report.total.plays, report.total.seconds) == (216, 2315.5)
    assert (report.rolled_up_plays, report.recent_plays) == (210, 6)
    assert _table(report.by_message) == {
        "zero-tolerance": (184, 1842.5),
        "recognise-the-signs": (31, 465.0),
        "where-to-report": (1, 8.0),
    }
    assert [f.key for f in report.by_message] == [
        "zero-tolerance",
        "recognise-the-signs",
        "where-to-report",
    ]  # most plays first
    assert _table(report.by_lang) == {"es": (133, 1328.0), "en": (52, 522.5), "es+en": (31, 465.0)}
    assert _table(report.by_hub) == {"LIM": (195, 2105.5), "CUZ": (21, 210.0)}
    assert _table(report.by_zone) == {
        "LIM/ARR": (163, 1632.5),
        "LIM/DEP": (31, 465.0),
        "LIM/GAT": (1, 8.0),
        "CUZ/ARR": (21, 210.0),
    }
    assert _table(report.by_screen) == {
        "LIM-ARR-01": (163, 1632.5),
        "LIM-DEP-01": (31, 465.0),
        "LIM-GAT-01": (1, 8.0),
        "CUZ-ARR-01": (21, 210.0),
    }
    assert _table(report.by_day) == {
        "2026-11-25": (0, 0.0),
        "2026-11-26": (160, 1600.0),
        "2026-11-27": (51, 658.0),
        "2026-11-28": (5, 57.5),
    }
    assert [f.key for f in report.by_day] == sorted(f.key for f in report.by_day)


def test_labels_are_in_the_readers_language(figures: Flask) -> None:
    with figures.app_context():
        english = reports.play_report(_filter(), at=AT, lang="en")
        spanish = reports.play_report(_filter(), at=AT, lang="es")
    assert english.by_message[0].label == "Zero tolerance for human trafficking"
    assert spanish.by_message[0].label == "Tolerancia cero a la trata de personas"
    assert {f.key: f.label for f in english.by_lang}["es+en"] == "Spanish + English"
    assert {f.key: f.label for f in spanish.by_lang}["es+en"] == "español + inglés"
    assert {f.key: f.label for f in english.by_hub}[
        "LIM"
    ] == "Aeropuerto Internacional Jorge Chávez"
    assert {f.key: f.label for f in english.by_zone}["CUZ/ARR"] == "Llegadas Cusco"
    assert english.by_day[1].label == "Nov 26, 2026"


def test_the_phase_keeps_its_hubs_and_its_days(figures: Flask) -> None:
    with figures.app_context():
        one = phase_id(1)  # LIM only, 2026-11-07 to 2027-02-05
        within = reports.play_report(_filter(phase=one), at=AT)
        whole = reports.play_report(
            parse_filter(user=None, today=DEMO_TODAY, phase=one), at=AT, lang="en"
        )
        clipped = reports.play_report(_filter(phase=one, date_from="2026-11-01"), at=AT)
        with pytest.raises(Invalid) as outside:
            reports.play_report(_filter(phase=phase_id(2)), at=AT)
    assert _table(within.by_hub) == {"LIM": (195, 2105.5)}
    assert within.hub_codes == ("LIM",)
    # The phase's own days: the 20th counts too (7 plays), Cusco never.
    assert (whole.date_from, whole.date_to) == (date(2026, 11, 7), date(2027, 2, 5))
    assert whole.total.plays == 195 + 7 and len(whole.by_day) == 91
    assert clipped.date_from == date(2026, 11, 7) and clipped.total.plays == 202
    assert getattr(outside.value, "field", None) == "from"


def test_hub_and_date_filters(figures: Flask) -> None:
    with figures.app_context():
        cusco = reports.play_report(_filter(hub="cuz"), at=AT)
        one_day = reports.play_report(_filter(date_from="2026-11-27", date_to="2026-11-27"), at=AT)
        today = reports.play_report(_filter(date_from="2026-11-28"), at=AT)
    assert (cusco.total.plays, cusco.total.seconds) == (21, 210.0)
    assert _table(cusco.by_day)["2026-11-28"] == (1, 10.0)
    assert (one_day.total.plays, one_day.total.seconds) == (51, 658.0)
    assert one_day.rolled_up_plays == 50 and one_day.recent_plays == 1
    assert (today.total.plays, today.rolled_up_plays) == (5, 0)


def test_a_day_rolled_up_later_is_not_counted_twice(figures: Flask) -> None:
    """After the nightly run of the 29th, the 28th comes from the roll-up: the same totals."""
    from datetime import timedelta

    from campaign.services.rollup import roll_up

    with figures.app_context():
        before = reports.play_report(_filter(date_to="2026-11-29"), at=AT + timedelta(days=1))
        roll_up(AT + timedelta(days=1), window_days=1)  # remakes the 28th only
        after = reports.play_report(_filter(date_to="2026-11-29"), at=AT + timedelta(days=1))
    assert before.total == after.total
    assert _table(before.by_message) == _table(after.by_message)
    assert after.rolled_up_plays == before.rolled_up_plays + 5


def test_uptime_from_the_heartbeats(figures: Flask) -> None:
    with figures.app_context():
        uptime = reports.uptime_report(_filter(date_from="2026-11-28", hub="LIM"), at=AT)
    screens = {s.screen_code: s for s in uptime.screens}
    arrivals = screens["LIM-ARR-01"]
    # Twelve hours of the 28th in Lima have ended (05:00 to 17:00 UTC): 1 + 0.5 + 1 + 1 up.
    assert (arrivals.hours, arrivals.up_hours) == (12, 3.5)
    assert arrivals.share == pytest.approx(3.5 / 12)
    assert screens["LIM-DEP-01"].share == pytest.approx(1 / 12)
    assert screens["LIM-GAT-01"].share == 0
    (lima,) = uptime.hubs
    assert (lima.screens, lima.hours, lima.up_hours) == (6, 72, 4.5)
    assert lima.share == pytest.approx(0.0625) and uptime.share == pytest.approx(0.0625)


def test_audience_estimate_only_where_the_hub_has_passengers(figures: Flask) -> None:
    with figures.app_context():
        found = {a.hub_code: a for a in reports.audience_estimates(_filter(), at=AT)}
        phase_three = reports.audience_estimates(
            _filter(phase=phase_id(3), date_from=None, date_to=None), at=AT
        )
    # Lima: 24,000,000 a year, played on the 26th, 27th and 28th.
    assert found["LIM"].days_with_plays == 3
    assert found["LIM"].estimate == round(24_000_000 / 365 * 3) == 197_260
    # Cusco: 3,650,000 a year (10,000 a day), played on the 27th and 28th.
    assert (found["CUZ"].days_with_plays, found["CUZ"].estimate) == (2, 20_000)
    assert found["AQP"].yearly_passengers is None and found["AQP"].estimate is None
    assert {a.hub_code: a.estimate for a in phase_three}["PUN-DES"] is None


def test_rejected_plays_are_listed_and_never_counted(figures: Flask) -> None:
    with figures.app_context():
        rejected = reports.rejected_plays(_filter(), at=AT)
        report = reports.play_report(_filter(), at=AT)
    assert [(r.screen_code, r.reason, r.plays) for r in rejected] == [
        ("LIM-ARR-01", "not-served", 1),
        ("LIM-ARR-01", "overlap", 2),
    ]
    assert report.total.plays == 216


def test_plays_by_booking_add_up_to_the_screens_and_the_days(figures: Flask) -> None:
    with figures.app_context():
        counted = reports.plays_by_booking(_filter(), at=AT)
        report = reports.play_report(_filter(), at=AT, lang="en")
        cusco = reports.plays_by_booking(_filter(hub="CUZ"), at=AT)
    nov = lambda d: date(2026, 11, d)  # noqa: E731
    assert counted == {
        # The roll-up of the 26th: one message, one language, two bookings apart ("" is none).
        ("LIM-ARR-01", "b1", nov(26)): 100,
        ("LIM-ARR-01", "b2", nov(26)): 10,
        ("LIM-ARR-01", None, nov(26)): 50,
        ("LIM-DEP-01", None, nov(27)): 30,
        ("CUZ-ARR-01", None, nov(27)): 20,
        ("LIM-GAT-01", None, nov(27)): 1,  # never rolled up: from the records
        ("LIM-ARR-01", None, nov(28)): 3,  # today, from the records
        ("LIM-DEP-01", None, nov(28)): 1,
        ("CUZ-ARR-01", None, nov(28)): 1,
    }
    by_screen: dict[str, int] = {}
    by_day: dict[str, int] = {}
    for (screen, _booking, day), plays in counted.items():
        by_screen[screen] = by_screen.get(screen, 0) + plays
        by_day[day.isoformat()] = by_day.get(day.isoformat(), 0) + plays
    assert by_screen == {f.key: f.plays for f in report.by_screen}
    assert by_day == {f.key: f.plays for f in report.by_day if f.plays}
    assert sum(counted.values()) == report.total.plays == 216
    assert cusco == {("CUZ-ARR-01", None, nov(27)): 20, ("CUZ-ARR-01", None, nov(28)): 1}


def test_a_recent_play_keeps_its_booking(figures: Flask) -> None:
    with figures.app_context():
        # Today's first play at LIM-ARR-01 (not rolled up yet) was served for booking b1.
        db.session.execute(
            update(PlayRecord)
            .where(
                PlayRecord.screen_id == screen_ids()["LIM-ARR-01"],
                PlayRecord.started_at == datetime(2026, 11, 28, 14, 0, tzinfo=UTC),
            )
            .values(booking_key="b1")
        )
        db.session.commit()
        counted = reports.plays_by_booking(_filter(date_from="2026-11-28"), at=AT)
    assert counted == {
        ("LIM-ARR-01", "b1", date(2026, 11, 28)): 1,
        ("LIM-ARR-01", None, date(2026, 11, 28)): 2,
        ("LIM-DEP-01", None, date(2026, 11, 28)): 1,
        ("CUZ-ARR-01", None, date(2026, 11, 28)): 1,
    }
