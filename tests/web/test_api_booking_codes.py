"""The bookings API takes the codes people use (hub, zone, screen, venue type, message key)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from campaign.services.clock import clock_of
from tests.web.test_api_helpers import Caller, caller

NOON_IN_LIMA = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
DATES = {"starts_on": "2026-11-28", "ends_on": "2026-12-20"}


@pytest.fixture
def people(demo: Flask) -> dict[str, Caller]:
    clock_of(demo).set(NOON_IN_LIMA)
    return {
        "manager": caller(demo, "manager@example.org", "manager"),
        "partner": caller(demo, "partner@mimp.example.org", "partner", "mimp"),
    }


@pytest.fixture
def client(demo: Flask) -> FlaskClient:
    return demo.test_client()


def post(client: FlaskClient, who: Caller, **body: Any) -> Any:
    data = {"campaign_slug": "peru-unido-contra-la-trata", **DATES, **body}
    return client.post("/api/v1/bookings", json=data, headers=who.headers)


@pytest.mark.parametrize(
    ("codes", "target"),
    [
        ({"target": "zone:LIM/ARR"}, "zone:LIM/ARR"),
        ({"hub_code": "LIM"}, "hub:LIM"),
        ({"hub_code": "LIM", "zone_code": "DEP"}, "zone:LIM/DEP"),
        ({"zone": "LIM/GAT"}, "zone:LIM/GAT"),
        ({"screen_code": "LIM-BAG-01"}, "screen:LIM-BAG-01"),
        ({"venue_type": "transit.airports.gates"}, "venue:transit.airports.gates"),
        ({"phase_number": 1}, "phase:1"),
    ],
)
def test_a_booking_is_made_with_codes_instead_of_ids(
    client: FlaskClient, people: dict[str, Caller], codes: dict[str, Any], target: str
) -> None:
    made = post(client, people["manager"], key="by-codes", message_key="where-to-report", **codes)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["target"] == target and body["message_key"] == "where-to-report"
    read = client.get(f"/api/v1/bookings/{body['id']}", headers=people["manager"].headers)
    assert read.get_json()["target"] == target


@pytest.mark.parametrize(
    ("codes", "field"),
    [
        ({"message_key": "no-such-message", "hub_code": "LIM"}, "message_key"),
        ({"message_key": "where-to-report", "hub_code": "XXX"}, "hub_code"),
        ({"message_key": "where-to-report", "hub_code": "LIM", "zone_code": "XX"}, "zone_code"),
        ({"message_key": "where-to-report", "zone": "LIM/XX"}, "zone"),
        ({"message_key": "where-to-report", "screen_code": "LIM-XXX-09"}, "screen_code"),
        ({"message_key": "where-to-report", "venue_type": "transit.airports.lounge"},
         "venue_type"),
        ({"message_key": "where-to-report", "phase_number": 9}, "phase_number"),
        ({"message_key": "where-to-report", "target": "zone:LIM/XX"}, "target"),
        ({"message_key": "where-to-report", "campaign_slug": "no-such", "hub_code": "LIM"},
         "campaign_slug"),
    ],
)  # fmt: skip
def test_a_code_that_names_nothing_is_a_422_naming_its_field(
    client: FlaskClient, people: dict[str, Caller], codes: dict[str, Any], field: str
) -> None:
    who = people["manager"]
    refused = post(client, who, key="wrong-code", **codes)
    assert refused.status_code == 422
    body = refused.get_json()
    assert list(body["fields"]["json"]) == [field], body
    assert body["detail"].startswith(f"{field}: ")
    listed = client.get("/api/v1/bookings?per_page=100", headers=who.headers).get_json()
    assert "wrong-code" not in {b["key"] for b in listed["items"]}


def test_two_targets_or_none_are_refused(client: FlaskClient, people: dict[str, Caller]) -> None:
    who = people["manager"]
    both = post(client, who, key="two", message_key="where-to-report", hub_code="LIM",
                screen_code="LIM-BAG-01")  # fmt: skip
    assert both.status_code == 422 and "target" in both.get_json()["fields"]["json"]
    none = post(client, who, key="none", message_key="where-to-report")
    assert none.status_code == 422


def test_dates_outside_the_phases_and_an_empty_window_are_refused(
    client: FlaskClient, people: dict[str, Caller]
) -> None:
    who = people["manager"]
    late = post(client, who, key="late", message_key="where-to-report", hub_code="LIM",
                ends_on="2027-12-31")  # fmt: skip
    assert late.status_code == 422 and list(late.get_json()["fields"]["json"]) == ["ends_on"]
    empty = post(client, who, key="empty", message_key="where-to-report", hub_code="LIM",
                 window_start="22:00:00", window_end="22:00:00")  # fmt: skip
    assert empty.status_code == 422 and list(empty.get_json()["fields"]["json"]) == ["window_end"]
    spanish = {**who.headers, "Accept-Language": "es"}
    answer = client.post(
        "/api/v1/bookings",
        json={"campaign_slug": "peru-unido-contra-la-trata", "key": "x", **DATES,
              "message_key": "nope", "hub_code": "LIM"},
        headers=spanish,
    )  # fmt: skip
    assert answer.status_code == 422 and "nope" in answer.get_json()["detail"]


def test_a_patch_with_a_code_replaces_the_target(
    client: FlaskClient, people: dict[str, Caller]
) -> None:
    who = people["manager"]
    made = post(client, who, key="moving", message_key="where-to-report", zone="LIM/ARR").get_json()
    moved = client.patch(
        f"/api/v1/bookings/{made['id']}",
        json={"version": made["version"], "screen_code": "LIM-DEP-01"},
        headers=who.headers,
    )
    assert moved.status_code == 200, moved.get_json()
    body = moved.get_json()
    assert body["target"] == "screen:LIM-DEP-01" and body["zone_id"] is None


def test_a_partner_cannot_book(client: FlaskClient, people: dict[str, Caller]) -> None:
    refused = post(client, people["partner"], key="partner", message_key="where-to-report",
                   hub_code="LIM")  # fmt: skip
    assert refused.status_code == 403


def test_the_openapi_document_describes_the_codes(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    schema = document["components"]["schemas"]["Booking"]
    for name in ("message_key", "target", "hub_code", "zone", "zone_code", "screen_code",
                 "venue_type", "phase_number", "campaign_slug"):  # fmt: skip
        assert name in schema["properties"], name
        assert schema["properties"][name].get("description"), name
