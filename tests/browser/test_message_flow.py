"""A message's whole path in a real browser, in Spanish and in English: written with its live
preview, sent for review, approved by a partner, then in the screen's preview and its playlist."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.messages import Message
from campaign.persistence.network import Zone
from campaign.services import bookings
from campaign.services.accounts import add_user
from tests.browser.conftest import LIVE_NOW
from tests.browser.inspection import DESKTOP, inspect_page

PASSWORD = "a long enough password"
WORDS = {
    "es": {
        "switch": "Español",
        "messages": "Mensajes",
        "new": "Nuevo mensaje",
        "save": "Guardar el borrador",
        "submit": "Enviar la versión 1 a revisión",
        "queue": "Por revisar",
        "approve": "Aprobar la versión 1",
        "sign_out": "Salir",
    },
    "en": {
        "switch": "English",
        "messages": "Messages",
        "new": "New message",
        "save": "Save the draft",
        "submit": "Send version 1 for review",
        "queue": "Review queue",
        "approve": "Approve version 1",
        "sign_out": "Sign out",
    },
}
# The browser starts in the other language, so the person switches as a first step.
BROWSER_LOCALE = {"es": "en-US", "en": "es-PE"}


def _sign_in(page, server: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{server}/")


def _book(app: Flask, key: str) -> None:
    """Book the message on Lima's arrivals for the month (the bookings page is part 2's)."""
    with app.app_context():
        manager = db.session.scalar(select(User).filter_by(email="ana@example.org"))
        message = db.session.scalar(select(Message).filter_by(key=key))
        zone = db.session.scalar(select(Zone).filter_by(code="ARR"))
        bookings.create_booking(
            {
                "campaign_id": message.campaign_id,
                "key": f"{key}-arrivals",
                "message_id": message.id,
                "zone_id": zone.id,
                "starts_on": LIVE_NOW.date() - timedelta(days=1),
                "ends_on": LIVE_NOW.date() + timedelta(days=30),
                "weight": 5,
                "priority": 9,
                "slot_duration_s": 12,
            },
            manager,
        )


@pytest.mark.parametrize("lang", ["es", "en"])
def test_write_preview_submit_approve_and_see_it_on_the_screen(
    browser, live_server: str, live_app: Flask, screen_token: str, lang: str
) -> None:  # type: ignore[no-untyped-def]
    words = WORDS[lang]
    key = f"hotline-{lang}"
    with live_app.app_context():
        add_user("ana@example.org", "manager", PASSWORD, now=LIVE_NOW)
        add_user("rosa@example.org", "partner", PASSWORD, now=LIVE_NOW, partner_slug="mimp")
    problems: list[str] = []
    context = browser.new_context(locale=BROWSER_LOCALE[lang], viewport=DESKTOP)
    context.clock.install(time=LIVE_NOW)
    page = context.new_page()
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))

    # 1-2. Sign in, switch language.
    _sign_in(page, live_server, "ana@example.org")
    page.get_by_role("button", name=words["switch"]).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == lang

    # 3. Write a bilingual message and see its preview drawn as the screens get it.
    page.get_by_role("navigation").get_by_role("link", name=words["messages"]).click()
    problems += inspect_page(page, f"flow-{lang}-list")
    page.get_by_role("link", name=words["new"]).click()
    page.fill("#key", key)
    page.fill("#topic", "reporting")
    page.fill("#es-headline", "Denuncia la trata al 1818")
    page.fill("#es-body", "Llamada gratuita y confidencial, las 24 horas.")
    page.fill("#es-call_to_action", "Llama al 1818")
    page.fill("#es-hotline", "1818")
    page.fill("#en-headline", "Report trafficking on 1818")
    page.fill("#en-body", "A free, confidential call, day and night.")
    page.fill("#en-call_to_action", "Call 1818")
    page.fill("#en-hotline", "1818")
    preview = page.locator("figure.preview img").first
    preview.wait_for(state="visible")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=preview.element_handle()
    )
    problems += inspect_page(page, f"flow-{lang}-editor")
    page.get_by_role("button", name=words["save"]).click()
    page.wait_for_url(f"{live_server}/messages/*")

    # 4. Send it for review.
    page.get_by_role("button", name=words["submit"]).click()
    page.wait_for_load_state()
    problems += inspect_page(page, f"flow-{lang}-detail")
    page.get_by_role("button", name=words["sign_out"]).click()
    _book(live_app, key)

    # 5. A partner of the campaign approves it from the review queue.
    _sign_in(page, live_server, "rosa@example.org")
    page.get_by_role("button", name=words["switch"]).click()
    page.wait_for_load_state()
    page.get_by_role("navigation").get_by_role("link", name=words["queue"]).click()
    problems += inspect_page(page, f"flow-{lang}-queue")
    page.get_by_role("link", name="Denuncia la trata al 1818").first.click()
    page.get_by_role("button", name=words["approve"], exact=True).click()
    page.wait_for_load_state()
    assert page.locator(".badge.approved").count() >= 1

    # 6. The screen's preview and its playlist JSON both carry it.
    page.goto(f"{live_server}/?screen=LIM-ARR-01")
    assert page.locator(f"#screen-LIM-ARR-01 figcaption:has-text('{key} ·')").count() >= 1
    problems += inspect_page(page, f"flow-{lang}-overview")
    answer = context.request.get(
        f"{live_server}/api/v1/player/playlist",
        headers={"Authorization": f"Bearer {screen_token}"},
    )
    assert answer.status == 200
    ids = [item["id"] for item in answer.json()["items"]]
    assert any(f"/{key}.v1." in i for i in ids), ids
    assert not problems, "\n".join(problems)
    context.close()
