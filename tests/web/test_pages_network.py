"""The screen-network pages: hubs, zones, screens, their tokens, health and what plays on them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from campaign.services.clock import clock_of
from campaign.web.player import cache as player_cache
from tests.web.signing import signed_in

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)  # 10:00 in Lima, on the demo's day
PLAYLIST = "/api/v1/player/playlist"
HEARTBEAT = "/api/v1/player/heartbeat"


@pytest.fixture
def manager(demo: Flask) -> FlaskClient:
    clock_of(demo).set(NOW)
    # In English: the Spanish of these pages is merged into the catalogues separately.
    return signed_in(demo, locale="en")


def a_second_later(app: Flask) -> None:
    """Let the player cache look for changed tokens (it does so once a second)."""
    cache = player_cache.cache(app)
    moved = cache.monotonic() + 2
    cache.monotonic = lambda: moved


def html(answer: TestResponse) -> str:
    return answer.get_data(as_text=True)


def token_of(page: str) -> str:
    found = re.search(r'id="token" type="text" readonly value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def zone_id(client: FlaskClient, hub: str, zone: str) -> str:
    page = html(client.get(f"/hubs/{hub}"))
    found = re.search(rf'href="/zones/(\d+)">{zone}</a>', page)
    assert found, page
    return found.group(1)


def register(
    client: FlaskClient, zone: str, code: str = "LIM-ARR-09", **fields: str
) -> TestResponse:
    values = {"zone": zone, "code": code, "name": "Pasillo", "orientation": "landscape"}
    values.update({"width": "1366", "height": "768", "language_policy": ""}, **fields)
    return client.post("/screens/new", data=values)


def test_a_hub_a_zone_with_a_venue_type_and_a_screen_are_added(manager: FlaskClient) -> None:
    hub = {"code": "jul", "name": "Aeropuerto de Juliaca", "kind": "airport", "region": "Puno"}
    hub.update(timezone="America/Lima", latitude="-15,4671", longitude="-70.158")
    answer = manager.post("/hubs/new", data={**hub, "yearly_passengers": "1.200.000"})
    assert answer.status_code == 303 and answer.headers["Location"] == "/hubs/JUL"
    page = html(manager.get("/hubs/JUL"))
    assert "Aeropuerto de Juliaca" in page and "1,200,000" in page and "-15.4671" in page

    form = html(manager.get("/zones/new?hub=JUL"))
    # The chooser: grouped by category, the airport's first, each with its id and code.
    assert '<optgroup label="Transit: Airports (anywhere in the terminal)">' in form
    assert "Baggage claim (10102, transit.airports.baggage_claim)" in form
    assert form.index("transit.airports.gates") < form.index("transit.buses.terminal")
    hub_id = re.search(r'<option selected value="(\d+)">JUL', form)
    assert hub_id, form
    zone = {"hub": hub_id.group(1), "code": "arr", "name": "Llegadas"}
    answer = manager.post(
        "/zones/new", data={**zone, "venue_type": "transit.airports.arrivals_hall"}
    )
    assert answer.status_code == 303
    page = html(manager.get(answer.headers["Location"]))
    assert "Arrival hall (10101, transit.airports.arrivals_hall)" in page

    new_zone = zone_id(manager, "JUL", "ARR")
    registered = register(manager, new_zone, "JUL-ARR-01")
    assert registered.status_code == 201
    assert "JUL-ARR-01" in html(manager.get("/screens?hub=JUL"))


def test_bad_input_is_refused_with_everything_kept(manager: FlaskClient) -> None:
    hub = {"code": "x y", "name": "Mi terminal", "kind": "port", "timezone": "America/Limaa"}
    answer = manager.post("/hubs/new", data={**hub, "latitude": "norte"})
    assert answer.status_code == 422
    page = html(answer)
    assert 'value="Mi terminal"' in page and 'value="norte"' in page and 'value="X Y"' in page
    assert "«America/Limaa» is not a timezone" in page
    assert 'aria-invalid="true"' in page

    arrivals = zone_id(manager, "LIM", "ARR")
    answer = register(manager, arrivals, "LIM-ARR-01", width="768")  # taken, and tall
    assert answer.status_code == 422
    assert "768×768" not in html(answer)
    answer = register(manager, arrivals, "LIM-ARR-01", height="1920", width="1080")
    assert answer.status_code == 422 and "is not landscape" in html(answer)
    answer = register(manager, arrivals, "LIM-ARR-01")
    assert answer.status_code == 422 and "A screen with this code already exists" in html(answer)


def test_a_stale_edit_is_refused_with_both_versions_shown(manager: FlaskClient) -> None:
    form = html(manager.get("/hubs/CUZ/edit"))
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form)
    assert version, form
    base = {"kind": "airport", "timezone": "America/Lima", "region": "Cusco"}
    first = manager.post("/hubs/CUZ/edit", data={**base, "name": "Theirs", "version": version[1]})
    assert first.status_code == 303
    second = manager.post("/hubs/CUZ/edit", data={**base, "name": "Mine", "version": version[1]})
    assert second.status_code == 409
    page = html(second)
    assert "Theirs" in page and 'value="Mine"' in page and "Saved now" in page
    again = re.search(r'name="version" type="hidden" value="(\d+)"', page)
    assert again and again[1] != version[1]  # saving again replaces theirs, knowingly
    assert manager.post("/hubs/CUZ/edit", data={**base, "name": "Mine", "version": again[1]})
    assert "Mine" in html(manager.get("/hubs/CUZ"))


def test_registering_shows_the_token_once_and_it_plays(manager: FlaskClient) -> None:
    answer = register(manager, zone_id(manager, "LIM", "ARR"))
    assert answer.status_code == 201 and answer.headers["Cache-Control"] == "no-store"
    page = html(answer)
    token = token_of(page)
    assert f"http://localhost/player/#token={token}" in page
    assert '<svg viewBox="0 0' in page and 'class="qr"' in page
    assert token not in html(manager.get("/screens/LIM-ARR-09"))
    assert token not in html(manager.get("/screens"))
    poll = manager.get(PLAYLIST, headers=bearer(token))
    assert poll.status_code == 200 and poll.get_json()["screen"]["code"] == "LIM-ARR-09"


def test_rotate_stops_the_old_token_and_revoke_names_the_screen(
    demo: Flask, manager: FlaskClient
) -> None:
    old = token_of(html(register(manager, zone_id(manager, "LIM", "ARR"))))
    confirm = html(manager.get("/screens/LIM-ARR-09/rotate"))
    assert "LIM-ARR-09 (Pasillo)" in confirm
    rotated = manager.post("/screens/LIM-ARR-09/rotate")
    assert rotated.status_code == 200 and rotated.headers["Cache-Control"] == "no-store"
    new = token_of(html(rotated))
    assert new != old
    a_second_later(demo)
    assert manager.get(PLAYLIST, headers=bearer(old)).status_code == 401
    assert manager.get(PLAYLIST, headers=bearer(new)).status_code == 200

    confirm = html(manager.get("/screens/LIM-ARR-09/revoke"))
    assert "Revoke the token of LIM-ARR-09 (Pasillo)?" in confirm
    assert 'action="/screens/LIM-ARR-09/revoke"' in confirm
    assert manager.get(PLAYLIST, headers=bearer(new)).status_code == 200  # asking does nothing
    done = manager.post("/screens/LIM-ARR-09/revoke")
    assert done.status_code == 303
    a_second_later(demo)
    assert manager.get(PLAYLIST, headers=bearer(new)).status_code == 401
    assert "no token" in html(manager.get("/screens/LIM-ARR-09"))


def test_health_is_offline_until_a_heartbeat_and_marks_an_old_loop(
    demo: Flask, manager: FlaskClient
) -> None:
    token = token_of(html(register(manager, zone_id(manager, "LIM", "ARR"))))
    page = html(manager.get("/screens/LIM-ARR-09"))
    assert '<span class="badge never_seen">never seen</span>' in page
    assert "a heartbeat in the last 90 seconds" in page
    version = manager.get(PLAYLIST, headers=bearer(token)).get_json()["version"]
    beat = manager.post(HEARTBEAT, json={"playing_version": version}, headers=bearer(token))
    assert beat.status_code == 204
    page = html(manager.get("/screens/LIM-ARR-09"))
    assert '<span class="badge online">online</span>' in page
    assert re.search(r"Nov 28, 2026, 10:00 \(Peru[^)]*Time\)", page), page  # Lima's clock, named
    assert "It plays the current loop." in page and "badge behind" not in page

    manager.post(HEARTBEAT, json={"playing_version": "0" * 32}, headers=bearer(token))
    assert '<span class="badge behind">behind</span>' in html(manager.get("/screens/LIM-ARR-09"))
    clock_of(demo).set(NOW + timedelta(seconds=91))
    assert '<span class="badge offline">offline</span>' in html(manager.get("/screens"))


def test_what_plays_here_reads_the_hubs_local_time(manager: FlaskClient) -> None:
    evening = manager.get("/screens/LIM-DEP-01/plays?at=2026-12-24T21:00")
    morning = manager.get("/screens/LIM-DEP-01/plays?at=2026-12-24T09:00")
    assert evening.status_code == morning.status_code == 200
    night, day = html(evening), html(morning)
    # The departures booking "where to report" runs 18:00-02:00 only, Lima time.
    assert "<strong>where-to-report</strong>" in night
    assert "<strong>where-to-report</strong>" not in day
    assert re.search(r"Dec 24, 2026, 21:00 \(Peru[^)]*Time\)", night), night
    assert 'src="/assets/' in night and 'data-duration="15"' in night
    assert "Peru United Against Human Trafficking" in night  # which campaign it is from
    assert "loop-player.js" in night


@pytest.mark.parametrize("at", ["garbage", "2026-13-40T99:00", "12024-01-01T00:00"])
def test_a_time_that_cannot_be_read_is_said_so(manager: FlaskClient, at: str) -> None:
    answer = manager.get(f"/screens/LIM-DEP-01/plays?at={at}")
    assert answer.status_code == 422
    page = html(answer)
    assert f"«{at}» is not a date and time" in page and 'aria-invalid="true"' in page
    assert "data-loop-items" not in page


def test_partners_read_but_cannot_change_the_network(demo: Flask) -> None:
    partner = signed_in(demo, "partner", "mimp", locale="en")
    assert partner.get("/screens").status_code == 200
    assert "Register a screen" not in html(partner.get("/screens/LIM-DEP-01"))
    assert partner.get("/screens/new").status_code == 403
    assert partner.post("/hubs/new", data={"code": "ZZZ", "name": "x"}).status_code == 403
    assert partner.post("/screens/LIM-DEP-01/revoke").status_code == 403
    assert partner.get("/screens/LIM-DEP-01/plays?at=2026-12-24T21:00").status_code == 200


def test_unknown_places_are_404(manager: FlaskClient) -> None:
    for url in ("/hubs/NOPE", "/zones/9999", "/screens/NOPE", "/screens/NOPE/plays"):
        assert manager.get(url).status_code == 404, url


def test_every_venue_type_has_a_name_to_translate() -> None:
    from campaign.domain import venue_types
    from campaign.web.pages.network_forms import VENUE_NAMES, VENUE_PARENTS

    assert set(VENUE_NAMES) == set(venue_types.BY_CODE)
    assert {c.parent for c in venue_types.CATEGORIES} <= set(VENUE_PARENTS)
