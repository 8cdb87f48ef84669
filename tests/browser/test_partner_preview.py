"""A partner opens a preview link on a phone, sees a message in Spanish and English with its
watermarked slides, approves it, and the audit trail shows the approval with the link."""

from __future__ import annotations

from io import BytesIO

from flask import Flask
from PIL import Image
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.campaigns import Campaign, Partner
from campaign.persistence.messages import Message
from campaign.services import audit, preview_links
from campaign.services.accounts import add_user
from campaign.services.records import PageRequest
from tests.browser.conftest import LIVE_NOW
from tests.browser.inspection import PHONE, inspect_page

PASSWORD = "a long enough password"


def _link(app: Flask) -> tuple[int, str, int, int]:
    """A link of the whole campaign for the ministry, with one of its people as approver."""
    with app.app_context():
        rosa = add_user("rosa@mimp.example.org", "partner", PASSWORD, now=LIVE_NOW,
                        partner_slug="mimp")  # fmt: skip
        campaign = db.session.scalar(select(Campaign))
        mimp = db.session.scalar(select(Partner).filter_by(slug="mimp"))
        row, token = preview_links.make_link(
            campaign.id, mimp.id, "campaign", None, approver_id=rosa.id, label="Comunicaciones"
        )
        line = db.session.scalar(select(Message.id).filter_by(key="violence-line-100"))
        return row.id, f"/p/{token}", line, rosa.id


def test_a_partner_approves_from_a_phone(browser, live_server: str, live_app: Flask) -> None:  # type: ignore[no-untyped-def]
    link_id, path, line, rosa = _link(live_app)
    context = browser.new_context(locale="es-PE", viewport=PHONE)
    context.clock.install(time=LIVE_NOW)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    problems: list[str] = []

    answer = page.goto(f"{live_server}{path}")
    assert answer is not None and answer.status == 200
    assert answer.headers["cache-control"] == "private, no-store"
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("navigation", name="Main").count() == 0  # no managers' menu
    page.set_viewport_size(PHONE)
    problems += inspect_page(page, "partner-es-overview")
    page.set_viewport_size(PHONE)

    page.locator("ul.messages a", has_text="Línea 100").first.click()
    page.wait_for_url(f"{live_server}{path}/messages/{line}")
    main = page.locator("main")
    # Both languages of the version in review, each with its slides.
    assert main.get_by_text("Orientación y apoyo gratuito ante la violencia").is_visible()
    assert main.get_by_text("Free guidance and support against violence").is_visible()
    slides = page.locator("section.review figure.slide img")
    assert slides.count() >= 5  # Spanish and English, landscape and portrait, and bilingual
    for n in range(slides.count()):
        slides.nth(n).scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth === 480",
                               arg=slides.nth(n).element_handle())  # fmt: skip
    picture = page.request.get(live_server + slides.first.get_attribute("src"))
    assert picture.ok and picture.headers["content-type"] == "image/png"
    with Image.open(BytesIO(picture.body())) as image:
        assert image.width == 480
    problems += inspect_page(page, "partner-es-message")
    page.set_viewport_size(PHONE)

    # The language buttons bring the partner back to the same message, in English.
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.url == f"{live_server}{path}/messages/{line}"
    assert page.locator("html").get_attribute("lang") == "en"
    assert main.get_by_text("Orientación y apoyo gratuito ante la violencia").is_visible()
    approve = page.get_by_role("button", name="Approve version 1")
    approve.scroll_into_view_if_needed()
    with page.expect_navigation():
        approve.click()
    assert page.url == f"{live_server}{path}/messages/{line}"
    assert page.locator(".flash.success").is_visible()
    assert page.evaluate("() => window.scrollY") == 0  # the outcome is the first thing seen
    assert "You approved version 1" in page.locator(".flash.success").inner_text()
    assert page.get_by_role("button", name="Approve version 1").count() == 0
    problems += inspect_page(page, "partner-en-message-approved")

    page.goto(f"{live_server}{path}/screens/LIM-GAT-01?at=2026-11-28T21:00")
    assert page.locator("ol.loop li").count() > 0
    problems += inspect_page(page, "partner-en-screen")
    gone = page.goto(f"{live_server}{path}x")
    assert gone is not None and gone.status == 404
    problems += inspect_page(page, "partner-en-error")

    with live_app.app_context():
        events = audit.list_events(
            {"entity": "message_versions", "action": "update"}, PageRequest(per_page=5)
        ).items
        approval = next(e for e in events if (e.after or {}).get("status") == "approved")
    assert approval.actor == f"rosa@mimp.example.org via preview link #{link_id}"
    assert approval.actor_id == rosa and approval.source == "web"
    assert not errors, errors
    assert not problems, "\n".join(problems)
    context.close()
