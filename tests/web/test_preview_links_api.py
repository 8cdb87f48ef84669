"""/api/v1/preview-links: make a link (its address in that answer only), list, revoke."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.campaigns import Campaign, Partner
from campaign.persistence.messages import Message
from campaign.services.clock import clock_of
from tests.web.test_api_helpers import Caller, staff

LIVE = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
LINKS = "/api/v1/preview-links"


@pytest.fixture
def people(demo: Flask) -> dict[str, Caller]:
    clock_of(demo).set(LIVE)
    return staff(demo)


def body(app: Flask, **values: object) -> dict[str, object]:
    with app.app_context():
        found = {
            "campaign_id": db.session.scalar(select(Campaign.id)),
            "partner_id": db.session.scalar(select(Partner.id).filter_by(slug="mimp")),
        }
    return {**found, **values}


def test_a_link_is_made_listed_and_revoked(demo: Flask, people: dict[str, Caller]) -> None:
    client = demo.test_client()
    manager = people["manager"].headers
    with demo.app_context():
        line = db.session.scalar(select(Message.id).filter_by(key="violence-line-100"))
    made = client.post(
        LINKS,
        json=body(demo, scope="message", message_id=line, approver_id=people["partner"].id,
                  days=14, label="MIMP"),
        headers=manager,
    )  # fmt: skip
    assert made.status_code == 201, made.get_json()
    link = made.get_json()
    assert link["scope"] == "message" and link["message_id"] == line
    assert link["status"] == "active" and link["expires_at"].startswith("2026-12-12T17:00:00")
    assert link["approver"] == "partner@mimp.example.org" and link["target"] == "Message «Line 100»"
    assert link["url"].startswith("http://localhost/p/")
    opened = demo.test_client().get(link["url"])
    assert opened.status_code == 200 and "Línea 100" in opened.get_data(as_text=True)
    listed = client.get(LINKS, headers=people["admin"].headers).get_json()
    assert [row["id"] for row in listed] == [link["id"]]
    assert "url" not in listed[0] and link["url"] not in str(listed)  # shown once
    assert listed[0]["last_opened_at"].startswith("2026-11-28T17:00:00")
    assert client.get(LINKS, query_string={"campaign_id": 99999}, headers=manager).get_json() == []
    revoked = client.post(f"{LINKS}/{link['id']}/revoke", headers=manager)
    assert revoked.status_code == 200 and revoked.get_json()["status"] == "revoked"
    assert demo.test_client().get(link["url"]).status_code == 410


def test_refusals_are_json_errors(demo: Flask, people: dict[str, Caller]) -> None:
    client = demo.test_client()
    manager = people["manager"].headers
    missing = client.post(LINKS, json=body(demo, campaign_id=99999), headers=manager)
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
    hub = client.post(LINKS, json=body(demo, scope="hub"), headers=manager)
    assert hub.status_code == 422 and hub.get_json()["detail"] == "Choose the hub the link covers."
    outsider = client.post(
        LINKS, json=body(demo, approver_id=people["outsider"].id), headers=manager
    )
    assert outsider.status_code == 422
    assert client.post(LINKS, json=body(demo, scope="all"), headers=manager).status_code == 422
    assert client.post(LINKS, json=body(demo, days=181), headers=manager).status_code == 422
    assert client.post(f"{LINKS}/99999/revoke", headers=manager).status_code == 404
    partner = people["partner"].headers
    assert client.get(LINKS, headers=partner).status_code == 403
    assert client.post(LINKS, json=body(demo), headers=partner).status_code == 403
    assert client.get(LINKS).status_code == 401


def test_the_api_says_why_a_lifetime_is_refused(demo: Flask, people: dict[str, Caller]) -> None:
    headers = {**people["manager"].headers, "Accept-Language": "en"}
    answer = demo.test_client().post(LINKS, json=body(demo, days=500), headers=headers)
    assert answer.status_code == 422
    assert answer.get_json()["detail"] == "A link lasts from 1 to 180 days."
