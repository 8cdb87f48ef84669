"""The web player over long stretches on the browser's clock: an hour of short items without
growth in DOM nodes or heap, and a three-day outage that loses no play."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from campaign.services.screens import issue_token
from tests.browser.conftest import LIVE_NOW
from tests.browser.player_rig import LiveApp, PlayerPage, player_app, until

SHORT_S = 3
LONG_S = 300
FIGURES = Path(__file__).resolve().parents[2] / "instance" / "player-endurance.json"


def _live(tmp_path: Path, slot_s: int) -> Iterator[LiveApp]:
    live = LiveApp(player_app(tmp_path, slot_s))
    live.start()
    yield live
    live.stop()


@pytest.fixture
def short_items(tmp_path: Path) -> Iterator[LiveApp]:
    yield from _live(tmp_path, SHORT_S)


@pytest.fixture
def long_items(tmp_path: Path) -> Iterator[LiveApp]:
    yield from _live(tmp_path, LONG_S)


def _player(browser, live: LiveApp) -> PlayerPage:
    with live.app.app_context():
        token = issue_token("LIM-ARR-01", now=LIVE_NOW)
    player = PlayerPage(
        browser.new_context(viewport={"width": 960, "height": 540}).new_page(), live
    )
    player.page.goto(f"{live.url}/player/#token={token}")
    player.wait_shown()
    player.settle()
    until(lambda: player.page.evaluate("() => !!navigator.serviceWorker.controller"), player.page)
    return player


def _measure(cdp) -> tuple[int, int]:
    """(DOM nodes, JS heap bytes in use) after a full garbage collection."""
    cdp.send("HeapProfiler.collectGarbage")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return int(metrics["Nodes"]), int(metrics["JSHeapUsedSize"])


def _record(name: str, figures: dict) -> None:
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    known = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    known[name] = figures
    FIGURES.write_text(json.dumps(known, indent=2) + "\n")


def test_an_hour_of_short_items_grows_neither_the_dom_nor_the_heap(browser, short_items) -> None:
    player = _player(browser, short_items)
    cdp = player.page.context.new_cdp_session(player.page)
    cdp.send("Performance.enable")
    for _ in range(100):  # five minutes to warm up: caches, the first reports and heartbeats
        player.run(SHORT_S)
    nodes_before, heap_before = _measure(cdp)
    for _ in range(1100):  # the rest of the hour, one item at a time
        player.run(SHORT_S)
    nodes_after, heap_after = _measure(cdp)
    completed = player.page.evaluate("() => window.campaignPlayer.completed")
    assert player.drain() == 0
    _record(
        "one_hour",
        {
            "items_played": completed,
            "item_s": SHORT_S,
            "dom_nodes": [nodes_before, nodes_after],
            "js_heap_bytes": [heap_before, heap_after],
        },
    )
    assert completed >= 1199
    assert nodes_after == nodes_before
    assert heap_after - heap_before < 512 * 1024, (heap_before, heap_after)
    stored, _, rejected = short_items.plays()
    assert stored == completed and rejected == 0
    player.page.context.close()


def test_a_three_day_outage_loses_no_play(browser, long_items: LiveApp) -> None:
    player = _player(browser, long_items)
    player.run(LONG_S)
    long_items.stop()
    completed = 0
    for day in range(3):
        for _ in range(24 * 3600 // LONG_S):
            player.run(LONG_S)
        assert player.shown() is not None
        if day == 1:  # a power cut on the second day, the network still down
            completed += player.page.evaluate("() => window.campaignPlayer.completed")
            player.page.reload()
            player.wait_shown()
            player.settle()
    queued = player.queued()
    assert queued >= 3 * 24 * 3600 // LONG_S - 2
    long_items.start()  # the player finds the server and sends its queue on its own
    assert player.run_until_stored(queued, 30) >= queued
    assert player.drain() == 0
    completed += player.page.evaluate("() => window.campaignPlayer.completed")
    stored, distinct, rejected = long_items.plays()
    received = long_items.app.config["PLAYS_RECEIVED"]
    _record(
        "three_day_outage",
        {
            "item_s": LONG_S,
            "queued_at_return": queued,
            "stored": stored,
            "duplicates": received["duplicates"],
            "rejected": rejected,
        },
    )
    assert player.queued() == 0
    assert stored == distinct == completed and rejected == 0 and received["duplicates"] == 0
    player.page.context.close()
