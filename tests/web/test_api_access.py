"""The authorisation matrix, generated from the route table: every management route declares
its roles, refuses anonymous callers (401) and callers with another role (403)."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from campaign.web.api_access import declared_access
from tests.web.test_api_helpers import staff

EXEMPT_PREFIXES = ("/api/v1/player", "/api/v1/openapi.json", "/api/v1/docs", "/healthz")


def management_routes(app: Flask) -> list[tuple[str, str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.rule.startswith(EXEMPT_PREFIXES):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            url = re.sub(r"<(?:int:)?[a-z_]+>", "1", rule.rule)
            routes.append((rule.endpoint, method, url))
    return routes


def test_every_management_route_declares_who_may_call_it(app: Flask) -> None:
    routes = management_routes(app)
    assert len(routes) > 40
    missing = [
        f"{method} {url}"
        for endpoint, method, url in routes
        if declared_access(app, endpoint, method) is None
    ]
    assert missing == [], "routes without @requires(...) or @public"


def test_anonymous_callers_get_401_everywhere_but_public_routes(app: Flask) -> None:
    client = app.test_client()
    for endpoint, method, url in management_routes(app):
        roles = declared_access(app, endpoint, method)
        response = client.open(url, method=method, json={})
        if roles:
            assert response.status_code == 401, f"{method} {url}"
            assert response.get_json()["error"] == "unauthorized"
        else:
            assert response.status_code != 401, f"{method} {url}"


def test_callers_with_another_role_get_403(app: Flask) -> None:
    people = staff(app)
    client = app.test_client()
    checked = 0
    for endpoint, method, url in management_routes(app):
        roles = declared_access(app, endpoint, method) or ()
        for role in ("admin", "manager", "partner"):
            if roles and role not in roles:
                response = client.open(url, method=method, json={}, headers=people[role].headers)
                assert response.status_code == 403, f"{role}: {method} {url}"
                checked += 1
    assert checked > 40


def test_admin_only_routes(app: Flask) -> None:
    admin_only = {
        (method, url)
        for endpoint, method, url in management_routes(app)
        if declared_access(app, endpoint, method) == ("admin",)
    }
    assert ("GET", "/api/v1/audit") in admin_only
    assert ("GET", "/api/v1/users") in admin_only
    assert ("DELETE", "/api/v1/campaigns/1") in admin_only


def test_audit_trail_has_no_route_to_change_it(app: Flask) -> None:
    for _endpoint, method, url in management_routes(app):
        if url.startswith("/api/v1/audit"):
            assert method == "GET"


@pytest.mark.parametrize(
    "header",
    ["Bearer cmp_not-a-token", "Basic YWRtaW46YWRtaW4=", "Bearer ", "Bearer ' OR 1=1 --"],
)
def test_bad_authorization_headers_are_401(client, header: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/campaigns", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
