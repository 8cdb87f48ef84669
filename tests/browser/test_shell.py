"""The shell in a real browser: signing in, switching language, error pages and the API docs."""

from __future__ import annotations

from flask import Flask

from campaign.services.accounts import add_user
from tests.browser.conftest import LIVE_NOW
from tests.browser.inspection import PHONE, inspect_page, serious_violations, sideways_overflow

PASSWORD = "a long enough password"


def sign_in(page, server: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{server}/")


def test_the_checks_can_fail(browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport=PHONE)
    page.set_content(
        '<html><body><div style="width:900px">wide</div><img src="x.png">'
        '<p style="color:#aaa;background:#fff">faint</p></body></html>'
    )
    assert sideways_overflow(page) > 400
    found = " ".join(serious_violations(page))
    assert "image-alt" in found and "color-contrast" in found and "html-has-lang" in found
    page.close()


def test_sign_in_switch_language_and_the_shell_pages_pass(
    browser, live_server: str, live_app: Flask
) -> None:  # type: ignore[no-untyped-def]
    with live_app.app_context():
        add_user("ana@example.org", "manager", PASSWORD, now=LIVE_NOW)
    context = browser.new_context(locale="es-PE", viewport=PHONE)
    page = context.new_page()
    problems = inspect_page(page.goto(f"{live_server}/login") and page, "login-es")
    sign_in(page, live_server, "ana@example.org")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("navigation").get_by_role("link", name="Mensajes").is_visible()
    problems += inspect_page(page, "overview-es")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("navigation").get_by_role("link", name="Messages").is_visible()
    page.goto(f"{live_server}/account")
    problems += inspect_page(page, "account-en")
    page.goto(f"{live_server}/no/such/page")
    assert page.get_by_role("heading", name="Page not found").is_visible()
    problems += inspect_page(page, "error-404-en")
    assert not problems, "\n".join(problems)
    context.close()


def test_the_keyboard_alone_reaches_the_navigation(
    browser, live_server: str, live_app: Flask
) -> None:  # type: ignore[no-untyped-def]
    with live_app.app_context():
        add_user("ana@example.org", "manager", PASSWORD, now=LIVE_NOW)
    page = browser.new_page(locale="es-PE")
    page.goto(f"{live_server}/login")
    # Chromium applies autofocus in a task after load; on a busy machine the first
    # look can come before it, so wait for it (and fail if it never comes).
    page.wait_for_function("document.activeElement && document.activeElement.id === 'email'")
    page.keyboard.type("ana@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Ir al contenido"
    seen = []
    for _ in range(20):  # brand, two languages, the areas, sign-out
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert "Mensajes" in seen and "Cuenta" in seen and "Salir" in seen
    page.close()


def test_api_docs_render_with_the_network_closed_outside_the_server(
    browser, live_server: str
) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    outside: list[str] = []

    def only_the_server(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith(live_server) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_server)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server}/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=15000)
    assert page.locator(".opblock").count() > 20
    assert "Campaign scheduler API" in page.locator(".info .title").inner_text()
    assert outside == [] and errors == []
    page.close()
