"""The kiosk player in a real browser: it plays the screen's slides and keeps playing offline."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.network import Screen
from tests.browser.conftest import LIVE_NOW


def test_kiosk_plays_the_screens_slides_and_reports_in(
    browser, live_server: str, screen_token: str, live_app: Flask
) -> None:
    page = browser.new_page(viewport={"width": 960, "height": 540})
    page.clock.install(time=LIVE_NOW)  # the browser's clock starts where the server's is set
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server}/play#token={screen_token}")
    page.wait_for_selector("img.slide.shown", timeout=15000)
    shown = page.locator("img.slide.shown")
    assert shown.get_attribute("src").startswith("/assets/")
    assert shown.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [1920, 1080]
    assert "#token" not in page.url  # the secret leaves the address bar
    page.wait_for_function("() => JSON.parse(localStorage['campaign-player']).playlist")
    for _ in range(50):  # the first heartbeat may still be on its way
        with live_app.app_context():
            screen = db.session.scalar(select(Screen).filter_by(code="LIM-ARR-01"))
            if screen.last_seen_at is not None:
                break
        page.wait_for_timeout(100)
    assert screen.last_seen_at is not None
    page.screenshot(path=str(_shot("kiosk-online.png")))

    # The API goes away and the kiosk restarts: it plays from the playlist it kept.
    page.route("**/api/v1/player/**", lambda route: route.abort())
    page.reload()
    page.wait_for_selector("img.slide.shown", timeout=15000)
    assert page.locator("img.slide.shown").get_attribute("src").startswith("/assets/")
    assert errors == []
    page.close()


def test_kiosk_without_a_token_says_how_to_start(browser, live_server: str) -> None:
    page = browser.new_page()
    page.goto(f"{live_server}/play")
    assert "token" in page.locator("#status").inner_text()
    page.close()


def _shot(name: str):
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "instance" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name
