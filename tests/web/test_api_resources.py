"""The management API end to end: create, read, change and delete each resource; bad input."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.test_api_helpers import Caller, staff

HOSTILE = [
    "'; DROP TABLE campaigns; --",
    "<script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "Robert'); DELETE FROM users WHERE ('1'='1",
]


@pytest.fixture
def people(app: Flask) -> dict[str, Caller]:
    return staff(app)


def ok(response, status: int = 200):  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.get_json()
    return response.get_json()


def build_world(client: FlaskClient, admin: Caller) -> dict[str, int]:
    h = admin.headers
    # staff() made the partner organisation "mimp" for its partner user.
    partner = ok(client.get("/api/v1/partners?slug=mimp", headers=h))["items"][0]
    campaign = ok(
        client.post(
            "/api/v1/campaigns",
            json={
                "slug": "shared",
                "names": {"es": "Compartida", "en": "Shared"},
                "languages": ["es", "en"],
                "partner_ids": [partner["id"]],
            },
            headers=h,
        ),
        201,
    )
    private = ok(
        client.post(
            "/api/v1/campaigns",
            json={"slug": "private", "names": {"es": "Privada"}, "languages": ["es"]},
            headers=h,
        ),
        201,
    )
    hub = ok(
        client.post(
            "/api/v1/hubs",
            json={"code": "LIM", "name": "Lima", "kind": "airport", "timezone": "America/Lima"},
            headers=h,
        ),
        201,
    )
    zone = ok(
        client.post(
            "/api/v1/zones", json={"hub_id": hub["id"], "code": "ARR", "name": "Arr"}, headers=h
        ),
        201,
    )
    screen = ok(
        client.post(
            "/api/v1/screens",
            json={
                "zone_id": zone["id"],
                "code": "LIM-ARR-01",
                "orientation": "landscape",
                "width": 1920,
                "height": 1080,
            },
            headers=h,
        ),
        201,
    )
    assert screen["token"]
    phase = ok(
        client.post(
            "/api/v1/phases",
            json={
                "campaign_id": campaign["id"],
                "number": 1,
                "name": "Uno",
                "starts_on": "2026-11-01",
                "ends_on": "2027-01-31",
                "hub_ids": [hub["id"]],
            },
            headers=h,
        ),
        201,
    )
    message = ok(
        client.post(
            "/api/v1/messages",
            json={
                "campaign_id": campaign["id"],
                "key": "hotline",
                "texts": {"es": {"headline": "Llama", "body": "Al 1818"}},
            },
            headers=h,
        ),
        201,
    )
    private_message = ok(
        client.post(
            "/api/v1/messages", json={"campaign_id": private["id"], "key": "secret"}, headers=h
        ),
        201,
    )
    booking = ok(
        client.post(
            "/api/v1/bookings",
            json={
                "campaign_id": campaign["id"],
                "key": "b1",
                "message_id": message["id"],
                "phase_id": phase["id"],
                "starts_on": "2026-11-01",
                "ends_on": "2026-12-31",
            },
            headers=h,
        ),
        201,
    )
    return {
        "partner": partner["id"],
        "campaign": campaign["id"],
        "private": private["id"],
        "hub": hub["id"],
        "zone": zone["id"],
        "screen": screen["screen"]["id"],
        "phase": phase["id"],
        "message": message["id"],
        "private_message": private_message["id"],
        "booking": booking["id"],
    }


def test_everything_can_be_built_and_read_back(app: Flask, people: dict[str, Caller]) -> None:
    client = app.test_client()
    ids = build_world(client, people["admin"])
    h = people["manager"].headers
    for path, key in [
        ("campaigns", "campaign"),
        ("partners", "partner"),
        ("hubs", "hub"),
        ("zones", "zone"),
        ("screens", "screen"),
        ("phases", "phase"),
        ("messages", "message"),
        ("bookings", "booking"),
    ]:
        body = ok(client.get(f"/api/v1/{path}/{ids[key]}", headers=h))
        assert body["id"] == ids[key] and body["version"] >= 1
        listed = ok(client.get(f"/api/v1/{path}?per_page=1", headers=h))
        assert listed["total"] >= 1 and len(listed["items"]) == 1


def test_partners_see_only_campaigns_shared_with_them(
    app: Flask, people: dict[str, Caller]
) -> None:
    client = app.test_client()
    ids = build_world(client, people["admin"])
    partner = people["partner"].headers
    listed = ok(client.get("/api/v1/campaigns", headers=partner))
    assert [c["slug"] for c in listed["items"]] == ["shared"]
    for url in [
        f"/api/v1/campaigns/{ids['private']}",
        f"/api/v1/messages/{ids['private_message']}",
        f"/api/v1/messages/{ids['private_message']}/versions",
        f"/api/v1/messages/{ids['private_message']}/versions/1/comments",
    ]:
        assert client.get(url, headers=partner).status_code == 404, url
    outsider = people["outsider"].headers
    assert client.get(f"/api/v1/campaigns/{ids['campaign']}", headers=outsider).status_code == 404
    assert ok(client.get("/api/v1/messages", headers=outsider))["total"] == 0
    comment = client.post(
        f"/api/v1/messages/{ids['message']}/versions/1/comments",
        json={"body": "¿Está confirmado el número?"},
        headers=partner,
    )
    assert comment.status_code == 201


def test_stale_versions_are_refused_with_409(app: Flask, people: dict[str, Caller]) -> None:
    client = app.test_client()
    ids = build_world(client, people["admin"])
    h = people["manager"].headers
    for path, key, change in [
        ("campaigns", "campaign", {"accent": "#000000"}),
        ("hubs", "hub", {"name": "Jorge Chávez"}),
        ("zones", "zone", {"name": "Llegadas"}),
        ("screens", "screen", {"name": "Pantalla 1"}),
        ("phases", "phase", {"name": "Fase 1"}),
        ("messages", "message", {"topic": "hotline"}),
        ("bookings", "booking", {"weight": 3}),
        ("partners", "partner", {"name": "MIMP"}),
    ]:
        url = f"/api/v1/{path}/{ids[key]}"
        version = ok(client.get(url, headers=h))["version"]
        first = ok(client.patch(url, json={**change, "version": version}, headers=h))
        assert first["version"] == version + 1, path
        stale = client.patch(url, json={**change, "version": version}, headers=h)
        assert stale.status_code == 409, path
        assert stale.get_json()["error"] == "conflict"
        missing = client.patch(url, json=change, headers=h)
        assert missing.status_code == 422 and "version" in missing.get_json()["fields"]["json"]


def test_texts_are_stored_literally_and_never_interpreted(
    app: Flask, people: dict[str, Caller]
) -> None:
    client = app.test_client()
    ids = build_world(client, people["admin"])
    h = people["manager"].headers
    for value in HOSTILE:
        url = f"/api/v1/messages/{ids['message']}"
        version = ok(client.get(url, headers=h))["version"]
        edited = client.put(
            f"{url}/texts",
            json={
                "version": version,
                "texts": {"es": {"headline": value, "body": value, "hotline": value[:40]}},
            },
            headers=h,
        )
        assert ok(edited)["texts"][0]["headline"] == value
        hub = ok(client.get(f"/api/v1/hubs/{ids['hub']}", headers=h))
        renamed = ok(
            client.patch(
                f"/api/v1/hubs/{ids['hub']}",
                json={"version": hub["version"], "name": value, "region": value},
                headers=h,
            )
        )
        assert renamed["name"] == value
        assert ok(client.get(f"/api/v1/hubs?region={value}", headers=h))["total"] == 1
    page = client.get("/api/v1/<script>alert(1)</script>", headers={"Accept": "text/html"})
    assert "<script>alert" not in page.get_data(as_text=True)
    assert ok(client.get("/api/v1/campaigns", headers=h))["total"] == 2


def test_validation_errors_name_the_field_and_the_reason(
    app: Flask, people: dict[str, Caller]
) -> None:
    client = app.test_client()
    h = people["admin"].headers
    response = client.post(
        "/api/v1/hubs",
        json={"code": "lim", "name": "", "kind": "moon", "timezone": "Mars/Olympus"},
        headers=h,
    )
    assert response.status_code == 422
    body = response.get_json()
    assert set(body["fields"]["json"]) == {"code", "name", "kind", "timezone"}
    assert "timezone" in body["detail"]
    unknown = client.post("/api/v1/partners", json={"slug": "x", "admin": True}, headers=h)
    assert unknown.status_code == 422


def test_lists_filter_and_sort_only_on_allowed_fields(
    app: Flask, people: dict[str, Caller]
) -> None:
    client = app.test_client()
    build_world(client, people["admin"])
    h = people["admin"].headers
    assert client.get("/api/v1/hubs?sort=-name", headers=h).status_code == 200
    assert client.get("/api/v1/hubs?timezone=America/Lima", headers=h).status_code == 400
    assert client.get("/api/v1/hubs?sort=timezone", headers=h).status_code == 400
    assert client.get("/api/v1/users?sort=password_hash", headers=h).status_code == 400
    assert client.get("/api/v1/users?password_hash=x", headers=h).status_code == 400
    assert client.get("/api/v1/hubs?per_page=1000", headers=h).status_code == 422


def test_oversized_bodies_get_413(app: Flask, people: dict[str, Caller]) -> None:
    client = app.test_client()
    huge = {"slug": "x", "name": "y" * (300 * 1024), "role": "ministry"}
    response = client.post("/api/v1/partners", json=huge, headers=people["admin"].headers)
    assert response.status_code == 413
    assert response.get_json()["error"] == "request_entity_too_large"


def test_screen_tokens_rotate_and_revoke(app: Flask, people: dict[str, Caller]) -> None:
    client = app.test_client()
    ids = build_world(client, people["admin"])
    h = people["manager"].headers
    url = f"/api/v1/screens/{ids['screen']}/token"
    first = ok(client.post(url, headers=h), 201)["token"]
    second = ok(client.post(url, headers=h), 201)["token"]
    assert first != second
    revoked = ok(client.delete(url, headers=h))
    assert revoked["has_token"] is False and revoked["token_revoked_at"]


def test_workflow_over_http(app: Flask, people: dict[str, Caller]) -> None:
    client = app.test_client()
    ids = build_world(client, people["admin"])
    url = f"/api/v1/messages/{ids['message']}"
    manager, other = people["manager"].headers, people["manager2"].headers
    version = ok(client.get(url, headers=manager))["version"]
    ok(
        client.put(
            f"{url}/texts",
            json={"version": version, "texts": {"en": {"headline": "Call", "body": "1818"}}},
            headers=manager,
        )
    )
    assert ok(client.post(f"{url}/submit", headers=manager))["status"] == "in_review"
    refused = client.post(f"{url}/approve", json={"number": 1}, headers=manager)
    assert refused.status_code == 403  # the author
    approved = ok(client.post(f"{url}/approve", json={"number": 1}, headers=other))
    assert approved["status"] == "approved"
    assert ok(client.get(url, headers=manager))["live"]["number"] == 1
    assert ok(client.post(f"{url}/pause", headers=manager))["status"] == "paused"
    assert ok(client.post(f"{url}/resume", headers=manager))["status"] == "approved"
    retired = ok(client.post(f"{url}/retire", headers=manager))
    assert retired["live"] is None
    gone = client.delete(f"{url}?version={retired['version']}", headers=manager)
    assert gone.status_code == 409


def test_deletes_need_the_current_version(app: Flask, people: dict[str, Caller]) -> None:
    client = app.test_client()
    ids = build_world(client, people["admin"])
    h = people["admin"].headers
    url = f"/api/v1/bookings/{ids['booking']}"
    assert client.delete(f"{url}?version=99", headers=h).status_code == 409
    assert client.delete(f"{url}?version=1", headers=h).status_code == 204
    assert client.get(url, headers=h).status_code == 404
    in_use = client.delete(f"/api/v1/hubs/{ids['hub']}?version=1", headers=h)
    assert in_use.status_code == 409  # phase 1 still runs there
