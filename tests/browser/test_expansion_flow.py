"""Issue 12's expansion in a real browser: a manager opens a hub from Lima's kit (preview, then
apply), finds it in the overview of every hub, and once its phase is funded and under way its
new screen's poll carries the messages copied from Lima, and not before."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.campaigns import Phase
from campaign.services import campaigns
from campaign.services.accounts import add_user
from campaign.services.clock import clock_of
from campaign.services.screens import issue_token
from tests.browser.conftest import LIVE_NOW
from tests.browser.inspection import DESKTOP, inspect_page

PASSWORD = "a long enough password"
# Phase 2 of the demo runs from 6 February to 6 May 2027: noon in Lima on 10 February.
INSIDE_PHASE_2 = datetime(2027, 2, 10, 17, 0, tzinfo=UTC)
# What Lima's phase 1 books on every hub screen and on its arrivals hall, copied to Trujillo.
COPIED = ("recognise-the-signs", "tourism-without-exploitation")


def _messages(context, server: str, token: str) -> set[str]:  # type: ignore[no-untyped-def]
    answer = context.request.get(
        f"{server}/api/v1/player/playlist", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status == 200, answer.text()
    return {item["message"] for item in answer.json()["items"]}


def test_open_a_hub_from_lima_and_see_it_play_when_its_phase_is_active(
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

    # 1. From the hubs list of the Screens area, open a hub from Lima's kit into phase 2.
    page.goto(f"{live_server}/hubs")
    page.locator("main a[href='/hubs/open']").click()
    page.wait_for_url(f"{live_server}/hubs/open")
    page.fill("#code", "tru")
    page.fill("#name", "Aeropuerto Internacional Capitán FAP Carlos Martínez de Pinillos")
    page.fill("#region", "La Libertad")
    page.fill("#latitude", "-8,0814")
    page.fill("#longitude", "-79,1088")
    page.fill("#yearly_passengers", "1 200 000")
    assert page.locator("#source_hub").input_value() == "LIM"
    page.select_option("#phase", "peru-unido-contra-la-trata:2")
    problems += inspect_page(page, "expansion-es-open-form")
    page.locator("main button[name=action][value=preview]").click()
    page.wait_for_selector("section.plan")
    assert page.locator("section.plan code", has_text="TRU-ARR-01").count() == 1
    assert page.locator("section.plan code", has_text="tru-arrivals-tourism").count() == 1
    problems += inspect_page(page, "expansion-es-open-preview")
    page.locator("main button[name=action][value=apply]").click()
    page.wait_for_url(f"{live_server}/hubs/TRU")
    assert page.locator("main a", has_text="TRU-GAT-01").count() == 1

    # 2. It is in the overview of every hub, in phase 2, with its six planned screens.
    page.goto(f"{live_server}/hubs/overview")
    row = page.locator("table.hub-overview tr", has=page.locator("a[href='/hubs/TRU']"))
    assert row.count() == 1
    assert "Fase 2" in row.inner_text()
    assert row.locator("td.num").first.inner_text().strip() == "6"
    problems += inspect_page(page, "expansion-es-overview")

    # 3. Phase 2 is funded and a new screen installed (its token issued); before the phase
    # starts, the screen's poll carries nothing copied from Lima.
    with live_app.app_context():
        phase = db.session.scalar(select(Phase).filter_by(number=2))
        campaigns.update_phase(phase.id, {"funding_status": "confirmed"})
        token = issue_token("TRU-ARR-01", now=LIVE_NOW)
    before = _messages(context, live_server, token)
    assert not before & set(COPIED), before

    # 4. Inside phase 2 the same poll plays the messages copied from Lima.
    clock_of(live_app).set(INSIDE_PHASE_2)
    during = _messages(context, live_server, token)
    assert set(COPIED) <= during, during
    assert "zero-tolerance" in during

    assert not errors, errors
    assert not problems, "\n".join(problems)
    context.close()
