"""The web player in a real browser, on the browser's clock: plays in order, picks up a new
version at a boundary, plays on with the server stopped and after a reload, and reports every
play exactly once when the server is back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from campaign.services.plans import load_plan
from campaign.services.screens import issue_token
from tests.browser.conftest import LIVE_NOW
from tests.browser.player_rig import LiveApp, PlayerPage, player_app, short_plan, until
from tests.conftest import DEMO_TODAY

SLOT_S = 3


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveApp]:
    live = LiveApp(player_app(tmp_path, SLOT_S))
    live.start()
    yield live
    live.stop()


def _token(live: LiveApp, code: str = "LIM-ARR-01") -> str:
    with live.app.app_context():
        return issue_token(code, now=LIVE_NOW)


def _open(browser, live: LiveApp, token: str, size=(960, 540)) -> PlayerPage:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    player = PlayerPage(context.new_page(), live)
    player.page.goto(f"{live.url}/player/#token={token}")
    player.wait_shown()
    player.settle()
    until(lambda: player.page.evaluate("() => !!navigator.serviceWorker.controller"), player.page)
    return player


def test_the_player_plays_the_loop_in_order_for_its_durations(browser, live: LiveApp) -> None:
    player = _open(browser, live, _token(live))
    assert "#token" not in player.page.url
    items = player.playlist()["items"]
    assert {item["duration_s"] for item in items} == {SLOT_S}
    seen = [player.shown()]
    for _ in range(len(items) * 2):
        player.run(SLOT_S)
        seen.append(player.shown())
    expected = [item["id"] for item in items]
    start = expected.index(seen[0])
    assert seen == [expected[(start + i) % len(expected)] for i in range(len(seen))]
    player.page.context.close()


def test_a_new_version_takes_effect_at_the_end_of_the_item(browser, live: LiveApp) -> None:
    player = _open(browser, live, _token(live))
    first = player.playlist()["version"]
    player.run(1)
    with live.app.app_context():  # the campaign team lengthens every slot to 4 s
        load_plan(short_plan(SLOT_S + 1), demo_today=DEMO_TODAY)
    shown, pending = player.shown(), None
    for _ in range(120):  # until the next poll brings the new version
        player.run(0.5)
        pending = player.page.evaluate("() => window.campaignPlayer.loop.pending?.version ?? null")
        if pending or player.playlist()["version"] != first:
            break
        shown = player.shown()
    assert pending and pending != first, "the new version arrives while an item is on screen"
    assert player.playlist()["version"] == first and player.shown() == shown
    player.run(SLOT_S)  # past the boundary of the item that was playing
    assert player.playlist()["version"] == pending
    assert {item["duration_s"] for item in player.playlist()["items"]} == {SLOT_S + 1}
    for _ in range(8):
        player.run(SLOT_S + 1)
    assert player.drain() == 0  # all reported
    # Each play lasted its item's duration (the page's clock also runs on in real time, by a
    # few milliseconds between steps): none was cut short when the version changed.
    durations = sorted({round(d) for d in live.durations()})
    assert durations == [SLOT_S, SLOT_S + 1]
    assert all(round(d) <= d < round(d) + 0.25 for d in live.durations())
    player.page.context.close()


def test_it_plays_through_an_outage_and_a_reload_and_reports_every_play_once(
    browser, live: LiveApp
) -> None:
    player = _open(browser, live, _token(live))
    player.run(20)
    live.stop()
    seen = set()
    for _ in range(20):  # a minute with the server stopped: the loop goes on
        player.run(SLOT_S)
        seen.add(player.shown())
    assert len(seen) > 1 and None not in seen
    player.settle()
    completed = player.page.evaluate("() => window.campaignPlayer.completed")

    player.page.reload()  # a power cut, the network still down: the worker's copy plays
    player.wait_shown()
    player.settle()
    assert player.page.evaluate("() => navigator.serviceWorker.controller !== null")
    for _ in range(10):
        player.run(SLOT_S)
    assert player.shown() is not None
    queued = player.queued()
    assert queued > 0

    live.start()  # the next poll finds the server, and what was queued goes on its own
    stored_before = live.plays()[0]
    assert player.run_until_stored(stored_before + queued) >= stored_before + queued
    assert player.drain() == 0
    completed += player.page.evaluate("() => window.campaignPlayer.completed")
    stored, distinct, rejected = live.plays()
    received = live.app.config["PLAYS_RECEIVED"]
    assert rejected == 0 and received["rejected"] == 0
    assert stored == distinct == received["accepted"] >= completed
    assert received["duplicates"] == 0, "each play was sent once"
    player.page.context.close()


def test_it_fills_landscape_and_portrait_screens_and_reports_its_state(
    browser, live: LiveApp
) -> None:
    for code, size in (("LIM-ARR-01", (960, 540)), ("LIM-ARR-02", (540, 960))):
        player = _open(browser, live, _token(live, code), size)
        shown = player.page.locator("img.slide.shown")
        width, height = shown.evaluate("img => [img.naturalWidth, img.naturalHeight]")
        assert (width > height) == (size[0] > size[1])
        assert player.page.evaluate("() => getComputedStyle(document.body).cursor") == "none"
        assert player.page.locator("#debug").is_hidden()  # no clock nor status on a live screen
        player.run(SLOT_S + 1)
        player.page.wait_for_timeout(600)  # the cross-fade runs on real time
        name = "landscape" if size[0] > size[1] else "portrait"
        player.page.screenshot(path=str(_shot(f"player-{name}.png")))
        info = _player_info(live, code)
        assert info["playing_version"] == player.playlist()["version"]
        assert info["player_info"]["queued_plays"] >= 0
        assert info["player_info"]["storage"]["quota_bytes"] > 0
        assert info["player_info"]["uptime_s"] >= 0
        player.page.context.close()


def test_debug_mode_shows_a_clock_and_the_status(browser, live: LiveApp) -> None:
    context = browser.new_context(viewport={"width": 960, "height": 540})
    player = PlayerPage(context.new_page(), live)
    player.page.goto(f"{live.url}/player/?debug#token={_token(live)}")
    player.wait_shown()
    player.run(2)
    text = player.page.locator("#debug").inner_text()
    assert "12:00" in text and "online" in text  # noon in Lima, LIVE_NOW
    context.close()


def test_the_first_players_address_still_leads_to_the_player(browser, live: LiveApp) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live.url}/play#token={_token(live)}")
    page.wait_for_selector("img.slide.shown", timeout=15000)
    assert page.url == f"{live.url}/player/"  # on the new address, the token out of the URL
    context.close()


def _player_info(live: LiveApp, code: str) -> dict:
    from sqlalchemy import select

    from campaign.extensions import db
    from campaign.persistence.network import Screen

    with live.app.app_context():
        screen = db.session.scalar(select(Screen).filter_by(code=code))
        found = {"playing_version": screen.playing_version, "player_info": screen.player_info}
        db.session.remove()
    return found


def _shot(name: str) -> Path:
    folder = Path(__file__).resolve().parents[2] / "instance" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name
