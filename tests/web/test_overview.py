"""The overview page: phases with their status and a preview of each screen's playlist."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.signing import signed_in


@pytest.fixture
def manager(demo: Flask) -> FlaskClient:
    return signed_in(demo)


def test_overview_shows_the_campaign_phases_and_screens(manager: FlaskClient) -> None:
    page = manager.get("/?at=2026-11-28T10:00")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Perú unido contra la trata de personas" in html
    assert '<span class="badge active">activa</span>' in html  # phase 1, funded, running
    assert '<span class="badge planned">planificada</span>' in html  # 2 and 3 wait for funding
    assert 'id="screen-LIM-ARR-01"' in html and 'id="screen-LIM-GAT-01"' in html
    assert "zero-tolerance · es" in html


def test_preview_answers_what_a_screen_plays_at_a_given_time(manager: FlaskClient) -> None:
    client = manager
    evening = client.get("/?at=2026-12-24T21:00&screen=LIM-DEP-01").get_data(as_text=True)
    morning = client.get("/?at=2026-12-24T09:00&screen=LIM-DEP-01").get_data(as_text=True)
    assert 'id="screen-LIM-DEP-01"' in evening and 'id="screen-LIM-ARR-01"' not in evening
    # The departures booking "where to report" runs 18:00-02:00 only.
    assert "where-to-report · es" in evening
    assert "where-to-report · es" not in morning


def test_preview_with_a_bad_time_says_so_and_shows_now(manager: FlaskClient) -> None:
    page = manager.get("/?at=tomorrow-ish")
    assert page.status_code == 200
    assert "no es una fecha y hora" in page.get_data(as_text=True)


def test_script_in_the_preview_field_is_escaped(manager: FlaskClient) -> None:
    page = manager.get("/?at=<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in page.get_data(as_text=True)


def test_without_a_campaign_the_page_says_how_to_load_one(app: Flask) -> None:
    page = signed_in(app).get("/")
    assert page.status_code == 404
    assert "campaign load" in page.get_data(as_text=True)


def test_the_overview_needs_a_signed_in_person(demo: Flask) -> None:
    page = demo.test_client().get("/?screen=LIM-ARR-01")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/login?next=")


def test_partners_see_only_campaigns_shared_with_their_organisation(demo: Flask) -> None:
    from sqlalchemy import select

    from campaign.extensions import db
    from campaign.persistence.campaigns import Partner

    with demo.app_context():
        db.session.add(Partner(slug="elsewhere", name="Another organisation", role="funder"))
        db.session.commit()
    shared = signed_in(demo, "partner", "mimp").get("/")
    outsider = signed_in(demo, "partner", "elsewhere").get("/")
    assert shared.status_code == 200 and "LIM-ARR-01" in shared.get_data(as_text=True)
    assert outsider.status_code == 404
    assert "LIM-ARR-01" not in outsider.get_data(as_text=True)
    with demo.app_context():
        assert db.session.scalar(select(Partner.id).filter_by(slug="mimp")) is not None


def test_the_api_previews_a_screen_at_any_time_as_the_page_does(demo: Flask) -> None:
    from tests.web.test_api_helpers import caller

    partner = caller(demo, "p@mimp.example.org", "partner", "mimp")
    client = demo.test_client()
    url = "/api/v1/screens/LIM-DEP-01/preview"
    evening = client.get(f"{url}?at=2026-12-24T21:00:00-05:00", headers=partner.headers)
    morning = client.get(f"{url}?at=2026-12-24T09:00:00-05:00", headers=partner.headers)
    assert evening.status_code == morning.status_code == 200, evening.get_json()
    in_evening = {(i["message"], i["lang"]) for i in evening.get_json()["items"]}
    in_morning = {(i["message"], i["lang"]) for i in morning.get_json()["items"]}
    assert ("where-to-report", "es") in in_evening - in_morning
    assert evening.get_json()["local_time"].startswith("2026-12-24T21:00:00")
    missing = client.get("/api/v1/screens/NOPE/preview", headers=partner.headers)
    assert missing.status_code == 404
    # A time with no offset is read in the screen's hub timezone (Lima): the same instant.
    naive = client.get(f"{url}?at=2026-12-24T21:00:00", headers=partner.headers)
    assert naive.status_code == 200
    assert naive.get_json()["local_time"] == evening.get_json()["local_time"]
