"""The audit trail: every change with who, when, from where, before and after."""

from __future__ import annotations

import csv
import io

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.audit import AuditEvent
from campaign.persistence.network import Hub
from campaign.services import audit
from tests.web.test_api_helpers import PASSWORD, staff

HUB = {"code": "CUZ", "name": "Cusco", "kind": "airport", "timezone": "America/Lima"}


def events(**filters: object) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).filter_by(**filters).order_by(AuditEvent.id)))


def test_api_changes_are_recorded_with_actor_source_and_values(app: Flask) -> None:
    admin = staff(app)["admin"]
    client = app.test_client()
    hub = client.post("/api/v1/hubs", json=HUB, headers=admin.headers).get_json()
    client.patch(
        f"/api/v1/hubs/{hub['id']}", json={"version": 1, "name": "Velasco"}, headers=admin.headers
    )
    client.delete(f"/api/v1/hubs/{hub['id']}?version=2", headers=admin.headers)
    with app.app_context():
        rows = events(entity="hubs", entity_id=str(hub["id"]))
        assert [r.action for r in rows] == ["insert", "update", "delete"]
        assert {(r.actor_id, r.actor, r.source) for r in rows} == {(admin.id, admin.email, "api")}
        assert rows[0].after["name"] == "Cusco"
        assert (rows[1].before, rows[1].after) == ({"name": "Cusco"}, {"name": "Velasco"})
        assert rows[2].before["name"] == "Velasco" and rows[2].after is None


def test_session_changes_are_marked_web_and_secrets_are_redacted(app: Flask) -> None:
    admin = staff(app)["admin"]
    client = app.test_client()
    client.post("/api/v1/auth/login", json={"email": admin.email, "password": PASSWORD})
    client.post(
        "/api/v1/users",
        json={"email": "new@example.org", "role": "manager", "password": PASSWORD},
    )
    with app.app_context():
        (row,) = events(entity="users", action="insert", source="web")
        assert row.actor_id == admin.id
        assert row.after["password_hash"] == audit.REDACTED
        assert PASSWORD not in str(row.after)
        assert events(action="login", actor_id=admin.id)


def test_command_line_changes_are_marked_cli(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["user", "add", "cli@example.org", "--role", "admin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        (row,) = events(entity="users", action="insert")
        assert row.source == "cli" and row.actor


def test_jobs_name_themselves(app: Flask) -> None:
    with app.app_context(), audit.acting_as(audit.Actor(label="rotation", source="scheduler")):
        db.session.add(Hub(**HUB))
        db.session.commit()
    with app.app_context():
        (row,) = events(entity="hubs")
        assert (row.source, row.actor) == ("scheduler", "rotation")


def test_a_rolled_back_change_leaves_no_record(app: Flask) -> None:
    with app.app_context():
        db.session.add(Hub(**HUB))
        db.session.flush()
        db.session.rollback()
        assert events(entity="hubs") == []


def test_admins_filter_and_export_the_trail(app: Flask) -> None:
    people = staff(app)
    admin = people["admin"].headers
    client = app.test_client()
    client.post("/api/v1/hubs", json=HUB, headers=admin)
    page = client.get("/api/v1/audit?entity=hubs&action=insert&source=api", headers=admin)
    assert page.status_code == 200
    assert [e["entity"] for e in page.get_json()["items"]] == ["hubs"]
    since = client.get("/api/v1/audit?since=2999-01-01T00:00:00Z", headers=admin).get_json()
    assert since["total"] == 0
    assert client.get("/api/v1/audit?before=x", headers=admin).status_code == 400
    exported = client.get("/api/v1/audit/export.csv?entity=hubs", headers=admin)
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert [r["entity"] for r in rows] == ["hubs"]
    assert client.get("/api/v1/audit", headers=people["manager"].headers).status_code == 403


def test_csv_cells_cannot_become_spreadsheet_formulas(app: Flask) -> None:
    admin = staff(app)["admin"].headers
    client = app.test_client()
    client.post("/api/v1/hubs", json={**HUB, "name": '=HYPERLINK("x")'}, headers=admin)
    text = client.get("/api/v1/audit/export.csv?entity=hubs", headers=admin).get_data(as_text=True)
    assert ",=HYPERLINK" not in text
