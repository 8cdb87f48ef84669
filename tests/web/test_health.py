"""GET /healthz and the shape of error answers."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_healthz_reports_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["dialect"] in {"sqlite", "postgresql"}


def test_unknown_api_path_is_a_json_error_without_internals(client: FlaskClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    body = response.get_json()
    assert body["error"] == "not_found"
    assert "Traceback" not in response.get_data(as_text=True)


def test_openapi_document_is_served(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["info"]["title"] == "Campaign scheduler API"
