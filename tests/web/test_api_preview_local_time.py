"""The preview API reads a time without offset in the timezone of the screen's hub."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from campaign.services import places
from campaign.services.network_pages import hub_by_code
from tests.web.test_api_helpers import Caller, caller

URL = "/api/v1/screens/{code}/preview"


@pytest.fixture
def partner(demo: Flask) -> Caller:
    return caller(demo, "p@mimp.example.org", "partner", "mimp")


def preview(client: FlaskClient, who: Caller, code: str, at: str) -> dict[str, object]:
    answer = client.get(URL.format(code=code), query_string={"at": at}, headers=who.headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def messages(body: dict[str, object]) -> set[str]:
    return {item["message"] for item in body["items"]}  # type: ignore[attr-defined, index]


def test_a_local_time_is_the_hubs_clock(demo: Flask, partner: Caller) -> None:
    client = demo.test_client()
    evening = preview(client, partner, "LIM-DEP-02", "2026-12-24T21:00")
    morning = preview(client, partner, "LIM-DEP-02", "2026-12-24T09:00")
    # Lima is UTC-5: 21:00 there is 02:00 UTC the next day.
    assert evening["at"].startswith("2026-12-25T02:00:00")  # type: ignore[union-attr]
    assert evening["local_time"].startswith("2026-12-24T21:00:00-05:00")  # type: ignore[union-attr]
    assert evening["timezone"] == "America/Lima"
    # The departures booking "where to report" runs 18:00-02:00, Lima time.
    assert "where-to-report" in messages(evening) - messages(morning)


def test_an_instant_with_its_offset_is_taken_as_it_is(demo: Flask, partner: Caller) -> None:
    client = demo.test_client()
    local = preview(client, partner, "LIM-DEP-02", "2026-12-24T21:00")
    offset = preview(client, partner, "LIM-DEP-02", "2026-12-25T02:00:00Z")
    assert offset["local_time"] == local["local_time"] and offset["version"] == local["version"]


def test_the_timezone_is_the_screens_hubs(demo: Flask, partner: Caller) -> None:
    with demo.app_context():
        hub = hub_by_code("LIM")
        places.update_hub(hub.id, {"timezone": "Europe/Madrid", "version": hub.lock_version})
    body = preview(demo.test_client(), partner, "LIM-GAT-01", "2026-12-24T21:00")
    assert body["timezone"] == "Europe/Madrid"
    assert body["at"].startswith("2026-12-24T20:00:00")  # type: ignore[union-attr]
    assert body["local_time"].startswith("2026-12-24T21:00:00+01:00")  # type: ignore[union-attr]


@pytest.mark.parametrize("at", ["garbage", "2026-13-40T99:00", "24/12/2026 21:00"])
def test_a_time_that_cannot_be_read_is_422(demo: Flask, partner: Caller, at: str) -> None:
    answer = demo.test_client().get(
        URL.format(code="LIM-DEP-02"), query_string={"at": at}, headers=partner.headers
    )
    assert answer.status_code == 422
    assert "at" in str(answer.get_json())


def test_an_unknown_screen_is_404_with_or_without_an_offset(demo: Flask, partner: Caller) -> None:
    client = demo.test_client()
    for at in ("2026-12-24T21:00", "2026-12-24T21:00:00-05:00"):
        answer = client.get(
            URL.format(code="NOPE"), query_string={"at": at}, headers=partner.headers
        )
        assert answer.status_code == 404


def test_the_schema_says_how_at_is_read(demo: Flask) -> None:
    spec = demo.test_client().get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/screens/{code}/preview"]["get"]
    at = next(p for p in operation["parameters"] if p["name"] == "at")
    assert "without offset" in at["description"] and "hub" in at["description"]
    assert at["schema"]["format"] == "date-time"
    body = spec["components"]["schemas"]["Preview"]
    assert "timezone" in body["properties"] and "timezone" in body["required"]
