"""The calendar feeds page (staff only) and the public feed URL a partner's calendar app reads."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.campaigns import Campaign
from campaign.persistence.network import Hub
from campaign.services.clock import clock_of
from campaign.services.plans import load_plan
from tests.conftest import DEMO_PLAN, make_test_app, reset_database
from tests.web.signing import signed_in
from tests.web.test_api_helpers import PASSWORD, caller

LIVE = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
FEED = re.compile(r'value="(http://localhost/calendar/([^"]+)\.ics)"')


@pytest.fixture
def live(demo: Flask) -> Flask:
    clock_of(demo).set(LIVE)
    return demo


@pytest.fixture
def manager(live: Flask) -> FlaskClient:
    return signed_in(live, "manager", locale="en")


def campaign_id(app: Flask) -> str:
    with app.app_context():
        return str(db.session.scalar(select(Campaign.id)))


def make_feed(client: FlaskClient, app: Flask, **form: str) -> tuple[str, str]:
    data = {"campaign_id": campaign_id(app), "hub": "", "label": "MIMP", **form}
    answer = client.post("/calendars", data=data)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    html = answer.get_data(as_text=True)
    found = FEED.search(html)
    assert found is not None
    return found.group(1), html


def test_a_new_feed_shows_its_address_once_and_the_address_is_a_calendar(
    live: Flask, manager: FlaskClient
) -> None:
    url, html = make_feed(manager, live)
    assert f'value="webcal://{url.removeprefix("http://")}"' in html
    assert 'data-copy="feed-url"' in html and "network-copy.js" in html
    listing = manager.get("/calendars").get_data(as_text=True)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert token not in listing  # shown once: the list never carries it
    assert "MIMP" in listing and "manager-iom@example.org" in listing
    anonymous = live.test_client()
    feed = anonymous.get(url.removeprefix("http://localhost"))
    assert feed.status_code == 200
    assert feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert feed.headers["Cache-Control"] == "private, max-age=300"
    calendar = Calendar.from_ical(feed.data)
    assert len(calendar.walk("VEVENT")) > 5 and calendar.walk("VTIMEZONE")
    again = anonymous.get(url, headers={"If-None-Match": feed.headers["ETag"]})
    assert again.status_code == 304


def test_a_hub_feed_and_a_refused_hub(live: Flask, manager: FlaskClient) -> None:
    url, _html = make_feed(manager, live, hub="CUZ", label="Cusco")
    body = live.test_client().get(url).get_data(as_text=True)
    assert "-CUZ@campaign-scheduler" in body and "-LIM@campaign-scheduler" not in body
    with live.app_context():
        db.session.add(Hub(code="MAD", name="Madrid", kind="airport", timezone="Europe/Madrid"))
        db.session.commit()
    refused = manager.post(
        "/calendars", data={"campaign_id": campaign_id(live), "hub": "MAD", "label": ""}
    )
    assert refused.status_code == 422  # MAD is in no phase: not even offered
    assert 'id="hub-error"' in refused.get_data(as_text=True)


def test_revoking_asks_first_then_the_address_answers_a_plain_404(
    live: Flask, manager: FlaskClient
) -> None:
    url, _html = make_feed(manager, live)
    listing = manager.get("/calendars").get_data(as_text=True)
    revoke = re.search(r'href="(/calendars/\d+/revoke)"', listing).group(1)
    confirm = manager.get(revoke)
    assert confirm.status_code == 200 and "MIMP" in confirm.get_data(as_text=True)
    assert live.test_client().get(url).status_code == 200  # asking changed nothing
    done = manager.post(revoke)
    assert done.status_code == 303 and done.headers["Location"].startswith("/calendars#feed-")
    gone = live.test_client().get(url)
    assert gone.status_code == 404
    assert gone.mimetype == "text/plain" and gone.get_data(as_text=True) == "Not found\n"
    assert "revoked" in manager.get("/calendars").get_data(as_text=True)
    assert manager.get(revoke).status_code == 200  # says it was already revoked
    assert manager.get("/calendars/99999/revoke").status_code == 404


def test_a_tampered_or_made_up_address_is_the_same_404(live: Flask, manager: FlaskClient) -> None:
    url, _html = make_feed(manager, live)
    path = url.removeprefix("http://localhost")
    client = live.test_client()
    payload, _dot, signature = path.removesuffix(".ics").rpartition(".")
    # The signature's first character: its last one has spare bits that decode the same.
    tampered = f"{payload}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}.ics"
    for bad in (tampered, "/calendar/nothing.ics", "/calendar/" + "a" * 400 + ".ics"):
        answer = client.get(bad)
        assert answer.status_code == 404 and answer.get_data(as_text=True) == "Not found\n"


def test_only_staff_see_the_page(live: Flask) -> None:
    anonymous = live.test_client().get("/calendars")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    partner = signed_in(live, "partner", "mimp", locale="en")
    assert partner.get("/calendars").status_code == 403
    assert partner.post("/calendars", data={"campaign_id": "1"}).status_code == 403
    admin = signed_in(live, "admin", locale="en")
    assert admin.get("/calendars").status_code == 200
    index = admin.get("/admin").get_data(as_text=True)
    assert 'href="/calendars"' in index


def test_the_page_in_spanish_and_its_navigation(live: Flask) -> None:
    client = signed_in(live, "manager", locale="es")
    html = client.get("/calendars").get_data(as_text=True)
    assert '<html lang="es">' in html
    assert re.search(r'<a href="/admin" aria-current="page">', html)  # under Administration


def test_the_form_needs_its_csrf_token_but_the_feed_needs_nothing(
    database_url: str, tmp_path: Path
) -> None:
    app = make_test_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        reset_database()
        load_plan(DEMO_PLAN.read_text(encoding="utf-8"), str(DEMO_PLAN))
    try:
        caller(app, "m@example.org", "manager")
        client = app.test_client()
        token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
        signing_in = {"email": "m@example.org", "password": PASSWORD}
        answer = client.post("/api/v1/auth/login", json=signing_in, headers={"X-CSRFToken": token})
        assert answer.status_code == 200
        form = {"campaign_id": campaign_id(app), "hub": "", "label": "x"}
        assert client.post("/calendars", data=form).status_code == 400
        page = client.get("/calendars").get_data(as_text=True)
        form["csrf_token"] = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        made = client.post("/calendars", data=form)
        assert made.status_code == 201
        url = FEED.search(made.get_data(as_text=True)).group(1)
        assert app.test_client().get(url).status_code == 200  # no cookie, no token: the URL
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
