"""Benchmark of proof-of-play ingest on SQLite: checked batches against a plain bulk INSERT."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BATCHES = 25  # of BATCH plays each, one screen, one after the other
BATCH = 1000
ITEMS = 20  # in the version served
DURATION_S = 10
GOAL_PLAYS_PER_S = 5000
SERVED_AT = datetime(2026, 11, 1, 5, 0, tzinfo=UTC)


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


def _screen(app: Any) -> int:
    """A hub, a zone and a screen, served one version of ITEMS items."""
    from campaign.extensions import db
    from campaign.persistence.network import Hub, Screen, Zone
    from campaign.services import served_versions

    with app.app_context():
        hub = Hub(code="LIM", name="Lima", kind="airport", timezone="America/Lima")
        zone = Zone(hub=hub, code="ARR", name="Arrivals")
        screen = Screen(
            zone=zone, code="LIM-ARR-01", orientation="landscape", width=1920, height=1080
        )
        db.session.add_all([hub, zone, screen])
        db.session.commit()
        items = {_item(n): f"booking-{n % 4}" for n in range(ITEMS)}
        assert served_versions.note_served(screen.id, "v1", items, SERVED_AT)
        return int(screen.id)


def _item(n: int) -> str:
    return f"peru-unido-contra-la-trata/message-{n:02d}.v1.es"


def _batches() -> list[list[dict[str, object]]]:
    """BATCHES batches of valid plays as a player sends them (JSON), one after the other."""
    start = SERVED_AT + timedelta(minutes=1)
    batches = []
    for b in range(BATCHES):
        batch = []
        for n in range(BATCH):
            at = start + timedelta(seconds=DURATION_S * (b * BATCH + n))
            batch.append(
                {
                    "id": str(uuid.uuid4()),
                    "item_id": _item(n % ITEMS),
                    "started_at": at.isoformat().replace("+00:00", "Z"),
                    "duration_s": DURATION_S,
                }
            )
        batches.append(json.loads(json.dumps(batch)))
    return batches


def _ingest(app: Any, screen_id: int, batches: list[list[dict[str, object]]], now: datetime) -> Any:
    from campaign.services import player

    took = []
    with app.app_context():
        for batch in batches:
            began = time.perf_counter()
            result = player.record_plays(screen_id, batch, now=now)
            took.append(time.perf_counter() - began)
            assert result.accepted == len(batch), (result.accepted, result.rejected[:3])
    return took


def _control(
    app: Any, screen_id: int, batches: list[list[dict[str, object]]], now: datetime
) -> Any:
    """The minimal work: the same rows, already made, in one plain INSERT per batch."""
    from sqlalchemy import insert

    from campaign.extensions import db
    from campaign.persistence.player import PlayRecord
    from campaign.services.play_checks import parse_play

    rows = [
        [parse_play(record).row(screen_id, "booking-0", now) for record in batch]
        for batch in batches
    ]
    took = []
    with app.app_context():
        for batch in rows:
            began = time.perf_counter()
            db.session.execute(insert(PlayRecord), batch)
            db.session.commit()
            took.append(time.perf_counter() - began)
    return took


def _attack(app: Any, screen_id: int, now: datetime) -> float:
    """Plays per second for batches that are all rejected (replayed instants, invented ids)."""
    from campaign.services import player

    start = SERVED_AT + timedelta(minutes=1)
    batches = [
        [
            {
                "id": str(uuid.uuid4()),
                "item_id": _item(0) if n % 2 else f"invented/slide-{n}.v1.es",
                "started_at": start.isoformat(),
                "duration_s": DURATION_S,
            }
            for n in range(BATCH)
        ]
        for _ in range(5)
    ]
    with app.app_context():
        began = time.perf_counter()
        for batch in batches:
            result = player.record_plays(screen_id, batch, now=now)
            assert result.accepted == 0 and len(result.rejected) == len(batch)
        took = time.perf_counter() - began
    return len(batches) * BATCH / took


def run() -> dict[str, Any]:
    """Plays per second through `record_plays` (every check, then stored) and the control."""
    from campaign.extensions import db

    workdir = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        batches = _batches()
        now = SERVED_AT + timedelta(seconds=DURATION_S * BATCH * BATCHES + 600)
        checked_app, control_app = _app(workdir / "checked"), _app(workdir / "control")
        checked = _ingest(checked_app, _screen(checked_app), batches, now)
        control = _control(control_app, _screen(control_app), batches, now)
        rejected_per_s = _attack(checked_app, _screen_id(checked_app), now)
        for app in (checked_app, control_app):
            with app.app_context():
                db.engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    plays = BATCHES * BATCH
    rate, control_rate = plays / sum(checked), plays / sum(control)
    return {
        "batches": BATCHES,
        "plays_per_batch": BATCH,
        "plays_per_s": round(rate),
        "slowest_batch_s": round(max(checked), 4),
        "control_plays_per_s": round(control_rate),
        "ratio_to_control": round(rate / control_rate, 3),
        "goal_plays_per_s": GOAL_PLAYS_PER_S,
        "goal_met": rate >= GOAL_PLAYS_PER_S,
        "all_rejected_plays_per_s": round(rejected_per_s),
        "load": "one process, SQLite (WAL) in a temporary folder, one screen, one served version",
    }


def _screen_id(app: Any) -> int:
    from sqlalchemy import select

    from campaign.extensions import db
    from campaign.persistence.network import Screen

    with app.app_context():
        return int(db.session.scalar(select(Screen.id)))


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
