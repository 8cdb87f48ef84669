"""Every page of the web app, in both languages, at phone and desktop widths: axe-core's WCAG 2.1
AA rules with no serious or critical violation, and no sideways scrolling at 390 px."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Partner, Phase
from campaign.persistence.messages import Message
from campaign.persistence.network import Zone
from campaign.persistence.posters import Poster
from campaign.services import auth, calendar_feeds, messages, preview_links
from campaign.services.accounts import add_user
from tests.browser.conftest import LIVE_NOW
from tests.browser.inspection import DESKTOP, inspect_page

PASSWORD = "a long enough password"
PAGE_AREAS = {
    "overview", "account", "editor", "workflow", "library", "signin", "docs", "admin", "network",
    "dashboard", "timetable", "calendars", "press_kits",
    "delivery", "phase_reports", "preview_links", "partner_view", "reports",
}  # fmt: skip
# Endpoints of those areas that answer a picture or a file, not a page.
NOT_PAGES = {
    "docs.bundle", "editor.preview", "library.crop", "library.picture", "library.thumb",
    "admin.audit.export", "calendars.feed", "network.expansion.overview_csv",
    "press_kits.download", "delivery.export", "phase_reports.pdf",
    "partner_view.picture", "reports.table_csv",
}  # fmt: skip


def _paths(ids: dict[str, int]) -> dict[str, str]:
    message_id, poster_id, zone_id = ids["message"], ids["poster"], ids["zone"]
    user_id, token_id, feed_id = ids["user"], ids["token"], ids["feed"]
    return {
        "overview.index": "/?screen=LIM-ARR-01",
        "dashboard.index": "/dashboard",
        "timetable.index": "/bookings",
        "timetable.new": "/bookings/new",
        "timetable.detail": "/bookings/4",
        "timetable.edit": "/bookings/4/edit",
        "timetable.delete": "/bookings/1/delete",
        "timetable.timeline": "/bookings/timeline?hub=LIM&zone=ARR&week=2026-11-23",
        "account.index": "/account",
        "editor.index": "/messages",
        "editor.new": "/messages/new",
        "editor.edit": f"/messages/{message_id}/edit",
        "workflow.detail": f"/messages/{message_id}",
        "workflow.diff": f"/messages/{message_id}/diff",
        "workflow.switch": f"/messages/{message_id}/pause",
        "workflow.queue": "/reviews",
        "library.index": "/posters",
        "library.upload_form": "/posters/upload",
        "library.detail": f"/posters/{poster_id}",
        "library.delete_form": f"/posters/{poster_id}/delete",
        "docs.index": "/api/v1/docs",
        "admin.index": "/admin",
        "admin.phases": "/admin/phases",
        "admin.phase_new": "/admin/phases/new",
        "admin.phase_edit": "/admin/phases/2/edit",
        "admin.partners": "/admin/partners",
        "admin.partner_new": "/admin/partners/new",
        "admin.partner_edit": "/admin/partners/2/edit",
        "admin.users": "/admin/users",
        "admin.user_new": "/admin/users/new",
        "admin.user_edit": f"/admin/users/{user_id}/edit",
        "admin.tokens": f"/admin/users/{user_id}/tokens",
        "admin.token_revoke": f"/admin/users/{user_id}/tokens/{token_id}/revoke",
        "admin.audit.index": "/admin/audit?action=login",
        "admin.phase.show": "/admin/phases/1",
        "admin.phase.cancel": "/admin/phases/2/cancel",
        # Phase 1 a week longer: the preview of the bookings that move with its end.
        "admin.phase.dates": f"/admin/phases/1/dates?ends_on={ids['longer_end']}",
        "calendars.index": "/calendars",
        "calendars.revoke": f"/calendars/{feed_id}/revoke",
        "network.index": "/screens?hub=LIM",
        "network.hubs": "/hubs",
        "network.hub_new": "/hubs/new",
        "network.hub": "/hubs/LIM",
        "network.expansion.overview": "/hubs/overview",
        "network.expansion.open": "/hubs/open",
        "network.hub_edit": "/hubs/LIM/edit",
        "network.zone_new": "/zones/new?hub=LIM",
        "network.zone": f"/zones/{zone_id}",
        "network.zone_edit": f"/zones/{zone_id}/edit",
        "network.screen_new": "/screens/new",
        "network.screen": "/screens/LIM-GAT-01",
        "network.screen_edit": "/screens/LIM-GAT-01/edit",
        "network.rotate": "/screens/LIM-GAT-01/rotate",
        "network.revoke": "/screens/LIM-GAT-01/revoke",
        "network.plays": "/screens/LIM-GAT-01/plays?at=2026-11-28T21:00",
        "press_kits.show": "/phases/1/press-kit",
        "delivery.index": "/reports/delivery?campaign=peru-unido-contra-la-trata&phase=1",
        "phase_reports.show": "/reports/phases/1",
        "reports.index": "/reports?phase=1",
        "preview_links.index": "/previews",
        "preview_links.revoke": f"/previews/{ids['preview_link']}/revoke",
        "partner_view.overview": f"/p/{ids['preview_token']}",
        "partner_view.message": f"/p/{ids['preview_token']}/messages/{message_id}",
        "partner_view.screen": f"/p/{ids['preview_token']}/screens/LIM-GAT-01?at=2026-11-28T21:00",
    }


def test_the_list_of_pages_is_complete(live_app: Flask) -> None:
    """A new page must be added to the list above, so that it is checked too."""
    pages = {
        rule.endpoint
        for rule in live_app.url_map.iter_rules()
        if rule.endpoint.partition(".")[0] in PAGE_AREAS and "GET" in (rule.methods or ())
    }
    ids = dict.fromkeys(
        (
            "message",
            "poster",
            "zone",
            "user",
            "token",
            "feed",
            "longer_end",
            "preview_link",
            "preview_token",
        ),
        1,
    )
    checked = set(_paths(ids)) | NOT_PAGES | {"signin.login_form"}
    assert pages - checked == set()


def _second_version(app: Flask) -> int:
    """The demo's first message with a newer draft, so history and diff have two versions."""
    with app.app_context():
        manager = db.session.scalar(select(User).filter_by(email="ana@example.org"))
        message = db.session.scalar(select(Message).filter_by(key="zero-tolerance"))
        messages.edit_texts(
            message.id,
            manager,
            {"es": {"headline": "Tolerancia total a la trata de personas"}},
            version=message.lock_version,
        )
        return message.id


def _png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (800, 450), (11, 61, 145)).save(out, "PNG")
    return out.getvalue()


PARTS = 2  # the pages in this many shares per language, so that the test workers share them


@pytest.mark.parametrize("part", range(PARTS))
@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_page_passes_in_both_languages(  # type: ignore[no-untyped-def]
    browser, live_server: str, live_app: Flask, lang: str, part: int
) -> None:
    with live_app.app_context():  # an administrator sees every area
        ana = add_user("ana@example.org", "admin", PASSWORD, now=LIVE_NOW)
        token, _secret = auth.create_token(ana, "laptop", now=LIVE_NOW)
        zone_id = db.session.scalar(select(Zone.id).filter_by(code="DEP"))
        first = db.session.scalar(select(Phase).filter_by(number=1))
        feed, _url_token = calendar_feeds.create_feed(first.campaign_id, None, "Socios", None)
        mimp = db.session.scalar(select(Partner.id).filter_by(slug="mimp"))
        link, preview_token = preview_links.make_link(first.campaign_id, mimp, "campaign", None)
        longer_end = (first.ends_on + timedelta(days=7)).isoformat()
        ids = {"user": ana.id, "token": token.id, "zone": zone_id, "feed": feed.id}
        ids["longer_end"] = longer_end  # type: ignore[assignment]
        ids["preview_link"] = link.id
        ids["preview_token"] = preview_token  # type: ignore[assignment]
    ids["message"] = _second_version(live_app)
    context = browser.new_context(locale="es-PE", viewport=DESKTOP)
    context.clock.install(time=LIVE_NOW)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    problems = []

    page.goto(f"{live_server}/login")
    if (lang, part) == ("es", 0):
        problems += inspect_page(page, "page-es-login")
    page.fill("#email", "ana@example.org")
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server}/")

    # A poster, uploaded through its page, so the poster pages have one to show.
    page.goto(f"{live_server}/posters/upload")
    page.set_input_files("#file", files=[{"name": "cartel.png", "mimeType": "image/png",
                                          "buffer": _png()}])  # fmt: skip
    page.fill("#label", "Cartel de llegadas")
    page.select_option("#message", "zero-tolerance")
    page.locator("#upload-form button[type=submit]").click()
    page.wait_for_timeout(500)
    with live_app.app_context():
        poster_id = db.session.scalar(select(Poster.id).filter_by(label="Cartel de llegadas"))
    assert poster_id is not None
    ids["poster"] = poster_id

    if lang == "en":
        page.goto(f"{live_server}/account")
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
    for endpoint, path in sorted(_paths(ids).items())[part::PARTS]:
        answer = page.goto(f"{live_server}{path}")
        assert answer is not None and answer.status == 200, f"{path}: {answer and answer.status}"
        if endpoint == "docs.index":  # the API's page speaks the browser's language
            page.wait_for_selector(".opblock")
        else:
            assert page.locator("html").get_attribute("lang") == lang, path
        problems += inspect_page(page, f"page-{lang}-{endpoint.replace('.', '-')}")
    assert not errors, errors
    assert not problems, "\n".join(problems)
    context.close()
