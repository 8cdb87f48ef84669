"""The kiosk's own plays are believed: it reports what it was served, when it played it."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.persistence.player import PlayRecord, RejectedPlay
from tests.browser.conftest import LIVE_NOW


def _counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        plays = db.session.scalar(select(func.count()).select_from(PlayRecord)) or 0
        rejected = db.session.scalar(select(func.count()).select_from(RejectedPlay)) or 0
        db.session.remove()
    return plays, rejected


def test_the_kiosks_reported_plays_are_accepted(
    browser, live_server: str, screen_token: str, live_app: Flask
) -> None:
    page = browser.new_page(viewport={"width": 960, "height": 540})
    page.clock.install(time=LIVE_NOW)  # the browser's clock starts where the server's is set
    page.goto(f"{live_server}/play#token={screen_token}")
    page.wait_for_selector("img.slide.shown", timeout=15000)
    page.clock.run_for(46_000)  # a few slides played, and the reports sent every 15 s
    for _ in range(100):
        plays, rejected = _counts(live_app)
        if plays >= 2:
            break
        page.wait_for_timeout(100)
    assert plays >= 2 and rejected == 0
    with live_app.app_context():
        rows = db.session.execute(select(PlayRecord.started_at, PlayRecord.booking_key)).all()
    assert all(at >= LIVE_NOW for at, _ in rows) and all(key for _, key in rows)
    page.close()
