"""The reports page in Chromium, with plays to show: WCAG 2.1 AA, 390 px, the keyboard alone."""

from __future__ import annotations

import pytest
from flask import Flask

from campaign.services.accounts import add_user
from tests.browser.conftest import LIVE_NOW
from tests.browser.inspection import DESKTOP, PHONE, inspect_page
from tests.browser.test_shell import sign_in
from tests.services.report_fixture import load_report_fixture

PASSWORD = "a long enough password"
pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_report_with_its_charts_and_tables(  # type: ignore[no-untyped-def]
    browser, live_server: str, live_app: Flask, lang: str
) -> None:
    with live_app.app_context():
        load_report_fixture()
        add_user("rosa@example.org", "manager", PASSWORD, now=LIVE_NOW)
    context = browser.new_context(locale="es-PE", viewport=DESKTOP)
    context.clock.install(time=LIVE_NOW)
    context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
    page = context.new_page()
    sign_in(page, live_server, "rosa@example.org")
    page.goto(f"{live_server}/reports?from=2026-11-25&to=2026-11-28")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("svg[role=img]").count() == 3
    problems = inspect_page(page, f"page-{lang}-reports-with-plays")
    assert not problems, "\n".join(problems)

    # The keyboard alone: to the hub filter, choose Cusco, and send the form.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/reports?from=2026-11-25&to=2026-11-28")
    page.locator("#phase").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "hub"
    page.select_option("#hub", "CUZ")  # what the arrow keys do on a focused select
    # On through the two days (Chromium tabs through each date's parts) to the button.
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    assert page.evaluate("document.activeElement.textContent").strip() in {
        "Show the report",
        "Ver el informe",
    }
    page.keyboard.press("Enter")
    page.wait_for_url("**hub=CUZ**")
    assert page.locator("dl.totals dd").first.inner_text() == "21"
    context.close()
