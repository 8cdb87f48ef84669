"""Content tracking and renditions made ahead: what the poll's caches rely on."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.persistence.media import Rendition
from campaign.persistence.network import Screen
from campaign.services import renditions, screens
from campaign.services.generation import bump_generation, current_generation
from campaign.services.playback import prepare_renditions

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)


def _screen() -> Screen:
    screen = db.session.scalar(select(Screen).filter_by(code="LIM-ARR-01"))
    assert screen is not None
    return screen


def test_content_changes_bump_the_generation_and_heartbeat_columns_do_not(demo: Flask) -> None:
    with demo.app_context():
        start = current_generation()
        screen = _screen()
        screen.last_seen_at, screen.playing_version = NOW, "v1"
        screen.player_info = {"player": "x"}
        db.session.commit()
        assert current_generation() == start
        _screen().name = "Arrivals hall, left"
        db.session.commit()
        assert current_generation() == start + 1
        _screen().width, _screen().height = 1280, 720
        _screen().name = "again"
        db.session.commit()
        assert current_generation() == start + 2  # once per transaction
        bump_generation()
        db.session.commit()
        assert current_generation() == start + 3


def test_token_rotation_and_revocation_bump_the_generation(demo: Flask) -> None:
    with demo.app_context():
        start = current_generation()
        screens.issue_token("LIM-ARR-01", now=NOW)
        assert current_generation() > start
        middle = current_generation()
        screens.revoke_token("LIM-ARR-01", now=NOW)
        assert current_generation() > middle


def test_prepare_renditions_draws_each_slide_once(demo: Flask) -> None:
    with demo.app_context():
        first = prepare_renditions(NOW)
        assert first["needed"] > 0
        assert first["drawn"] + first["failed"] <= first["needed"]
        count = db.session.scalar(select(func.count()).select_from(Rendition))
        assert count == first["drawn"]
        again = prepare_renditions(NOW)
        assert again["drawn"] == 0
        assert db.session.scalar(select(func.count()).select_from(Rendition)) == count
        store = renditions.asset_store()
        sizes = set()
        for row in db.session.scalars(select(Rendition)):
            assert store.exists(row.sha256, row.ext)
            assert row.message_version_id is not None and row.poster_id is None
            sizes.add((row.width, row.height))
        used = {(s.width, s.height) for s in db.session.scalars(select(Screen))}
        assert sizes <= used and len(sizes) > 1
