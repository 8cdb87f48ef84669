"""Benchmark of a phase report from the roll-up (10 million plays) against a plain GROUP BY."""

from __future__ import annotations

import shutil
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

# SQLite in a temporary folder: one campaign, a phase of 90 days at 10 hubs of 10 screens each
# (100 screens). The roll-up stands for 10,080,000 plays: 100 screens x 90 days x 10 messages x 2
# languages = 180,000 rows of 56 plays each, written directly (as the nightly run would have).
# Heartbeats: every hour of the phase, every screen (216,000 rows). The control, in the same run
# and the same database: a plain GROUP BY (message, language) over a play_records table of
# 2,000,000 plays (what this machine can afford to build; nothing is extrapolated from it).
HUBS = 10
SCREENS_PER_HUB = 10  # 2 zones of 5
DAYS = 90
MESSAGES = 10
LANGS = ("es", "en")
PLAYS_PER_ROW = 56  # 100 x 90 x 10 x 2 x 56 = 10,080,000
RECORDS = 2_000_000  # the control's plays table
FIRST_DAY = date(2026, 8, 1)
SLUG = "bench-campaign"
REPEATS = 5
GOAL_MS = 1000.0


def _app(folder: Path) -> Any:
    from campaign import create_app
    from campaign.extensions import db

    app = create_app(
        {
            "INSTANCE_PATH": folder,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'campaign.db'}",
            "SECRET_KEY": "bench",
            "TESTING": False,
        }
    )
    with app.app_context():
        db.create_all()
    return app


def _network() -> int:
    """The campaign, its phase at every hub, the screens; the phase's id."""
    from campaign.extensions import db
    from campaign.persistence.campaigns import Campaign, Phase
    from campaign.persistence.network import Hub, Screen, Zone

    campaign = Campaign(slug=SLUG, names={"es": "Campaña", "en": "Campaign"}, languages=["es"])
    hubs = []
    for h in range(HUBS):
        hub = Hub(
            code=f"H{h:02d}",
            name=f"Hub {h}",
            kind="airport",
            timezone="America/Lima",
            yearly_passengers=1_000_000 * (h + 1),
        )
        hubs.append(hub)
        for z in range(2):
            zone = Zone(hub=hub, code=f"Z{z}", name=f"Zone {z}")
            for s in range(SCREENS_PER_HUB // 2):
                code = f"H{h:02d}-Z{z}-{s:02d}"
                db.session.add(
                    Screen(zone=zone, code=code, orientation="landscape", width=1920, height=1080)
                )
    phase = Phase(
        campaign=campaign,
        number=1,
        name="Phase 1",
        starts_on=FIRST_DAY,
        ends_on=FIRST_DAY + timedelta(days=DAYS - 1),
        hubs=hubs,
    )
    db.session.add_all([campaign, phase])
    db.session.commit()
    return int(phase.id)


def _fill() -> dict[str, int]:
    """Roll-up rows, heartbeats and the control's play records, made inside SQLite."""
    from sqlalchemy import text

    from campaign.extensions import db

    first = FIRST_DAY.isoformat()
    # Lima is UTC-5 all year: its first local midnight is 05:00 UTC.
    start = f"{first} 05:00:00"
    statements = [
        f"""
        WITH RECURSIVE d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < {DAYS - 1}),
        m(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM m WHERE n < {MESSAGES - 1}),
        l(code) AS (VALUES {", ".join(f"('{lang}')" for lang in LANGS)})
        INSERT INTO play_rollups (day, screen_id, hub_code, zone_code, campaign, message_key,
                                  lang, booking_key, plays, seconds)
        SELECT date('{first}', '+' || d.n || ' days'), s.id, h.code, z.code, '{SLUG}',
               printf('message-%02d', m.n), l.code, printf('booking-%02d', m.n),
               {PLAYS_PER_ROW}, {PLAYS_PER_ROW * 10}.0
        FROM screens s JOIN zones z ON z.id = s.zone_id JOIN hubs h ON h.id = z.hub_id,
             d, m, l
        """,
        f"""
        WITH RECURSIVE t(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM t WHERE n < {DAYS * 24 - 1})
        INSERT INTO heartbeat_hours (screen_id, hour, beats, first_at, last_at)
        SELECT s.id, datetime('{start}', '+' || t.n || ' hours') || '.000000',
               CASE WHEN (s.id + t.n) % 10 = 0 THEN 30 ELSE 60 END,
               datetime('{start}', '+' || t.n || ' hours') || '.000000',
               datetime('{start}', '+' || t.n || ' hours', '+59 minutes') || '.000000'
        FROM screens s, t
        """,
        f"""
        WITH RECURSIVE r(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM r WHERE n < {RECORDS - 1})
        INSERT INTO play_records (screen_id, play_id, item_id, campaign, message_key,
                                  message_version, lang, booking_key, started_at, duration_s,
                                  received_at)
        SELECT (SELECT min(id) FROM screens) + n % 100, printf('%032x', n),
               printf('{SLUG}/message-%02d.v1.es', n / 100 % {MESSAGES}), '{SLUG}',
               printf('message-%02d', n / 100 % {MESSAGES}), 1,
               CASE WHEN n % 3 = 0 THEN 'en' ELSE 'es' END, NULL,
               datetime('{start}', '+' || (n / 100 * {DAYS * 86400 * 100 // RECORDS}) || ' seconds')
                 || '.000000',
               10.0,
               datetime('{start}', '+' || (n / 100 * {DAYS * 86400 * 100 // RECORDS}) || ' seconds')
                 || '.000000'
        FROM r
        """,
    ]
    for statement in statements:
        db.session.execute(text(statement))
    db.session.commit()
    counts = {}
    for table in ("play_rollups", "heartbeat_hours", "play_records"):
        counts[table] = int(db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    counts["plays_in_rollup"] = int(
        db.session.execute(text("SELECT sum(plays) FROM play_rollups")).scalar_one()
    )
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return counts


def _best(work: Any) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - started) * 1000)
    return round(min(times), 1), result


def run() -> dict[str, Any]:
    """The phase report (plays by every dimension; and the whole page: uptime, audience,
    rejected plays and charts too) from the roll-up, against the plain GROUP BY; best of 5."""
    from sqlalchemy import func, select

    from campaign.extensions import db
    from campaign.persistence.player import PlayRecord
    from campaign.services import reports, reports_page
    from campaign.services.report_filters import parse_filter

    folder = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    try:
        app = _app(folder)
        with app.app_context(), app.test_request_context("/reports"):
            phase_id = _network()
            started = time.perf_counter()
            counts = _fill()
            built_s = round(time.perf_counter() - started, 1)
            at = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)  # after the phase: all rolled up
            flt = parse_filter(user=None, today=at.date(), phase=phase_id)
            report_ms, report = _best(lambda: reports.play_report(flt, at=at, lang="en"))
            page_ms, _page = _best(lambda: reports_page.report_page(flt, at=at, lang="en"))
            control = (
                select(
                    PlayRecord.message_key,
                    PlayRecord.lang,
                    func.count(),
                    func.sum(PlayRecord.duration_s),
                )
                .where(PlayRecord.campaign == SLUG)
                .group_by(PlayRecord.message_key, PlayRecord.lang)
            )
            control_ms, grouped = _best(lambda: db.session.execute(control).all())
            db.session.remove()
        assert report.total.plays == counts["plays_in_rollup"]
        assert sum(row[2] for row in grouped) == RECORDS
        return {
            "rollup_rows": counts["play_rollups"],
            "plays_in_rollup": counts["plays_in_rollup"],
            "heartbeat_hours": counts["heartbeat_hours"],
            "control_play_records": counts["play_records"],
            "build_s": built_s,
            "phase_report_plays_ms": report_ms,
            "phase_report_whole_page_ms": page_ms,
            "goal_ms": GOAL_MS,
            "control_group_by_2m_records_ms": control_ms,
            "ratio_report_to_control": round(report_ms / control_ms, 3),
            "ratio_page_to_control": round(page_ms / control_ms, 3),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
