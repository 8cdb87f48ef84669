"""End to end: a poster uploaded for a message in Spanish plays, at each screen's exact size."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from campaign.services import screens
from campaign.services.clock import clock_of
from campaign.services.playback import prepare_renditions
from campaign.web.player import cache as player_cache
from tests.rendering import hostile
from tests.web.test_api_helpers import staff

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)


def picture(client: FlaskClient, url: str) -> tuple[str, tuple[int, int]]:
    response = client.get(url)
    data = response.get_data()
    response.close()
    assert response.status_code == 200
    with Image.open(BytesIO(data)) as im:
        return im.format, im.size


def playlist(client: FlaskClient, token: str) -> dict:
    response = client.get("/api/v1/player/playlist", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return response.get_json()


def test_a_poster_plays_only_once_approved_then_for_es_with_the_text_slide_for_en(
    demo: Flask,
) -> None:
    clock_of(demo).set(NOW)
    codes = ("LIM-ARR-01", "LIM-ARR-02", "LIM-DEP-01")
    with demo.app_context():
        tokens = {code: screens.issue_token(code, now=NOW) for code in codes}
    client = demo.test_client()
    before = playlist(client, tokens["LIM-ARR-01"])
    key = next(i["message"] for i in before["items"] if i["lang"] == "es")
    people = staff(demo)
    manager = people["manager"]
    response = client.post(
        "/api/v1/assets",
        data={
            "file": (BytesIO(hostile.jpeg(1600, 1000)), "poster.jpg"),
            "message": key,
            "lang": "es",
            "fit": "cover",
        },
        headers=manager.headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    message_id = response.get_json()["message_id"]
    # The poster joined a new draft: until that is approved, screens keep the approved slide.
    player_cache.cache(demo).checked_at = float("-inf")
    unapproved = playlist(client, tokens["LIM-ARR-01"])
    assert all(i["content_type"] == "image/png" for i in unapproved["items"])
    draft = client.post(f"/api/v1/messages/{message_id}/submit", headers=manager.headers)
    assert draft.status_code == 200, draft.get_json()
    approved = client.post(
        f"/api/v1/messages/{message_id}/approve",
        json={"number": draft.get_json()["number"]},
        headers=people["partner"].headers,  # the demo campaign needs a partner's approval
    )
    assert approved.status_code == 200, approved.get_json()
    with demo.app_context():
        counts = prepare_renditions(NOW)
        assert counts["poster_renditions"] == 4  # 1920×1080, 1080×1920, 3840×2160, 1366×768
        assert prepare_renditions(NOW)["poster_renditions"] == 0  # made once, then reused
    player_cache.cache(demo).checked_at = float("-inf")  # look at the generation now, not in 1 s
    checked = {"es": 0, "en": 0}
    for code in codes:
        body = playlist(client, tokens[code])
        size = (body["screen"]["width"], body["screen"]["height"])
        for item in body["items"]:
            if item["message"] != key or item["lang"] not in checked:
                continue
            fmt, actual = picture(client, item["url"])
            assert actual == size == (item["width"], item["height"])
            if item["lang"] == "es":
                assert fmt == "JPEG" and item["content_type"] == "image/jpeg"
            else:
                assert fmt == "PNG" and item["content_type"] == "image/png"
            checked[item["lang"]] += 1
    assert checked["es"] > 0 and checked["en"] > 0, checked
