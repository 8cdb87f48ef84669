"""Ids in URLs stop at what a database column holds: a huge one is a 404, never a 500."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.web.signing import signed_in

HUGE = "99999999999999999999"


def test_a_huge_id_is_not_found_on_pages_and_in_the_api(demo: Flask) -> None:
    client: FlaskClient = signed_in(demo, "admin")
    for path in (
        f"/reports/phases/{HUGE}",
        f"/reports/phases/{HUGE}.pdf",
        f"/phases/{HUGE}/press-kit",
        f"/admin/phases/{HUGE}",
        f"/messages/{HUGE}",
        f"/api/v1/phases/{HUGE}",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get("/reports/phases/2147483648").status_code == 404
    spec = client.get("/api/v1/openapi.json").get_json()
    (phase_id,) = spec["paths"]["/api/v1/phases/{phase_id}"]["parameters"]
    assert phase_id["schema"]["maximum"] == 2**31 - 1
