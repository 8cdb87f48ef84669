"""/api/v1/hubs/open, /hubs/{code}/kit and /hubs/overview, as an API client uses them."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.persistence.campaigns import Phase
from campaign.persistence.messages import Booking
from campaign.persistence.network import Hub, Screen
from campaign.persistence.player import PlayRecord, PlayRollup
from campaign.services import campaigns
from campaign.services.clock import clock_of
from campaign.services.screens import issue_token
from tests.web.test_api_helpers import NOW, Caller, staff

TRUJILLO = {
    "code": "TRU",
    "name": "Aeropuerto Internacional Capitán FAP Carlos Martínez de Pinillos",
    "kind": "airport",
    "region": "La Libertad",
    "timezone": "America/Lima",
    "latitude": -8.0814,
    "longitude": -79.1088,
    "yearly_passengers": 1200000,
    "source_hub": "LIM",
    "phase": 2,
}


@pytest.fixture
def people(demo: Flask) -> dict[str, Caller]:
    clock_of(demo).set(NOW)
    return staff(demo)


def _counts(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Hub.id))) or 0,
            db.session.scalar(select(func.count(Screen.id))) or 0,
            db.session.scalar(select(func.count(Booking.id))) or 0,
        )


def test_a_dry_run_answers_the_plan_and_saves_nothing(demo: Flask, people) -> None:  # type: ignore[no-untyped-def]
    client = demo.test_client()
    before = _counts(demo)
    answer = client.post(
        "/api/v1/hubs/open", json={**TRUJILLO, "dry_run": True}, headers=people["manager"].headers
    )
    assert answer.status_code == 200, answer.get_json()
    plan = answer.get_json()
    assert plan["applied"] is False
    assert plan["hub"]["code"] == "TRU"
    assert plan["source_phase"]["number"] == 1 and plan["phase"]["number"] == 2
    assert [z["code"] for z in plan["zones"]] == ["ARR", "BAG", "DEP", "GAT"]
    arrivals = plan["zones"][0]["screens"]
    assert [s["code"] for s in arrivals] == ["TRU-ARR-01", "TRU-ARR-02"]
    assert [s["orientation"] for s in arrivals] == ["landscape", "portrait"]
    moved = {b["key"]: b for b in plan["bookings"]}
    assert moved["phase1-zero-tolerance"]["new_target"] == "hub:TRU"
    assert moved["arrivals-tourism"]["new_target"] == "zone:TRU/ARR"
    assert moved["arrivals-tourism"]["new_key"] == "tru-arrivals-tourism"
    # Phase 1 started on 7 November, phase 2 on 6 February: the same offset, cut at its end.
    assert moved["arrivals-tourism"]["new_starts_on"] == plan["phase"]["starts_on"]
    assert moved["arrivals-tourism"]["new_ends_on"] == plan["phase"]["ends_on"]
    assert _counts(demo) == before


def test_opening_builds_the_hub_its_screens_and_its_bookings_in_the_phase(
    demo: Flask, people
) -> None:  # type: ignore[no-untyped-def]
    client = demo.test_client()
    hubs, screens, bookings = _counts(demo)
    answer = client.post("/api/v1/hubs/open", json=TRUJILLO, headers=people["manager"].headers)
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["applied"] is True
    assert _counts(demo) == (hubs + 1, screens + 6, bookings + 5)
    with demo.app_context():
        hub = db.session.scalar(select(Hub).filter_by(code="TRU"))
        assert hub is not None and hub.yearly_passengers == 1200000
        assert hub.zones[0].venue_type == "transit.airports.arrivals_hall"
        new_screens = [s for z in hub.zones for s in z.screens]
        assert all(s.token_hash is None for s in new_screens)  # planned, not installed
        phase2 = db.session.scalar(select(Phase).filter_by(number=2))
        assert hub in phase2.hubs
        copied = db.session.scalar(select(Booking).filter_by(key="tru-baggage-report"))
        assert copied.target == "zone:TRU/BAG" and copied.weekdays == "fri,sat,sun"
        assert (copied.starts_on, copied.ends_on) == (phase2.starts_on, phase2.ends_on)
    # The API's own list of bookings shows them as any other.
    listed = client.get("/api/v1/bookings?per_page=100", headers=people["partner"].headers)
    assert "tru-phase1-recognise" in {b["key"] for b in listed.get_json()["items"]}


def _refused(demo: Flask, caller: Caller, body: dict[str, object], status: int) -> dict:  # type: ignore[type-arg]
    before = _counts(demo)
    answer = demo.test_client().post("/api/v1/hubs/open", json=body, headers=caller.headers)
    assert answer.status_code == status, answer.get_json()
    assert _counts(demo) == before, "nothing is created"
    return answer.get_json()  # type: ignore[no-any-return]


def test_a_code_in_use_is_a_409_naming_the_code(demo: Flask, people) -> None:  # type: ignore[no-untyped-def]
    body = _refused(demo, people["manager"], {**TRUJILLO, "code": "CUZ"}, 409)
    assert body["detail"] == "A hub with the code CUZ already exists; choose another code."
    assert "code" in body["fields"]["json"]


def test_a_kit_from_a_hub_without_zones_is_refused(demo: Flask, people) -> None:  # type: ignore[no-untyped-def]
    body = _refused(demo, people["manager"], {**TRUJILLO, "source_hub": "AQP"}, 422)
    assert body["detail"].startswith("source_hub: The hub AQP has no zones")
    assert "\n" not in body["detail"]


def test_a_phase_that_has_ended_or_is_cancelled_is_refused(demo: Flask, people) -> None:  # type: ignore[no-untyped-def]
    with demo.app_context():
        campaign_id = db.session.scalar(select(Phase.campaign_id).limit(1))
        campaigns.create_phase(
            {
                "campaign_id": campaign_id,
                "number": 9,
                "name": "Piloto",
                "starts_on": date(2026, 1, 1),
                "ends_on": NOW.date() - timedelta(days=1),
                "funding_status": "confirmed",
            }
        )
        phase3 = db.session.scalar(select(Phase).filter_by(number=3))
        campaigns.update_phase(phase3.id, {"cancelled_at": NOW})
    body = _refused(demo, people["manager"], {**TRUJILLO, "phase": 9}, 422)
    assert body["fields"]["json"] == {"phase": [body["detail"].removeprefix("phase: ")]}
    assert "ended on 2026-11-27" in body["detail"]
    body = _refused(demo, people["manager"], {**TRUJILLO, "phase": 3}, 422)
    assert "cancelled" in body["detail"]
    body = _refused(demo, people["manager"], {**TRUJILLO, "phase": 7}, 422)
    assert body["detail"] == "phase: The campaign has no phase 7."


def test_bad_input_is_a_422_and_partners_may_not_open_hubs(demo: Flask, people) -> None:  # type: ignore[no-untyped-def]
    _refused(demo, people["manager"], {**TRUJILLO, "timezone": "Mars/Olympus"}, 422)
    _refused(demo, people["manager"], {**TRUJILLO, "source_hub": "NOPE"}, 422)
    _refused(demo, people["manager"], {**TRUJILLO, "code": "tru!"}, 422)
    _refused(demo, people["partner"], TRUJILLO, 403)


def test_the_kit_of_lima(demo: Flask, people) -> None:  # type: ignore[no-untyped-def]
    client = demo.test_client()
    answer = client.get("/api/v1/hubs/LIM/kit", headers=people["manager"].headers)
    assert answer.status_code == 200
    kit = answer.get_json()
    assert kit["phase"]["number"] == 1
    departures = next(z for z in kit["zones"] if z["code"] == "DEP")
    assert [(c["width"], c["count"]) for c in departures["screen_classes"]] == [
        (3840, 1),
        (1080, 1),
    ]
    assert {b["key"] for b in kit["bookings"]} >= {"phase1-zero-tolerance", "arrivals-tourism"}
    assert client.get("/api/v1/hubs/NOPE/kit", headers=people["manager"].headers).status_code == 404
    assert client.get("/api/v1/hubs/LIM/kit", headers=people["partner"].headers).status_code == 403


def test_the_overview_lists_the_planned_hubs(demo: Flask, people) -> None:  # type: ignore[no-untyped-def]
    client = demo.test_client()
    answer = client.get("/api/v1/hubs/overview", headers=people["manager"].headers)
    assert answer.status_code == 200
    rows = {r["code"]: r for r in answer.get_json()["items"]}
    assert {"CUZ", "AQP", "TUM-CEBAF", "TAC-TERM"} <= set(rows)
    assert (rows["CUZ"]["phase"], rows["CUZ"]["status"]) == (2, "unfunded")
    assert (rows["TUM-CEBAF"]["phase"], rows["TUM-CEBAF"]["kind"]) == (3, "border_crossing")
    assert (rows["LIM"]["phase"], rows["LIM"]["status"]) == (1, "active")
    assert rows["LIM"]["screens_planned"] == 6 and rows["LIM"]["yearly_passengers"] == 24000000
    assert rows["CUZ"]["screens_planned"] == 0
    # A partner of another organisation sees no campaign, so no hub.
    other = client.get("/api/v1/hubs/overview", headers=people["outsider"].headers)
    assert other.get_json()["items"] == []


def test_the_overview_as_csv(demo: Flask, people) -> None:  # type: ignore[no-untyped-def]
    client = demo.test_client()
    for answer in (
        client.get("/api/v1/hubs/overview?format=csv", headers=people["partner"].headers),
        client.get(
            "/api/v1/hubs/overview", headers={**people["partner"].headers, "Accept": "text/csv"}
        ),
    ):
        assert answer.status_code == 200
        assert answer.mimetype == "text/csv"
        data = answer.get_data()
        assert data.startswith("\ufeff".encode())
        lines = data.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("code,name,kind,region,campaign,phase,phase_name,status")
        lim = next(line for line in lines if line.startswith("LIM,"))
        assert ",Callao," in lim and lim.endswith(",6,0,0,0,24000000")


def test_the_overview_counts_installed_online_and_every_play(demo: Flask, people) -> None:  # type: ignore[no-untyped-def]
    with demo.app_context():
        issue_token("LIM-ARR-01", now=NOW)
        issue_token("LIM-ARR-02", now=NOW)
        screen = db.session.scalar(select(Screen).filter_by(code="LIM-ARR-01"))
        screen.last_seen_at = NOW - timedelta(seconds=30)
        rolled_day = date(2026, 11, 26)
        db.session.add(
            PlayRollup(
                day=rolled_day,
                screen_id=screen.id,
                hub_code="LIM",
                zone_code="ARR",
                campaign="peru-unido-contra-la-trata",
                message_key="zero-tolerance",
                lang="es",
                plays=40,
                seconds=400.0,
            )
        )
        # One play on the rolled-up day (counted in the 40 already), two after it (noon in Lima).
        for at in (NOW - timedelta(days=2), NOW - timedelta(days=1), NOW):
            db.session.add(_play(screen.id, at))
        db.session.commit()
    answer = demo.test_client().get("/api/v1/hubs/overview", headers=people["admin"].headers)
    lim = next(r for r in answer.get_json()["items"] if r["code"] == "LIM")
    assert (lim["screens_installed"], lim["screens_online"]) == (2, 1)
    assert lim["plays"] == 42


def _play(screen_id: int, at):  # type: ignore[no-untyped-def]
    return PlayRecord(
        screen_id=screen_id,
        play_id=uuid.uuid4(),
        item_id="peru-unido-contra-la-trata/zero-tolerance.v1.es",
        campaign="peru-unido-contra-la-trata",
        message_key="zero-tolerance",
        message_version=1,
        lang="es",
        started_at=at,
        duration_s=10.0,
        received_at=at,
    )


def _book(key: str, **target: object) -> None:
    """A booking of Lima's phase 1 (7 November to 5 February), aimed at `target`."""
    template = db.session.scalar(select(Booking).filter_by(key="phase1-zero-tolerance"))
    db.session.add(
        Booking(
            campaign_id=template.campaign_id,
            key=key,
            message_id=template.message_id,
            starts_on=target.pop("starts_on", template.starts_on),
            ends_on=template.ends_on,
            **target,
        )
    )
    db.session.commit()


def test_what_becomes_of_screen_venue_late_and_same_phase_bookings(demo: Flask, people) -> None:  # type: ignore[no-untyped-def]
    with demo.app_context():
        portrait = db.session.scalar(select(Screen).filter_by(code="LIM-DEP-02"))
        _book("security-portrait", screen_id=portrait.id)
        _book("every-gate", venue_type="transit.airports.gates")
        _book("last-day", hub_id=portrait.zone.hub_id, starts_on=date(2027, 2, 5))
    client = demo.test_client()

    def fates(**changes: object) -> dict[str, dict]:  # type: ignore[type-arg]
        body = {**TRUJILLO, "dry_run": True, **changes}
        answer = client.post("/api/v1/hubs/open", json=body, headers=people["admin"].headers)
        assert answer.status_code == 200, answer.get_json()
        return {b["key"]: b for b in answer.get_json()["bookings"]}

    plan = fates()
    # The matching new screen: the second of Lima's departures screens is the portrait one.
    assert plan["security-portrait"]["new_target"] == "screen:TRU-DEP-02"
    assert plan["every-gate"]["status"] == "by_venue" and plan["every-gate"]["new_key"] is None
    # One day before phase 1 ends is one day after phase 2 ends: phase 2 is a day shorter.
    assert plan["last-day"]["status"] == "outside"
    assert fates(create_screens=False)["security-portrait"]["status"] == "no_screen"
    # Opened into phase 1 itself, the phase's own bookings reach the new hub already.
    same = fates(phase=1)
    assert same["phase1-zero-tolerance"]["status"] == "by_phase"
    assert same["arrivals-tourism"]["new_starts_on"] == "2026-11-07"
