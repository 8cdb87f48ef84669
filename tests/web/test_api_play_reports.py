"""The reports API: plays by each dimension, uptime and audience; a bad filter is a 422."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from campaign.services.clock import clock_of
from tests.services.report_fixture import AT, add_other_campaign, load_report_fixture
from tests.web.test_api_helpers import caller

DAYS = {"from": "2026-11-25", "to": "2026-11-28"}


@pytest.fixture
def live(demo: Flask) -> Flask:
    clock_of(demo).set(AT)
    with demo.app_context():
        load_report_fixture()
        add_other_campaign()
    return demo


@pytest.fixture
def api(live: Flask) -> tuple[FlaskClient, dict[str, str]]:
    return live.test_client(), caller(live, "manager@example.org", "manager").headers


def test_plays_by_every_dimension(api: tuple[FlaskClient, dict[str, str]]) -> None:
    client, headers = api
    by_hub = client.get(
        "/api/v1/reports/plays", query_string={**DAYS, "by": "hub"}, headers=headers
    )
    assert by_hub.status_code == 200
    body = by_hub.get_json()
    assert body["filter"] == {
        "campaign": "peru-unido-contra-la-trata",
        "phase": None,
        "hub": None,
        "from": "2026-11-25",
        "to": "2026-11-28",
    }
    assert body["total"]["plays"] == 216 and body["total"]["seconds"] == 2315.5
    assert (body["rolled_up_plays"], body["recent_plays"]) == (210, 6)
    assert [(r["key"], r["plays"], r["seconds"]) for r in body["rows"]] == [
        ("CUZ", 21, 210.0),
        ("LIM", 195, 2105.5),
    ]
    by_day = client.get("/api/v1/reports/plays", query_string=DAYS, headers=headers).get_json()
    assert by_day["by"] == "day" and [r["plays"] for r in by_day["rows"]] == [0, 160, 51, 5]
    lang = client.get(
        "/api/v1/reports/plays", query_string={**DAYS, "by": "lang"}, headers=headers
    ).get_json()
    assert {r["key"]: r["plays"] for r in lang["rows"]} == {"es": 133, "en": 52, "es+en": 31}


def test_a_bad_filter_answers_422_naming_the_argument(
    api: tuple[FlaskClient, dict[str, str]],
) -> None:
    client, headers = api
    reversed_days = client.get(
        "/api/v1/reports/plays", query_string={"from": "2026-11-28", "to": "2026-11-25"},
        headers=headers,
    )  # fmt: skip
    assert reversed_days.status_code == 422
    body = reversed_days.get_json()
    assert body["error"] == "invalid"
    assert body["fields"] == {
        "query": {"to": ["The last day comes before the first day: swap them."]}
    }
    too_long = client.get(
        "/api/v1/reports/uptime", query_string={"from": "2020-01-01"}, headers=headers
    )
    assert too_long.status_code == 422 and "to" in too_long.get_json()["fields"]["query"]
    outside = client.get(
        "/api/v1/reports/plays", query_string={**DAYS, "phase": 2}, headers=headers
    )  # phase 2 begins in 2027
    assert outside.status_code == 422 and "from" in outside.get_json()["fields"]["query"]
    by = client.get("/api/v1/reports/plays", query_string={"by": "weather"}, headers=headers)
    assert by.status_code == 422
    hub = client.get("/api/v1/reports/plays", query_string={"hub": "NOWHERE"}, headers=headers)
    assert hub.status_code == 422 and "hub" in hub.get_json()["fields"]["query"]


def test_uptime_and_audience(api: tuple[FlaskClient, dict[str, str]]) -> None:
    client, headers = api
    one_day = {"from": "2026-11-28", "to": "2026-11-28", "hub": "LIM"}
    uptime = client.get("/api/v1/reports/uptime", query_string=one_day, headers=headers).get_json()
    assert uptime["share"] == 0.0625 and "heartbeats" in uptime["formula"]
    assert uptime["hubs"] == [
        {"hub": "LIM", "name": "Aeropuerto Internacional Jorge Chávez", "screens": 6,
         "hours": 72, "up_hours": 4.5, "share": 0.0625},
    ]  # fmt: skip
    arrivals = next(s for s in uptime["screens"] if s["screen"] == "LIM-ARR-01")
    assert (arrivals["hours"], arrivals["up_hours"]) == (12, 3.5)
    audience = client.get("/api/v1/reports/audience", query_string=DAYS, headers=headers)
    hubs = {h["hub"]: h for h in audience.get_json()["hubs"]}
    assert hubs["LIM"]["estimate"] == 197_260 and hubs["AQP"]["estimate"] is None
    assert "365" in audience.get_json()["formula"]


def test_partners_see_only_their_campaigns(live: Flask) -> None:
    client = live.test_client()
    partner = caller(live, "p@mimp.example.org", "partner", "mimp").headers
    mine = client.get("/api/v1/reports/plays", query_string=DAYS, headers=partner)
    assert mine.status_code == 200 and mine.get_json()["total"]["plays"] == 216
    other = client.get(
        "/api/v1/reports/plays", query_string={**DAYS, "campaign": "otra-campana"}, headers=partner
    )
    assert other.status_code == 404
    assert client.get("/api/v1/reports/plays").status_code == 401
