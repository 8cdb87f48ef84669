"""/api/v1/calendar-feeds: make a feed (its address in that answer only), list, revoke."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from icalendar import Calendar
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.campaigns import Campaign
from campaign.services.clock import clock_of
from tests.web.test_api_helpers import Caller, staff

LIVE = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
FEEDS = "/api/v1/calendar-feeds"


@pytest.fixture
def people(demo: Flask) -> dict[str, Caller]:
    clock_of(demo).set(LIVE)
    return staff(demo)


def campaign_id(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(Campaign.id))


def test_a_feed_is_made_listed_and_revoked(demo: Flask, people: dict[str, Caller]) -> None:
    client = demo.test_client()
    manager = people["manager"].headers
    body = {"campaign_id": campaign_id(demo), "hub_code": "LIM", "label": "MIMP"}
    made = client.post(FEEDS, json=body, headers=manager)
    assert made.status_code == 201, made.get_json()
    feed = made.get_json()
    assert feed["hub_code"] == "LIM" and feed["status"] == "active"
    assert feed["created_by"] == "manager@example.org"
    assert feed["url"].startswith("http://localhost/calendar/") and feed["url"].endswith(".ics")
    assert feed["webcal_url"] == "webcal://" + feed["url"].removeprefix("http://")
    read = demo.test_client().get(feed["url"])
    assert read.status_code == 200 and read.mimetype == "text/calendar"
    uids = [str(e["UID"]) for e in Calendar.from_ical(read.data).walk("VEVENT")]
    assert uids and all(uid.endswith("-LIM@campaign-scheduler") for uid in uids)
    listed = client.get(FEEDS, headers=people["admin"].headers).get_json()
    assert [f["id"] for f in listed] == [feed["id"]]
    assert "url" not in listed[0] and feed["url"] not in str(listed)  # shown once
    other = client.get(FEEDS, query_string={"campaign_id": 99999}, headers=manager)
    assert other.get_json() == []
    revoked = client.delete(f"{FEEDS}/{feed['id']}", headers=manager)
    assert revoked.status_code == 200 and revoked.get_json()["status"] == "revoked"
    assert revoked.get_json()["revoked_at"].startswith("2026-11-28T17:00:00")
    assert demo.test_client().get(feed["url"]).status_code == 404


def test_refusals_are_json_errors(demo: Flask, people: dict[str, Caller]) -> None:
    client = demo.test_client()
    manager = people["manager"].headers
    unknown = client.post(FEEDS, json={"campaign_id": 99999}, headers=manager)
    assert unknown.status_code == 404 and unknown.get_json()["error"] == "not_found"
    body = {"campaign_id": campaign_id(demo), "hub_code": "NOPE"}
    assert client.post(FEEDS, json=body, headers=manager).status_code == 404
    bad = client.post(FEEDS, json={**body, "hub_code": "lim lim"}, headers=manager)
    assert bad.status_code == 422
    assert client.delete(f"{FEEDS}/99999", headers=manager).status_code == 404
    partner = people["partner"].headers
    assert client.get(FEEDS, headers=partner).status_code == 403
    assert client.post(FEEDS, json=body, headers=partner).status_code == 403
    assert client.get(FEEDS).status_code == 401


def test_the_api_answers_in_english_unless_asked(demo: Flask, people: dict[str, Caller]) -> None:
    client = demo.test_client()
    body = {"campaign_id": 99999}
    english = client.post(FEEDS, json=body, headers=people["manager"].headers)
    assert english.get_json()["detail"] == "There is no campaign 99999."


def test_the_operations_are_in_the_openapi_document(demo: Flask) -> None:
    document = demo.test_client().get("/api/v1/openapi.json").get_json()
    operations = document["paths"]
    assert set(operations[FEEDS]) >= {"get", "post"}
    assert "delete" in operations[FEEDS + "/{feed_id}"]
    created = operations[FEEDS]["post"]["responses"]["201"]["content"]["application/json"]
    assert created["schema"]["$ref"].endswith("/NewCalendarFeed")
