"""Part 2's path in a real browser: book an approved message on a zone by name, see it in the
zone's week and in what plays there at a local time, then register a screen and watch its kiosk
page play the loop."""

from __future__ import annotations

import re

from flask import Flask

from campaign.services.accounts import add_user
from tests.browser.conftest import LIVE_NOW
from tests.browser.inspection import DESKTOP, inspect_page, shot

PASSWORD = "a long enough password"
KEY = "where-to-report"


def _choose(page, select: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Pick an option by the words it shows, as a person does."""
    value = page.locator(f"{select} option", has_text=text).first.get_attribute("value")
    page.select_option(select, value)


def test_book_by_name_see_it_play_then_register_a_screen(
    browser, live_server: str, live_app: Flask
) -> None:  # type: ignore[no-untyped-def]
    with live_app.app_context():
        add_user("ana@example.org", "manager", PASSWORD, now=LIVE_NOW)
    context = browser.new_context(locale="es-PE", viewport=DESKTOP)
    context.clock.install(time=LIVE_NOW)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    problems: list[str] = []
    page.goto(f"{live_server}/login")
    page.fill("#email", "ana@example.org")
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server}/")

    # 1. Book an approved message on the gates of Lima, choosing both by name.
    page.get_by_role("navigation").get_by_role("link", name="Reservas").click()
    page.goto(f"{live_server}/bookings/new")
    _choose(page, "#message", f"({KEY})")
    _choose(page, "#target", "(LIM/GAT)")
    page.fill("#key", "gates-where-to-report")
    page.fill("#starts_on", "2026-11-27")
    page.fill("#ends_on", "2026-12-31")
    page.fill("#priority", "50")
    problems += inspect_page(page, "flow2-es-booking-form")
    page.locator("main form button.primary[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{live_server}/bookings/"), page.url
    problems += inspect_page(page, "flow2-es-booking")

    # 2. It is in the zone's week and in what plays there at a local time.
    page.goto(f"{live_server}/bookings/timeline?hub=LIM&zone=GAT&week=2026-11-23")
    assert page.get_by_text(KEY).count() > 0
    problems += inspect_page(page, "flow2-es-timeline")
    page.goto(f"{live_server}/screens/LIM-GAT-01/plays?at=2026-11-28T15:00")
    assert page.locator(f"text={KEY}").count() > 0
    problems += inspect_page(page, "flow2-es-plays")

    # 3. Register a screen, open its kiosk link in a second page: it plays the loop.
    page.goto(f"{live_server}/screens/new")
    _choose(page, "#zone", "GAT ·")  # grouped under the hub, LIM
    page.fill("#code", "LIM-GAT-09")
    page.fill("#width", "1920")
    page.fill("#height", "1080")
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_selector("#kiosk-url")
    kiosk_url = page.locator("#kiosk-url").input_value()
    assert re.fullmatch(rf"{re.escape(live_server)}/player/#token=\S+", kiosk_url), kiosk_url
    assert page.locator(".qr-box svg").count() == 1
    problems += inspect_page(page, "flow2-es-token")
    kiosk = context.new_page()
    kiosk.goto(kiosk_url)
    kiosk.wait_for_selector("img.slide.shown", timeout=20000)
    assert kiosk.locator("img.slide.shown").get_attribute("src").startswith("/assets/")
    kiosk.screenshot(path=str(shot("flow2-kiosk")))
    assert not errors, errors
    assert not problems, "\n".join(problems)
    context.close()
