"""The administration pages: phases, partners, users and their API tokens, the audit trail."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign, Phase
from campaign.persistence.network import Hub
from campaign.services import campaigns
from campaign.services.clock import clock_of
from campaign.web.pages.admin_forms import read_amount
from tests.web.signing import signed_in

# 22:00 on 28 November in Lima, already the 29th in UTC: the audit's days are Lima's.
LIVE = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)


@pytest.fixture
def live(demo: Flask) -> Flask:
    clock_of(demo).set(LIVE)
    return demo


@pytest.fixture
def manager(live: Flask) -> FlaskClient:
    return signed_in(live, "manager", locale="en")


@pytest.fixture
def admin(live: Flask) -> FlaskClient:
    return signed_in(live, "admin", locale="en")


def ids(app: Flask, *codes: str) -> list[str]:
    with app.app_context():
        rows = db.session.execute(select(Hub.code, Hub.id).where(Hub.code.in_(codes))).all()
        return [str(i) for _code, i in sorted(rows)]


def campaign_id(app: Flask) -> str:
    with app.app_context():
        return str(db.session.scalar(select(Campaign.id)))


def phase_form(app: Flask, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "campaign_id": campaign_id(app),
        "number": "4",
        "name": "Fase 4 – Sur andino",
        "starts_on": "2027-06-01",
        "ends_on": "2027-08-31",
        "hub_ids": ids(app, "AQP", "CUZ"),
        "funding_status": "confirmed",
        "funding_source": "Embajada",
        "budget": "12.500,50",
        "currency": "pen",
        "share_of_voice": "1,5",
    }
    values.update(changes)
    return values


def phase_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Phase)) or 0


def row_of(html: str, text: str) -> str:
    """The table row that shows `text`."""
    rows = [r for r in re.findall(r"<tr id=.*?</tr>", html, flags=re.S) if text in r]
    assert rows, f"no row shows {text}"
    return rows[0]


def error_of(html: str, field: str) -> str:
    match = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    assert match, f"no error shown on {field}"
    return match.group(1)


def test_a_phase_created_through_the_form_is_listed_with_its_hubs_and_budget(
    live: Flask, manager: FlaskClient
) -> None:
    answer = manager.post("/admin/phases/new", data=phase_form(live))
    assert answer.status_code == 303, answer.get_data(as_text=True)
    page = manager.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Phase 4 was saved." in page
    row = row_of(page, "Fase 4 – Sur andino")
    assert "Alejandro Velasco Astete" in row and "Rodríguez Ballón" in row  # its hubs, by name
    assert "Jorge Chávez" not in row
    assert "PEN" in row and "12,500.50" in row  # the amount typed with a decimal comma
    assert 'badge planned">planned' in row  # funded, starting next year: planned until then
    with live.app_context():
        saved = db.session.scalar(select(Phase).filter_by(number=4))
        assert saved.share_of_voice == 1.5 and saved.currency == "PEN"


def test_a_phase_that_ends_before_it_starts_is_refused_with_the_input_kept(
    live: Flask, manager: FlaskClient
) -> None:
    before = phase_count(live)
    answer = manager.post(
        "/admin/phases/new", data=phase_form(live, starts_on="2027-06-01", ends_on="2027-05-01")
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert "The last day is before the first day (Jun 1, 2027)." in error_of(html, "ends_on")
    assert 'value="Fase 4 – Sur andino"' in html and 'value="2027-05-01"' in html
    assert 'value="12.500,50"' in html  # what was typed, as typed
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*name="ends_on"', html) or re.search(
        r'<input[^>]*name="ends_on"[^>]*aria-invalid="true"', html
    )
    assert html.count("checked") == 2  # the two hubs stay ticked
    assert phase_count(live) == before


def test_a_budget_that_is_no_number_and_an_unknown_hub_are_marked(
    live: Flask, manager: FlaskClient
) -> None:
    answer = manager.post(
        "/admin/phases/new", data=phase_form(live, budget="mucho", hub_ids=["99999"])
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert "must be an amount" in error_of(html, "budget")
    assert "is not one of the hubs" in error_of(html, "hub_ids")
    taken = manager.post("/admin/phases/new", data=phase_form(live, number="1"))
    assert taken.status_code == 409
    assert "already has this number" in error_of(taken.get_data(as_text=True), "number")


def test_a_phase_page_speaks_spanish_and_writes_money_the_spanish_way(live: Flask) -> None:
    spanish = signed_in(live, "manager", locale="es")
    html = spanish.get("/admin/phases").get_data(as_text=True)
    assert '<html lang="es">' in html
    assert "45.000,00" in html and "US$" in html  # "$45,000.00" in English


def test_a_stale_phase_edit_is_refused_with_both_versions_shown(
    live: Flask, manager: FlaskClient
) -> None:
    with live.app_context():
        phase = db.session.scalar(select(Phase).filter_by(number=2))
        phase_id, version = phase.id, phase.lock_version
        form = phase_form(live, number="2", name="Fase 2 – mine", starts_on="2027-02-06")
        form["lock_version"] = str(version)
        campaigns.update_phase(phase_id, {"name": "Fase 2 – theirs", "version": version})
    answer = manager.post(f"/admin/phases/{phase_id}/edit", data=form)
    assert answer.status_code == 409
    html = answer.get_data(as_text=True)
    assert "changed by someone else" in html
    assert "Fase 2 – theirs" in html and 'value="Fase 2 – mine"' in html
    assert f'name="lock_version" type="hidden" value="{version + 1}"' in html
    form["lock_version"] = str(version + 1)  # saving again, on purpose, replaces theirs
    assert manager.post(f"/admin/phases/{phase_id}/edit", data=form).status_code == 303
    with live.app_context():
        assert db.session.get(Phase, phase_id).name == "Fase 2 – mine"


def test_a_partner_is_created_with_the_campaigns_it_is_on_and_edited(
    live: Flask, manager: FlaskClient
) -> None:
    data = {
        "slug": "unicef",
        "name": "UNICEF Perú",
        "role": "agency",
        "website": "https://www.unicef.org/peru",
        "campaign_ids": [campaign_id(live)],
    }
    answer = manager.post("/admin/partners/new", data=data)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    html = manager.get("/admin/partners").get_data(as_text=True)
    row = row_of(html, "UNICEF Perú")
    assert "agency" in row and "Peru United Against Human Trafficking" in row
    again = manager.post("/admin/partners/new", data=data)
    assert again.status_code == 409
    assert "already has this slug" in error_of(again.get_data(as_text=True), "slug")
    with live.app_context():
        partner = campaigns.partners.list(campaigns.PageRequest(filters={"slug": "unicef"}))
        (row_,) = partner.items
        partner_id, version = row_.id, row_.lock_version
    edited = manager.post(
        f"/admin/partners/{partner_id}/edit",
        data={"name": "UNICEF", "role": "agency", "lock_version": str(version)},
    )
    assert edited.status_code == 303
    with live.app_context():
        assert campaigns.get_partner(partner_id).campaigns == []  # no campaign ticked


def test_a_manager_cannot_reach_users_or_the_audit_and_an_admin_can(
    manager: FlaskClient, admin: FlaskClient
) -> None:
    for path in ("/admin/users", "/admin/users/new", "/admin/users/1/tokens", "/admin/audit"):
        assert manager.get(path).status_code == 403, path
        assert admin.get(path).status_code == 200, path
    index = manager.get("/admin").get_data(as_text=True)
    assert 'href="/admin/phases"' in index and 'href="/admin/users"' not in index
    assert 'href="/admin/users"' in admin.get("/admin").get_data(as_text=True)


def test_a_partner_user_must_belong_to_an_organisation(live: Flask, admin: FlaskClient) -> None:
    data = {"email": "rosa@mimp.example.org", "name": "Rosa", "role": "partner"}
    data |= {"partner_id": "", "password": "a long enough password"}
    answer = admin.post("/admin/users/new", data=data)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert "belongs to an organisation" in error_of(html, "partner_id")
    assert 'value="rosa@mimp.example.org"' in html
    with live.app_context():
        assert db.session.scalar(select(User).filter_by(email=data["email"])) is None
        mimp = db.session.scalar(select(campaigns.Partner.id).filter_by(slug="mimp"))
    assert admin.post("/admin/users/new", data={**data, "partner_id": str(mimp)}).status_code == 303
    html = admin.get("/admin/users").get_data(as_text=True)
    assert "Ministerio de la Mujer" in row_of(html, "rosa@mimp.example.org")


def test_an_admin_cannot_demote_or_deactivate_themselves(live: Flask, admin: FlaskClient) -> None:
    with live.app_context():
        me = db.session.scalar(select(User).filter_by(role="admin"))
        my_id, version = me.id, me.lock_version
    base = {"name": "", "role": "admin", "partner_id": "", "active": "y"}
    base["lock_version"] = str(version)
    demoted = admin.post(f"/admin/users/{my_id}/edit", data={**base, "role": "manager"})
    assert demoted.status_code == 409
    assert "cannot change your own role" in error_of(demoted.get_data(as_text=True), "role")
    off = {k: v for k, v in base.items() if k != "active"}
    deactivated = admin.post(f"/admin/users/{my_id}/edit", data=off)
    assert "deactivate yourself" in error_of(deactivated.get_data(as_text=True), "active")
    with live.app_context():
        me = db.session.get(User, my_id)
        assert me.role == "admin" and me.active
    renamed = admin.post(f"/admin/users/{my_id}/edit", data={**base, "name": "Ana"})
    assert renamed.status_code == 303
    base["lock_version"] = str(version + 1)
    new_password = {**base, "name": "Ana", "password": "another long password"}
    assert admin.post(f"/admin/users/{my_id}/edit", data=new_password).status_code == 303
    assert admin.get("/admin/users").status_code == 200  # a new password; this session goes on


def test_a_token_secret_is_shown_once_works_and_stops_when_revoked(
    live: Flask, admin: FlaskClient
) -> None:
    with live.app_context():
        user_id = db.session.scalar(select(User.id).filter_by(role="admin"))
    made = admin.post(f"/admin/users/{user_id}/tokens", data={"name": "laptop"})
    assert made.status_code == 201
    assert made.headers["Cache-Control"] == "no-store"
    secret = re.search(r'value="(cmp_[^"]+)"', made.get_data(as_text=True)).group(1)
    listing = admin.get(f"/admin/users/{user_id}/tokens").get_data(as_text=True)
    assert secret not in listing and "laptop" in listing  # once: never again, not even flashed
    api = live.test_client()
    bearer = {"Authorization": f"Bearer {secret}"}
    assert api.get("/api/v1/messages", headers=bearer).status_code == 200
    token_id = re.search(rf"/admin/users/{user_id}/tokens/(\d+)/revoke", listing).group(1)
    revoke = f"/admin/users/{user_id}/tokens/{token_id}/revoke"
    confirm = admin.get(revoke).get_data(as_text=True)
    assert "stops working at once" in confirm
    assert api.get("/api/v1/messages", headers=bearer).status_code == 200  # not yet
    done = admin.post(revoke)
    assert done.status_code == 303
    assert "was revoked" in admin.get(done.headers["Location"]).get_data(as_text=True)
    assert api.get("/api/v1/messages", headers=bearer).status_code == 401


def test_the_audit_page_filters_by_action_and_the_csv_has_the_same_rows(
    live: Flask, manager: FlaskClient, admin: FlaskClient
) -> None:
    for number in ("4", "5"):
        assert manager.post("/admin/phases/new", data=phase_form(live, number=number)).status_code
    query = "action=insert&entity=phases&since=2026-11-28&until=2026-11-28"
    html = admin.get(f"/admin/audit?{query}").get_data(as_text=True)
    shown = re.findall(r'<tr id="event-(\d+)">', html)
    assert len(shown) == 2 and shown == sorted(shown, key=int, reverse=True)  # newest first
    assert "manager-iom@example.org" in html and "Nov 28, 2026, 22:00" in html  # Lima time
    assert f'href="/admin/audit/export.csv?{query.replace("&", "&amp;")}"' in html
    answer = admin.get(f"/admin/audit/export.csv?{query}")
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert sorted(r["id"] for r in rows) == sorted(shown)
    assert {(r["action"], r["entity"], r["source"]) for r in rows} == {("insert", "phases", "web")}
    assert {r["at"] for r in rows} == {"2026-11-29T03:00:00+00:00"}  # ISO 8601, in UTC
    logins = admin.get("/admin/audit?action=login").get_data(as_text=True)
    assert re.findall(r"<td>(signed in|created|changed)</td>", logins) == ["signed in"] * 2
    next_day = admin.get("/admin/audit?entity=phases&since=2026-11-29&until=2026-11-29")
    assert "No event matches these filters." in next_day.get_data(as_text=True)


def test_audit_csv_escapes_values_a_spreadsheet_would_run(live: Flask, admin: FlaskClient) -> None:
    signed_in(live, "manager", email="=sum@example.org")  # an odd but valid address
    page = admin.get("/admin/audit?action=login").get_data(as_text=True)
    assert "=sum@example.org<br>" in page  # the page shows it as it is
    answer = admin.get("/admin/audit/export.csv?action=login")
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert "'=sum@example.org" in {r["actor"] for r in rows}
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


def test_a_bad_audit_filter_is_marked_not_ignored(admin: FlaskClient) -> None:
    answer = admin.get("/admin/audit?since=yesterday&action=nothing-like-it")
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "A date such as" in error_of(html, "since")
    assert "is not a choice" in error_of(html, "action")
    assert admin.get("/admin/audit/export.csv?since=yesterday").status_code == 400


@pytest.mark.parametrize(
    ("typed", "thousands", "read"),
    [
        ("45000", True, "45000"),
        ("45000.50", True, "45000.50"),
        ("45,000.50", True, "45000.50"),
        ("45.000,50", True, "45000.50"),
        ("45.000", True, "45000"),
        ("1 500", True, "1500"),
        ("0,5", False, "0.5"),
        ("0.125", False, "0.125"),
        ("1,5", True, "1.5"),
    ],
)
def test_amounts_are_read_as_people_in_peru_type_them(
    typed: str, thousands: bool, read: str
) -> None:
    assert read_amount(typed, thousands=thousands) == Decimal(read)


@pytest.mark.parametrize("typed", ["mucho", "1,0.5", "1.5,000.2", "12.34.5", "-3", "1e5"])
def test_what_is_not_an_amount_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        read_amount(typed)
