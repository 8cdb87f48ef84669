"""The phase lifecycle over HTTP: funding decisions, cancelling, moving dates (dry run first),
recorded transitions, and a phase's status in its answer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.campaigns import Phase
from campaign.persistence.messages import Booking
from campaign.services import phase_lifecycle
from campaign.services.clock import clock_of
from tests.web.test_api_helpers import Caller, staff

LIVE = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)


@pytest.fixture
def people(demo: Flask) -> dict[str, Caller]:
    clock_of(demo).set(LIVE)
    return staff(demo)


@pytest.fixture
def client(demo: Flask) -> FlaskClient:
    return demo.test_client()


def phase_id(app: Flask, number: int) -> int:
    with app.app_context():
        found = db.session.scalar(select(Phase.id).filter_by(number=number))
        assert found is not None
        return found


def read(client: FlaskClient, caller: Caller, number: int, app: Flask) -> dict[str, Any]:
    answer = client.get(f"/api/v1/phases/{phase_id(app, number)}", headers=caller.headers)
    assert answer.status_code == 200
    return answer.get_json()  # type: ignore[no-any-return]


def booking_dates(app: Flask, key: str) -> tuple[str, str]:
    with app.app_context():
        row = db.session.scalar(select(Booking).filter_by(key=key))
        assert row is not None
        return row.starts_on.isoformat(), row.ends_on.isoformat()


def test_a_phase_answers_its_lifecycle_at_each_hub(
    demo: Flask, client: FlaskClient, people: dict[str, Caller]
) -> None:
    first = read(client, people["manager"], 1, demo)
    assert (first["status"], first["status_by_hub"]) == ("active", {"LIM": "active"})
    assert first["cancelled_at"] is None and first["cancel_reason"] == ""
    second = read(client, people["manager"], 2, demo)
    assert second["status_by_hub"] == {"AQP": "planned", "CUZ": "planned", "LIM": "planned"}


def test_funding_decisions_are_recorded_and_listed_with_who_and_when(
    demo: Flask, client: FlaskClient, people: dict[str, Caller]
) -> None:
    manager = people["manager"]
    url = f"/api/v1/phases/{phase_id(demo, 2)}/funding"
    made = client.post(
        url,
        json={"status": "confirmed", "amount": "30000.00", "currency": "PEN", "note": "Embassy"},
        headers=manager.headers,
    )
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["status"], body["amount"], body["currency"]) == ("confirmed", "30000.00", "PEN")
    assert (body["decided_by_id"], body["decided_by"]) == (manager.id, manager.email)
    assert body["decided_at"].startswith("2026-11-28T15:00:00")
    history = client.get(url, headers=manager.headers).get_json()
    assert [d["note"] for d in history] == ["Embassy"]
    phase = read(client, manager, 2, demo)
    assert (phase["funding_status"], phase["budget"], phase["currency"]) == (
        "confirmed",
        "30000.00",
        "PEN",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "confirmed", "amount": "-5"}, "amount"),
        ({"status": "maybe"}, "status"),
        ({"status": "confirmed", "currency": "usd"}, "currency"),
        ({}, "status"),
    ],
)
def test_a_bad_funding_decision_gets_422_naming_the_field(
    demo: Flask, client: FlaskClient, people: dict[str, Caller], body: dict[str, Any], field: str
) -> None:
    url = f"/api/v1/phases/{phase_id(demo, 2)}/funding"
    answer = client.post(url, json=body, headers=people["manager"].headers)
    assert answer.status_code == 422
    assert field in str(answer.get_json())
    assert client.get(url, headers=people["manager"].headers).get_json() == []


def test_cancelling_needs_a_reason_and_then_refuses_more_funding(
    demo: Flask, client: FlaskClient, people: dict[str, Caller]
) -> None:
    manager, third = people["manager"], phase_id(demo, 3)
    no_reason = client.post(f"/api/v1/phases/{third}/cancel", json={}, headers=manager.headers)
    assert no_reason.status_code == 422 and "reason" in str(no_reason.get_json())
    answer = client.post(
        f"/api/v1/phases/{third}/cancel", json={"reason": "No donor"}, headers=manager.headers
    )
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["status"] == "cancelled" and body["cancel_reason"] == "No donor"
    assert body["cancelled_at"].startswith("2026-11-28T15:00:00")
    refused = client.post(
        f"/api/v1/phases/{third}/funding", json={"status": "confirmed"}, headers=manager.headers
    )
    assert refused.status_code == 422
    assert refused.get_json()["detail"] == (
        "Phase 3 is cancelled: its funding can no longer change."
    )


def test_a_dry_run_answers_the_plan_and_saves_nothing_then_applying_moves_the_bookings(
    demo: Flask, client: FlaskClient, people: dict[str, Caller]
) -> None:
    manager, first = people["manager"], phase_id(demo, 1)
    url = f"/api/v1/phases/{first}/resize"
    dry = client.post(url, json={"ends_on": "2027-02-20", "dry_run": True}, headers=manager.headers)
    assert dry.status_code == 200, dry.get_json()
    plan = dry.get_json()
    assert plan["allowed"] and not plan["applied"] and plan["refusals"] == []
    moved = {m["key"]: (m["old_ends_on"], m["new_ends_on"]) for m in plan["moves"]}
    assert moved["phase1-recognise"] == ("2027-02-05", "2027-02-20") and len(moved) == 5
    assert booking_dates(demo, "phase1-recognise") == ("2026-11-07", "2027-02-05")
    no_version = client.post(url, json={"ends_on": "2027-02-20"}, headers=manager.headers)
    assert no_version.status_code == 422 and "version" in str(no_version.get_json())
    applied = client.post(
        url,
        json={
            "ends_on": "2027-02-20",
            "version": plan["version"],
            "fingerprint": plan["fingerprint"],
        },
        headers=manager.headers,
    )
    assert applied.status_code == 200, applied.get_json()
    assert applied.get_json()["applied"] and applied.get_json()["version"] == plan["version"] + 1
    assert booking_dates(demo, "phase1-recognise") == ("2026-11-07", "2027-02-20")
    stale = client.post(
        url, json={"ends_on": "2027-02-25", "version": plan["version"]}, headers=manager.headers
    )
    assert stale.status_code == 409


def test_refused_dates_get_the_reason_in_one_line_and_change_nothing(
    demo: Flask, client: FlaskClient, people: dict[str, Caller]
) -> None:
    manager, second = people["manager"], phase_id(demo, 2)
    version = read(client, manager, 2, demo)["version"]
    url = f"/api/v1/phases/{second}/resize"
    body = {"starts_on": "2026-11-01", "version": version}
    dry = client.post(url, json={**body, "dry_run": True}, headers=manager.headers).get_json()
    assert not dry["allowed"] and "is in the past" in dry["refusals"][0]
    answer = client.post(url, json=body, headers=manager.headers)
    assert answer.status_code == 422
    assert (
        "\n" not in answer.get_json()["detail"] and "is in the past" in answer.get_json()["detail"]
    )
    assert read(client, manager, 2, demo)["starts_on"] == "2027-02-06"
    patched = client.patch(
        f"/api/v1/phases/{second}",
        json={"starts_on": "2026-11-01", "version": version},
        headers=manager.headers,
    )
    assert patched.status_code == 422 and "is in the past" in patched.get_json()["detail"]


def test_the_phase_patch_moves_the_edge_bookings_too(
    demo: Flask, client: FlaskClient, people: dict[str, Caller]
) -> None:
    manager = people["manager"]
    first = read(client, manager, 1, demo)
    answer = client.patch(
        f"/api/v1/phases/{first['id']}",
        json={"ends_on": "2027-02-12", "version": first["version"]},
        headers=manager.headers,
    )
    assert answer.status_code == 200, answer.get_json()
    assert booking_dates(demo, "arrivals-tourism") == ("2026-11-07", "2027-02-12")


def test_recorded_transitions_are_listed_in_the_order_they_happened(
    demo: Flask, client: FlaskClient, people: dict[str, Caller]
) -> None:
    later = datetime(2027, 3, 1, tzinfo=UTC)
    with demo.app_context():
        phase_lifecycle.record_transitions(later)
    answer = client.get(
        f"/api/v1/phases/{phase_id(demo, 1)}/transitions", headers=people["manager"].headers
    )
    assert answer.status_code == 200
    rows = answer.get_json()
    assert [(r["hub_code"], r["state"]) for r in rows] == [("LIM", "active"), ("LIM", "completed")]
    assert rows[1]["at"].startswith("2027-02-06T05:00:00")
    assert rows[1]["recorded_at"].startswith("2027-03-01T00:00:00")
    assert datetime.fromisoformat(rows[0]["at"]) == datetime(2026, 11, 7, 5, tzinfo=UTC)


def test_partners_may_not_touch_the_lifecycle(
    demo: Flask, client: FlaskClient, people: dict[str, Caller]
) -> None:
    second = phase_id(demo, 2)
    partner = people["partner"].headers
    assert client.get(f"/api/v1/phases/{second}/funding", headers=partner).status_code == 403
    answer = client.post(f"/api/v1/phases/{second}/cancel", json={"reason": "x"}, headers=partner)
    assert answer.status_code == 403
    missing = client.get("/api/v1/phases/99999/transitions", headers=people["admin"].headers)
    assert missing.status_code == 404
