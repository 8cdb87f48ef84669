"""Content-addressed assets: the bytes whose hash names them, cacheable forever."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from flask import Flask

from campaign.services import screens
from campaign.services.clock import clock_of

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)


def test_asset_urls_serve_their_bytes_with_immutable_headers(demo: Flask) -> None:
    clock_of(demo).set(NOW)
    with demo.app_context():
        token = screens.issue_token("LIM-GAT-01", now=NOW)
    client = demo.test_client()
    body = client.get(
        "/api/v1/player/playlist", headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    item = body["items"][0]
    response = client.get(item["url"])
    data = response.get_data()
    response.close()  # send_file streams from an open file
    assert response.status_code == 200
    assert hashlib.sha256(data).hexdigest() == item["sha256"]
    assert response.headers["Content-Type"] == item["content_type"] == "image/png"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["ETag"] == f'"{item["sha256"]}"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    again = client.get(item["url"], headers={"If-None-Match": response.headers["ETag"]})
    again.close()
    assert again.status_code == 304


def test_unknown_or_malformed_asset_is_404(demo: Flask) -> None:
    client = demo.test_client()
    for url in ("/assets/" + "0" * 64 + ".png", "/assets/abc.png", "/assets/" + "a" * 64 + ".exe"):
        response = client.get(url, headers={"Accept": "application/json"})
        assert response.status_code == 404
        assert set(response.get_json()) >= {"error", "detail"}
