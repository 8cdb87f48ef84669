"""The overview page in a real browser: it renders under its security policy, slides included."""

from __future__ import annotations

from flask import Flask

from campaign.jobs import tasks
from campaign.services.accounts import add_user
from tests.browser.conftest import LIVE_NOW


def test_overview_renders_with_slides_and_no_policy_violations(
    browser, live_server: str, live_app: Flask
) -> None:
    tasks.prepare_renditions(live_app, LIVE_NOW)
    with live_app.app_context():
        add_user("ana@example.org", "manager", "a long enough password", now=LIVE_NOW)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(f"{live_server}/")
    assert "/login" in page.url  # signed out: the sign-in form first
    page.fill("input[name=email]", "ana@example.org")
    page.fill("input[name=password]", "a long enough password")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server}/")
    images = page.locator("#screen-LIM-ARR-01 figure img")
    assert images.count() > 0
    first = images.first  # in view, so not deferred by lazy loading
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=first.element_handle()
    )
    assert first.evaluate("img => img.naturalWidth") == 1920
    page.screenshot(path=str(_shot("overview.png")), full_page=False)
    assert problems == []
    page.close()


def _shot(name: str):
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "instance" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name
