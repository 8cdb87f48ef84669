"""The expansion pages: every hub at a glance (and its CSV), and opening a hub from a kit."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.persistence.campaigns import Phase
from campaign.persistence.messages import Booking
from campaign.persistence.network import Hub, Screen
from campaign.services import campaigns
from campaign.services.clock import clock_of
from campaign.services.plans import load_plan
from tests.conftest import DEMO_PLAN, DEMO_TODAY, make_test_app, reset_database
from tests.web.signing import signed_in
from tests.web.test_api_helpers import NOW, caller

FORM = {
    "code": "tru",  # written in capitals for the person
    "name": "Aeropuerto de Trujillo",
    "kind": "airport",
    "region": "La Libertad",
    "timezone": "America/Lima",
    "latitude": "-8,0814",
    "longitude": "-79.1088",
    "yearly_passengers": "1.200.000",
    "source_hub": "LIM",
    "phase": "peru-unido-contra-la-trata:2",
    "create_screens": "y",
}


@pytest.fixture
def manager(demo: Flask) -> FlaskClient:
    clock_of(demo).set(NOW)
    # In English: the Spanish of these pages is merged into the catalogues separately.
    return signed_in(demo, locale="en")


def _html(answer) -> str:  # type: ignore[no-untyped-def]
    return answer.get_data(as_text=True)


def _counts(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Hub.id))) or 0,
            db.session.scalar(select(func.count(Screen.id))) or 0,
            db.session.scalar(select(func.count(Booking.id))) or 0,
        )


def _hidden(page: str) -> dict[str, str]:
    """The values the preview carries to the "Open the hub" form."""
    form = page[page.index('<section class="plan') :]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def test_the_overview_lists_every_hub_with_its_phase_and_status(
    demo: Flask, manager: FlaskClient
) -> None:
    page = _html(manager.get("/hubs/overview"))
    assert 'aria-current="page">Screens</a>' in page  # the Screens area of the navigation
    for code in ("CUZ", "AQP", "TUM-CEBAF", "TAC-TERM", "PUN-DES", "CUZ-CENTRO"):
        assert f'<a href="/hubs/{code}">{code}</a>' in page
    tumbes = page[page.index('<a href="/hubs/TUM-CEBAF">') :].split("</tr>")[0]
    assert "border crossing" in tumbes and "Fase 3" in tumbes
    assert "waiting for funding" in tumbes
    lima = page[page.index('<a href="/hubs/LIM">') :].split("</tr>")[0]
    assert '<span class="badge active">active</span>' in lima and "24,000,000" in lima
    assert 'href="/hubs/overview.csv"' in page and 'href="/hubs/open"' in page


def test_partners_see_the_overview_but_may_not_open_a_hub(demo: Flask) -> None:
    clock_of(demo).set(NOW)
    partner = signed_in(demo, "partner", "mimp", locale="en")
    page = _html(partner.get("/hubs/overview"))
    assert '<a href="/hubs/CUZ">CUZ</a>' in page and 'href="/hubs/open"' not in page
    assert partner.get("/hubs/open").status_code == 403
    assert partner.post("/hubs/open", data={**FORM, "action": "apply"}).status_code == 403


def test_the_csv_download(demo: Flask, manager: FlaskClient) -> None:
    answer = manager.get("/hubs/overview.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert re.match(
        r'attachment; filename="hubs-\d{8}-\d{4}\.csv"', answer.headers["Content-Disposition"]
    )
    text = answer.get_data().decode("utf-8")
    assert text.startswith("\ufeffcode,name,kind,region,campaign,phase,phase_name,status,")
    assert any(line.startswith("AQP,") and ",2,Fase 2" in line for line in text.splitlines())


def test_preview_then_open_the_hub(demo: Flask, manager: FlaskClient) -> None:
    before = _counts(demo)
    form = _html(manager.get("/hubs/open"))
    assert '<option selected value="LIM">' in form
    assert '<option selected value="peru-unido-contra-la-trata:2">' in form
    preview = manager.post("/hubs/open", data={**FORM, "action": "preview"})
    assert preview.status_code == 200
    page = _html(preview)
    assert "What opening TRU makes" in page
    assert "<code>TRU-DEP-01</code> 3840×2160 landscape" in page
    assert "<code>tru-departures-report-evenings</code> · <code>zone:TRU/DEP</code>" in page
    assert _counts(demo) == before, "a preview saves nothing"
    carried = _hidden(page)
    assert carried["code"] == "TRU" and carried["phase"] == FORM["phase"]
    assert carried["latitude"] == "-8,0814"  # carried as written, read again when applied
    assert carried["yearly_passengers"] == "1.200.000"
    assert carried["create_screens"] == "y" and "csrf_token" in carried
    opened = manager.post("/hubs/open", data={**carried, "action": "apply"})
    assert opened.status_code == 303 and opened.headers["Location"].endswith("/hubs/TRU")
    hubs, screens, bookings = before
    assert _counts(demo) == (hubs + 1, screens + 6, bookings + 5)
    hub_page = _html(manager.get("/hubs/TRU"))
    assert "The hub TRU was opened" in hub_page and "TRU-GAT-01" in hub_page
    with demo.app_context():
        hub = db.session.scalar(select(Hub).filter_by(code="TRU"))
        assert (hub.latitude, hub.yearly_passengers) == (-8.0814, 1200000)
    overview = _html(manager.get("/hubs/overview"))
    assert '<a href="/hubs/TRU">TRU</a>' in overview


def test_without_screens_the_plan_says_so_and_none_is_made(
    demo: Flask, manager: FlaskClient
) -> None:
    data = {k: v for k, v in FORM.items() if k != "create_screens"}
    page = _html(manager.post("/hubs/open", data={**data, "action": "preview"}))
    assert "TRU-ARR-01" not in page
    assert "create_screens" not in _hidden(page)
    hubs, screens, bookings = _counts(demo)
    manager.post("/hubs/open", data={**_hidden(page), "action": "apply"})
    assert _counts(demo) == (hubs + 1, screens, bookings + 5)


def _refusal(app: Flask, client: FlaskClient, changes: dict[str, str], field: str) -> str:
    before = _counts(app)
    answer = client.post("/hubs/open", data={**FORM, **changes, "action": "apply"})
    assert answer.status_code == 422
    assert _counts(app) == before, "nothing is created"
    page = _html(answer)
    found = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', page)
    assert found, page
    return found.group(1)


def test_each_refusal_is_one_line_next_to_its_field(demo: Flask, manager: FlaskClient) -> None:
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
    in_use = _refusal(demo, manager, {"code": "cuz"}, "code")
    assert in_use == "A hub with the code CUZ already exists; choose another code."
    no_zones = _refusal(demo, manager, {"source_hub": "AQP"}, "source_hub")
    assert no_zones.startswith("The hub AQP has no zones")
    past = _refusal(demo, manager, {"phase": "peru-unido-contra-la-trata:9"}, "phase")
    assert past.startswith("Phase 9 ended on 2026-11-27")
    _refusal(demo, manager, {"timezone": "Mars/Olympus"}, "timezone")


def test_a_refusal_is_in_the_readers_language(demo: Flask) -> None:
    clock_of(demo).set(NOW)
    client = signed_in(demo, "manager", email="es@example.org", locale="es")
    page = _html(client.post("/hubs/open", data={**FORM, "code": "CUZ", "action": "preview"}))
    with demo.test_request_context("/hubs/open"), force_locale("es"):
        words = gettext(
            "A hub with the code %(code)s already exists; choose another code.", code="CUZ"
        )
    assert '<html lang="es">' in page and words in page


def test_both_steps_need_their_csrf_token(database_url: str, tmp_path: Path) -> None:
    app = make_test_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    clock_of(app).set(NOW)
    with app.app_context():
        reset_database()
        load_plan(DEMO_PLAN.read_text(encoding="utf-8"), str(DEMO_PLAN), demo_today=DEMO_TODAY)
    try:
        caller(app, "m@example.org", "manager")
        client = app.test_client()
        token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
        signing_in = {"email": "m@example.org", "password": "correct horse battery staple"}
        answer = client.post("/api/v1/auth/login", json=signing_in, headers={"X-CSRFToken": token})
        assert answer.status_code == 200
        before = _counts(app)
        for action in ("preview", "apply"):
            assert client.post("/hubs/open", data={**FORM, "action": action}).status_code == 400
        page = _html(client.get("/hubs/open"))
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        preview = client.post("/hubs/open", data={**FORM, "csrf_token": csrf, "action": "preview"})
        assert preview.status_code == 200
        opened = client.post("/hubs/open", data={**_hidden(_html(preview)), "action": "apply"})
        assert opened.status_code == 303
        assert _counts(app)[0] == before[0] + 1
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
