"""Pairing in a real browser: a new screen shows a code and its QR, a manager enters the code
and chooses the screen on a phone, and the player takes its token and plays."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from campaign.services.accounts import add_user
from tests.browser.conftest import LIVE_NOW
from tests.browser.inspection import inspect_page
from tests.browser.player_rig import LiveApp, PlayerPage, player_app, until

PASSWORD = "a long enough password"


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveApp]:
    live = LiveApp(player_app(tmp_path, 3))
    with live.app.app_context():
        add_user("ana@example.org", "manager", PASSWORD, now=LIVE_NOW)
    live.start()
    yield live
    live.stop()


def test_a_new_screen_is_paired_by_its_code_and_plays(browser, live: LiveApp) -> None:
    screen = PlayerPage(
        browser.new_context(viewport={"width": 960, "height": 540}).new_page(), live
    )
    screen.page.goto(f"{live.url}/player/")
    code = screen.page.locator("#pairing [data-code]")
    code.wait_for(state="visible", timeout=15000)
    until(lambda: re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code.inner_text()), screen.page)
    shown_code = code.inner_text()
    qr = screen.page.locator("#pairing img[data-qr]")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    pair_url = screen.page.locator("#pairing [data-url]").inner_text()
    assert pair_url.startswith(f"{live.url}/screens/pair?code=")
    screen.page.screenshot(path=str(_shot("player-pairing.png")))

    # The manager, on a phone, follows the QR code's link: the code is filled in already.
    phone = browser.new_context(locale="es-PE", viewport={"width": 390, "height": 844})
    page = phone.new_page()
    page.goto(pair_url)
    page.fill("#email", "ana@example.org")
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/screens/pair\?code=.*"))
    assert page.input_value("#code").replace("-", "") == shown_code.replace("-", "")
    page.select_option("#screen", "LIM-ARR-01")
    problems = inspect_page(page, "pairing-es-phone")
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_url(f"{live.url}/screens/LIM-ARR-01")
    assert "LIM-ARR-01" in page.locator("main").inner_text()

    # The screen asks every few seconds; once paired it takes its token and plays.
    for _ in range(20):
        screen.page.clock.run_for(3000)
        if screen.page.locator("img.slide.shown").count():
            break
        screen.page.wait_for_timeout(100)
    screen.wait_shown()
    assert screen.page.locator("#pairing").is_hidden()
    token = screen.page.evaluate("() => window.campaignPlayer.api.token")
    assert len(token) >= 32  # the screen's own token, kept in IndexedDB, not in the URL
    assert (
        screen.page.evaluate(
            "async () => (await (await import('/player/store.js')).Store.open()).get('token')"
        )
        == token
    )
    assert "token" not in screen.page.url

    # The same code cannot pair a second time.
    page.goto(f"{live.url}/screens/pair?code={shown_code}")
    page.select_option("#screen", "LIM-ARR-02")
    page.locator("main form button.primary[type=submit]").click()
    assert page.locator(".field-error, .errors, [role=alert]").count() > 0
    assert problems == []
    phone.close()
    screen.page.context.close()


def _shot(name: str) -> Path:
    folder = Path(__file__).resolve().parents[2] / "instance" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name
