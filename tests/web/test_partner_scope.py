"""Partners see only the hubs, zones and screens of the campaigns their organisation is on."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.messages import Booking
from campaign.persistence.network import Hub, Zone
from campaign.services.clock import clock_of
from campaign.services.plans import load_plan
from tests.web.signing import signed_in
from tests.web.test_api_helpers import Caller, caller

CSRF_TOKEN = re.compile(r'(name="csrf_token" value=")[^"]+')
NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)  # 10:00 in Lima on the demo day

# A second campaign at a hub of its own (Piura), shared with one organisation of its own.
NORTH_PLAN = """
[campaign]
slug = "norte-seguro"
languages = ["es", "en"]

[campaign.name]
es = "Norte seguro"
en = "Safe north"

[[partners]]
slug = "aliado-norte"
name = "Aliado del Norte"
role = "ministry"

[[hubs]]
code = "PIU"
name = "Aeropuerto Capitán Concha de Piura"
kind = "airport"
region = "Piura"
timezone = "America/Lima"
latitude = -5.2056
longitude = -80.6164

[[hubs.zones]]
code = "NOR"
name = "Sala boreal de Piura"
venue_type = "transit.airports.arrivals_hall"

[[hubs.zones.screens]]
code = "PIU-NOR-01"
name = "Columna boreal"
orientation = "landscape"
width = 1920
height = 1080

[[phases]]
number = 1
name = "Piura"
starts_on = 2026-11-01
ends_on = 2027-01-31
funding_status = "confirmed"
hubs = ["PIU"]

[[messages]]
key = "norte-docs"
status = "approved"
version = 1
fallback = true

[messages.es]
headline = "Lleva tus documentos"
body = "Tu pasaporte es tuyo."

[messages.en]
headline = "Keep your documents"
body = "Your passport is yours."

[[bookings]]
key = "piu-docs"
message = "norte-docs"
target = "hub:PIU"
starts_on = 2026-11-01
ends_on = 2027-01-31

# A venue type names zones in any hub, the demo's arrivals halls too (where it never plays).
[[bookings]]
key = "arrivals-docs"
message = "norte-docs"
target = "venue:transit.airports.arrivals_hall"
starts_on = 2026-11-01
ends_on = 2027-01-31
"""
# What only the north campaign's places are called, and what only the demo's are.
NORTH_NAMES = ("PIU-NOR-01", "Capitán Concha", "Sala boreal", "Columna boreal")
DEMO_NAMES = ("LIM-ARR-01", "LIM-GAT-01", "Jorge Chávez", "Hall de llegadas", "Velasco Astete")


@pytest.fixture
def two(demo: Flask) -> Flask:
    """The demo campaign and the north one, live on the demo day."""
    with demo.app_context():
        load_plan(NORTH_PLAN, "north.toml")
    clock_of(demo).set(NOW)
    return demo


@pytest.fixture
def north(two: Flask) -> FlaskClient:
    """A partner whose organisation is on the north campaign alone."""
    return signed_in(two, "partner", "aliado-norte", locale="en", email="p@norte.example.org")


@pytest.fixture
def mimp(two: Flask) -> FlaskClient:
    """A partner whose organisation is on the demo campaign alone."""
    return signed_in(two, "partner", "mimp", locale="en", email="p@mimp.example.org")


@pytest.fixture
def north_api(two: Flask) -> Caller:
    return caller(two, "api@norte.example.org", "partner", "aliado-norte")


def _zone_id(app: Flask, hub: str, zone: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Zone.id).join(Hub).where(Hub.code == hub, Zone.code == zone)
        )


def _booking_id(app: Flask, key: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Booking.id).where(Booking.key == key))


def _text(answer) -> str:  # type: ignore[no-untyped-def]
    return answer.get_data().decode("utf-8", "replace")


def _named(text: str, names: tuple[str, ...]) -> list[str]:
    return [name for name in names if name in text]


# Every page and API a partner may open that lists or resolves hubs, zones or screens.
PARTNER_PAGES = (
    "/",
    "/dashboard",
    "/screens",
    "/hubs",
    "/hubs/overview",
    "/hubs/overview.csv",
    "/bookings",
    "/bookings/timeline",
    "/reports",
    "/reports/uptime.csv",
    "/reports/delivery",
    "/api/v1/hubs/overview",
    "/api/v1/reports/uptime",
    "/api/v1/reports/plays?by=screen",
    "/api/v1/bookings",
)


def test_the_overview_names_none_of_another_campaigns_places_and_stays_small(
    north: FlaskClient, mimp: FlaskClient
) -> None:
    page = north.get("/")
    assert page.status_code == 200
    html = _text(page)
    assert 'id="screen-PIU-NOR-01"' in html and "Sala boreal" in html
    assert _named(html, DEMO_NAMES) == []
    assert '<option value="LIM-ARR-01"' not in html  # nor in the "what plays here" choice
    assert len(page.get_data()) < 20_000  # one screen, not the whole installation
    assert _named(_text(mimp.get("/")), NORTH_NAMES) == []
    # Asked for by name, another campaign's screen is not shown either.
    asked = _text(north.get("/?screen=LIM-ARR-01"))
    assert 'id="screen-LIM-ARR-01"' not in asked and _named(asked, DEMO_NAMES[1:]) == []


def test_every_page_and_api_a_partner_opens_shows_only_their_campaigns_places(
    two: Flask, north: FlaskClient, mimp: FlaskClient, north_api: Caller
) -> None:
    mimp_api = caller(two, "api@mimp.example.org", "partner", "mimp")
    leaks = []
    for url in PARTNER_PAGES:
        for who, client, api, others in (
            ("north", north, north_api, DEMO_NAMES),
            ("mimp", mimp, mimp_api, NORTH_NAMES),
        ):
            headers = api.headers if url.startswith("/api/") else {}
            answer = client.get(url, headers=headers)
            assert answer.status_code in (200, 404), (who, url, answer.status_code)
            if found := _named(_text(answer), others):
                leaks.append((who, url, found))
    assert leaks == []


def test_a_partners_booking_pages_name_only_their_campaigns_screens(
    two: Flask, north: FlaskClient
) -> None:
    venue = north.get(f"/bookings/{_booking_id(two, 'arrivals-docs')}")
    assert venue.status_code == 200
    assert "PIU-NOR-01" in _text(venue)
    assert _named(_text(venue), DEMO_NAMES) == []
    assert _named(_text(north.get("/bookings?hub=LIM")), DEMO_NAMES) == []


def _same_as_unknown(  # type: ignore[no-untyped-def]
    client: FlaskClient, url: str, code: str, unknown: str, *, swap: bool = True, **kw
) -> None:
    """The answer for `code` is the answer for `unknown`, but for the address and the code
    it repeats (`swap` False: only the address)."""
    theirs = client.get(url.format(code), **kw)
    nothing = client.get(url.format(unknown), **kw)
    assert theirs.status_code == nothing.status_code, (url, code)
    assert theirs.status_code in (400, 404), (url, code, theirs.status_code)
    assert theirs.mimetype == nothing.mimetype

    def seen(answer, value: str) -> str:  # type: ignore[no-untyped-def]
        text = _text(answer).replace(url.format(value), "<url>")  # the page's own address
        # The sign-out form's CSRF token carries the second it was made in.
        text = CSRF_TOKEN.sub(r"\1<csrf>", text)
        return text.replace(value, "?") if swap else text

    assert seen(theirs, code) == seen(nothing, unknown), url


def test_a_place_of_another_campaign_is_answered_as_an_unknown_one(
    two: Flask, north: FlaskClient
) -> None:
    for url, code, unknown in (
        ("/hubs/{}", "LIM", "XYZ"),
        ("/screens/{}", "LIM-ARR-01", "LIM-ARR-77"),
        ("/screens/{}/plays", "LIM-ARR-01", "LIM-ARR-77"),
        ("/screens/{}/plays?at=2026-12-24T21:00", "LIM-ARR-01", "LIM-ARR-77"),
        ("/screens?hub={}", "LIM", "XYZ"),
        ("/bookings/timeline?hub={}", "LIM", "XYZ"),
        ("/reports?hub={}", "LIM", "XYZ"),
    ):
        _same_as_unknown(north, url, code, unknown)
    # A zone's page does not repeat its id.
    _same_as_unknown(north, "/zones/{}", str(_zone_id(two, "LIM", "ARR")), "987654", swap=False)


def test_previewing_another_campaigns_screen_answers_byte_for_byte_as_an_unknown_code(
    two: Flask, north_api: Caller
) -> None:
    client = two.test_client()
    mine = client.get("/api/v1/screens/PIU-NOR-01/preview", headers=north_api.headers)
    assert mine.status_code == 200
    for query in ("", "?at=2026-12-24T21:00"):
        url = "/api/v1/screens/{}/preview" + query
        _same_as_unknown(client, url, "LIM-ARR-01", "LIM-ARR-77", headers=north_api.headers)
        theirs = client.get(url.format("LIM-ARR-01"), headers=north_api.headers)
        nothing = client.get(url.format("LIM-ARR-77"), headers=north_api.headers)
        assert theirs.get_data().replace(b"LIM-ARR-01", b"?") == nothing.get_data().replace(
            b"LIM-ARR-77", b"?"
        )
        assert sorted(theirs.headers.keys()) == sorted(nothing.headers.keys())


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_staff_still_see_every_hub_and_screen(two: Flask, role: str) -> None:
    staff = signed_in(two, role, locale="en")
    for url in ("/", "/screens", "/hubs", "/bookings", "/bookings/timeline?hub=PIU"):
        html = _text(staff.get(url))
        assert "PIU" in html and "LIM" in html, url
    everything = _text(staff.get("/screens"))
    assert {"PIU-NOR-01", "Columna boreal", "LIM-ARR-01", "LIM-GAT-01"} <= set(
        _named(everything, NORTH_NAMES + DEMO_NAMES)
    )
    for code in ("PIU-NOR-01", "LIM-ARR-01"):
        assert staff.get(f"/screens/{code}").status_code == 200
        assert staff.get(f"/screens/{code}/plays").status_code == 200
    assert staff.get(f"/zones/{_zone_id(two, 'LIM', 'ARR')}").status_code == 200
    assert staff.get("/hubs/PIU").status_code == staff.get("/hubs/LIM").status_code == 200
    api = caller(two, f"api-{role}@example.org", role)
    for code in ("PIU-NOR-01", "LIM-ARR-01"):
        answer = two.test_client().get(f"/api/v1/screens/{code}/preview", headers=api.headers)
        assert answer.status_code == 200, code
    venue = _text(staff.get(f"/bookings/{_booking_id(two, 'arrivals-docs')}"))
    assert "LIM-ARR-01" in venue and "PIU-NOR-01" in venue
