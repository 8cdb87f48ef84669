"""The dashboard page: phases on a timeline with today, hubs on Peru's map, screens and plays."""

from __future__ import annotations

import re
import tomllib
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from campaign.domain.geo import contains
from campaign.extensions import db
from campaign.persistence.network import Hub
from campaign.services import places, screens
from campaign.services.clock import clock_of
from tests.conftest import DEMO_PLAN
from tests.web.plays_serving import poll
from tests.web.signing import signed_in

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)  # 10:00 in Lima on the demo day
PLAN = tomllib.loads(DEMO_PLAN.read_text(encoding="utf-8"))
# Where the plan's hubs without coordinates are (the plan marks its figures TO CONFIRM).
MORE_PLACES = {
    "CUZ-CENTRO": (-13.5164, -71.9786),
    "PUN-DES": (-16.5653, -69.0411),
    "TAC-TERM": (-18.0066, -70.2463),
    "TUM-CEBAF": (-3.5050, -80.2400),
}


@pytest.fixture
def live(demo: Flask) -> Flask:
    clock_of(demo).set(NOW)
    return demo


@pytest.fixture
def manager(live: Flask) -> FlaskClient:
    return signed_in(live, locale="en")


def _page(client: FlaskClient) -> str:
    answer = client.get("/dashboard")
    assert answer.status_code == 200, answer.status_code
    return answer.get_data(as_text=True)


def _svg(html: str, css_class: str) -> str:
    found = re.search(rf'<svg class="{css_class}".*?</svg>', html, re.S)
    assert found, css_class
    return found.group(0)


def _attrs(tag: str) -> dict[str, str]:
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag))


def _groups(svg: str, key: str) -> dict[str, dict[str, str]]:
    return {
        attrs[key]: attrs for tag in re.findall(r"<g [^>]*>", svg) if key in (attrs := _attrs(tag))
    }


def _row(html: str, code: str) -> dict[str, str]:
    found = re.search(rf'<tr id="hub-{re.escape(code)}"[^>]*>', html)
    assert found, code
    return _attrs(found.group(0))


def test_the_timeline_shows_the_three_phases_their_funding_and_today_in_phase_one(
    manager: FlaskClient,
) -> None:
    html = _page(manager)
    for css in ("timeline wide", "timeline narrow"):
        svg = _svg(html, css)
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        phases = _groups(svg, "data-phase")
        assert {n: p["data-status"] for n, p in phases.items()} == {
            "1": "active",
            "2": "unfunded",
            "3": "unfunded",
        }
        today = float(_attrs(re.search(r"<svg[^>]*>", svg).group(0))["data-today-x"])
        one = phases["1"]
        assert float(one["data-x"]) < today < float(one["data-x"]) + float(one["data-width"])
        assert "today" in svg and "waiting for funding" in svg  # words, not colour only
    table = html[html.index('<table class="phases">') :]
    assert '<span class="badge confirmed">confirmed</span> · Misión de la OIM en el Perú' in table
    assert table.count('<span class="badge pending">pending</span>') == 2
    assert "Nov 28, 2026" in html  # today, named in words under the drawing


def test_every_demo_hub_with_coordinates_is_on_the_map_and_the_others_are_named(
    manager: FlaskClient,
) -> None:
    html = _page(manager)
    markers = _groups(_svg(html, "hub-map"), "data-hub")
    placed = {h["code"] for h in PLAN["hubs"] if "latitude" in h}
    unplaced = sorted({h["code"] for h in PLAN["hubs"]} - placed)
    assert set(markers) == placed
    assert markers["LIM"]["data-status"] == "active" and markers["CUZ"]["data-status"] == "unfunded"
    if unplaced:
        assert f"for want of coordinates in the plan: {', '.join(unplaced)}." in html
    for status in ("active", "upcoming", "unfunded", "completed", "cancelled"):
        assert f'<li class="hub {status}">' in html  # the legend says each colour in words


def _outline(svg: str) -> list[tuple[float, float]]:
    path = re.search(r'<path class="land" d="([^"]+)"', svg).group(1)
    return [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", path)]


def test_hubs_sit_inside_peru_where_they_are(live: Flask, manager: FlaskClient) -> None:
    with live.app_context():
        for code, (lat, lon) in MORE_PLACES.items():
            hub = db.session.scalar(select(Hub).filter_by(code=code))
            places.update_hub(hub.id, {"latitude": lat, "longitude": lon})
    html = _page(manager)
    svg = _svg(html, "hub-map")
    markers = _groups(svg, "data-hub")
    assert set(markers) == {h["code"] for h in PLAN["hubs"]}  # every demo hub
    assert "for want of coordinates" not in html and "fall outside Peru" not in html
    outline = _outline(svg)
    width, height = (float(v) for v in _attrs(svg[: svg.index(">")])["viewBox"].split()[2:])
    at = {code: (float(m["data-x"]), float(m["data-y"])) for code, m in markers.items()}
    for code in ("LIM", "PUN-DES", "CUZ", "AQP"):
        assert contains([outline], *at[code]), code
    lim, des, tum = at["LIM"], at["PUN-DES"], at["TUM-CEBAF"]
    assert lim[0] < 0.45 * width and 0.55 * height < lim[1] < 0.75 * height  # central coast
    assert des[0] > 0.85 * width and des[1] > 0.75 * height  # south-east, on Lake Titicaca
    assert tum[1] < 0.3 * height  # the far north


def test_a_hub_with_mistyped_coordinates_is_flagged(live: Flask, manager: FlaskClient) -> None:
    with live.app_context():
        hub = db.session.scalar(select(Hub).filter_by(code="AQP"))
        places.update_hub(hub.id, {"latitude": -16.3411, "longitude": -61.583})  # in Bolivia
    html = _page(manager)
    assert "The coordinates of AQP fall outside Peru; please check them." in html


def test_screens_online_and_offline_change_after_a_heartbeat(
    live: Flask, manager: FlaskClient
) -> None:
    before = _row(_page(manager), "LIM")
    assert (before["data-online"], before["data-offline"]) == ("0", "6")
    with live.app_context():
        token = screens.issue_token("LIM-ARR-01", now=NOW)
    beat = live.test_client().post(
        "/api/v1/player/heartbeat", json={}, headers={"Authorization": f"Bearer {token}"}
    )
    assert beat.status_code == 204
    html = _page(manager)
    after = _row(html, "LIM")
    assert (after["data-online"], after["data-offline"]) == ("1", "5")
    assert '<span class="figure">1</span>' in html and "of 6 screens online" in html
    clock_of(live).set(NOW + timedelta(seconds=91))  # three polls of 30 s without news
    assert _row(_page(manager), "LIM")["data-online"] == "0"


def test_plays_today_count_a_reported_play(live: Flask, manager: FlaskClient) -> None:
    with live.app_context():
        token = screens.issue_token("LIM-GAT-01", now=NOW)
    poll(live, token, NOW - timedelta(minutes=10))  # the screen gets its loop, then plays it
    clock_of(live).set(NOW)
    play = {
        "id": str(uuid.uuid4()),
        "item_id": "peru-unido-contra-la-trata/zero-tolerance.v1.es+en",
        "started_at": (NOW - timedelta(minutes=2)).isoformat(),
        "duration_s": 12,
    }
    sent = live.test_client().post(
        "/api/v1/player/plays", json={"plays": [play]}, headers={"Authorization": f"Bearer {token}"}
    )
    assert sent.get_json()["accepted"] == 1
    html = _page(manager)
    assert _row(html, "LIM")["data-plays"] == "1"
    assert _row(html, "CUZ")["data-plays"] == "0"
    clock_of(live).set(datetime(2026, 11, 29, 5, 1, tzinfo=UTC))  # 00:01 the next day in Lima
    assert _row(_page(manager), "LIM")["data-plays"] == "0"


def test_a_partner_of_the_campaign_sees_it_and_an_outsider_does_not(live: Flask) -> None:
    from campaign.persistence.campaigns import Partner

    with live.app_context():
        db.session.add(Partner(slug="elsewhere", name="Another organisation", role="funder"))
        db.session.commit()
    shared = signed_in(live, "partner", "mimp", locale="en").get("/dashboard")
    assert shared.status_code == 200
    assert 'data-hub="LIM"' in shared.get_data(as_text=True)
    outsider = signed_in(live, "partner", "elsewhere").get("/dashboard")
    assert outsider.status_code == 404
    assert 'data-hub="LIM"' not in outsider.get_data(as_text=True)


def test_the_page_speaks_spanish_by_default_and_english_when_chosen(live: Flask) -> None:
    spanish = _page(signed_in(live, email="es@example.org"))
    assert '<html lang="es">' in spanish
    assert '<h2 id="phases-heading">Fases</h2>' in spanish
    assert '<span class="badge active">activa</span>' in spanish
    assert '<span class="badge unfunded">espera financiamiento</span>' in spanish
    assert "28 nov 2026" in spanish and "hora de Perú" in spanish
    english = _page(signed_in(live, email="en@example.org", locale="en"))
    assert '<html lang="en">' in english
    assert '<h2 id="phases-heading">Phases</h2>' in english and ">Dashboard</h1>" in english
    assert '<span class="badge active">active</span>' in english
    assert "Nov 28, 2026" in english and "Peru Time" in english


def test_the_page_fits_a_phone_and_the_strict_policy(manager: FlaskClient) -> None:
    html = _page(manager)
    main = html[html.index("<main") :]
    assert 'style="' not in main and "<script" not in main and " on" + "click" not in main
    assert html.count('class="table-wrap" tabindex="0" role="region"') == 2
    assert re.search(r'<svg class="hub-map" viewBox="0 0 [\d.]+ [\d.]+"', html)
    with manager.get("/static/dashboard.css") as css:
        assert css.status_code == 200 and b"width: 100%" in css.data


def test_anonymous_visitors_are_sent_to_sign_in(live: Flask) -> None:
    answer = live.test_client().get("/dashboard")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login?next=")


def test_without_a_campaign_the_page_says_how_to_load_one(app: Flask) -> None:
    answer = signed_in(app).get("/dashboard")
    assert answer.status_code == 404
    assert "campaign load" in answer.get_data(as_text=True)
