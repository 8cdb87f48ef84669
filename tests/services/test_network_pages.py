"""The network pages' services: local times, screen health, refusals that leave nothing behind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from campaign.domain import venue_types
from campaign.persistence.network import Screen
from campaign.services import network_pages as network
from campaign.services.errors import Conflict, Invalid
from campaign.services.screen_health import NEVER_SEEN, OFFLINE, ONLINE, health
from tests.conftest import DEMO_PLAN

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("local", "timezone", "utc"),
    [
        ("2026-12-24T21:00", "America/Lima", "2026-12-25T02:00"),
        ("2026-07-01T12:00", "Europe/Madrid", "2026-07-01T10:00"),
        # Skipped by the spring change (02:00 → 03:00): read with the offset before it.
        ("2026-03-29T02:30", "Europe/Madrid", "2026-03-29T01:30"),
        # Happens twice in autumn (03:00 → 02:00): its first occurrence.
        ("2026-10-25T02:30", "Europe/Madrid", "2026-10-25T00:30"),
        # An instant that says its offset is taken as it is, whatever the timezone.
        ("2026-12-24T21:00-05:00", "Europe/Madrid", "2026-12-25T02:00"),
    ],
)
def test_a_local_time_is_read_in_the_timezone(local: str, timezone: str, utc: str) -> None:
    instant = network.local_instant(datetime.fromisoformat(local), timezone)
    assert instant == datetime.fromisoformat(utc).replace(tzinfo=UTC)


def _screen(**values: object) -> Screen:
    row = Screen(code="X", orientation="landscape", width=1920, height=1080, token_hash="h")
    for name, value in values.items():
        setattr(row, name, value)
    return row


def test_health_counts_three_polls(app: Flask) -> None:
    with app.app_context():
        limit = 3 * app.config["PLAYER_POLL_SECONDS"]
        assert health(_screen(), "v1", NOW).state == NEVER_SEEN
        on_time = _screen(last_seen_at=NOW - timedelta(seconds=limit))
        assert health(on_time, "v1", NOW).state == ONLINE
        late = _screen(last_seen_at=NOW - timedelta(seconds=limit + 1))
        assert health(late, "v1", NOW).state == OFFLINE
        assert health(late, "v1", NOW).threshold_s == limit


def test_behind_means_it_said_it_plays_another_loop(app: Flask) -> None:
    with app.app_context():
        seen = NOW - timedelta(seconds=5)
        current = health(_screen(last_seen_at=seen, playing_version="v1"), "v1", NOW)
        assert current.up_to_date and not current.behind
        old = health(_screen(last_seen_at=seen, playing_version="v0"), "v1", NOW)
        assert old.behind and not old.up_to_date
        # The current loop not drawn yet: no screen can have it.
        assert health(_screen(last_seen_at=seen, playing_version="v1"), "", NOW).behind
        silent = health(_screen(last_seen_at=seen), "v1", NOW)
        assert not silent.behind and not silent.up_to_date
        nothing = health(_screen(last_seen_at=seen, playing_version="v1"), None, NOW)
        assert not nothing.behind
        assert not health(_screen(token_hash=None), "v1", NOW).has_token


def test_a_refused_edit_leaves_the_screen_as_it_was(demo: Flask) -> None:
    with demo.app_context():
        before = network.screen_by_code("LIM-DEP-01")
        version, width = before.lock_version, before.width
        with pytest.raises(Invalid):  # a landscape screen taller than wide
            network.update_screen("LIM-DEP-01", {"width": 1000, "version": version})
        again = network.screen_by_code("LIM-DEP-01")
        assert (again.lock_version, again.width) == (version, width)
        with pytest.raises(Conflict):
            network.update_screen("LIM-DEP-01", {"name": "x", "version": version - 1})
        network.update_screen("LIM-DEP-01", {"name": "Counters", "version": version})
        assert network.screen_by_code("LIM-DEP-01").lock_version == version + 1


def test_screen_lines_say_what_each_screen_should_play(demo: Flask) -> None:
    with demo.app_context():
        lines = {line.screen.code: line for line in network.screen_lines(NOW)}
        assert set(lines) >= {"LIM-ARR-01", "LIM-DEP-01", "LIM-GAT-01"}
        assert all(line.health.state == NEVER_SEEN for line in lines.values())
        # Nothing drawn yet: the version waits for the pictures (the lists draw nothing).
        assert lines["LIM-GAT-01"].health.current_version == ""
        assert {line.hub.code for line in network.screen_lines(NOW, "LIM")} == {"LIM"}
        assert network.screen_lines(NOW, "CUZ") == []


def test_the_kiosk_qr_code_is_an_svg_without_inline_style() -> None:
    svg = network.kiosk_qr_svg("http://127.0.0.1:5000/play#token=abc")
    assert svg.startswith("<svg") and 'viewBox="0 0' in svg and "style" not in svg


def test_the_demo_plans_venue_types_are_in_the_taxonomy() -> None:
    used = {
        line.split("=", 1)[1].strip().strip('"')
        for line in DEMO_PLAN.read_text(encoding="utf-8").splitlines()
        if line.startswith("venue_type")
    }
    assert used and all(venue_types.is_known(code) for code in used), used


def test_the_taxonomy_is_consistent() -> None:
    types = [t for c in venue_types.CATEGORIES for t in c.types]
    assert len({t.id for t in types}) == len(types) and len(venue_types.BY_CODE) == len(types)
    for category in venue_types.CATEGORIES:
        assert category.types[0].code == category.code
        for t in category.types[1:]:
            assert t.code.startswith(category.code + ".") and str(t.id).startswith(str(category.id))
    first = venue_types.categories_for("tourist_area")[0]
    assert first.code == "entertainment.recreational"
    assert len(venue_types.categories_for("airport")) == len(venue_types.CATEGORIES)
