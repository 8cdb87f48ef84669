"""Published playlists as the poll sees them: the file holds the API's answer, and only it."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import jsonschema_rs
import pytest
from flask import Flask
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.network import Screen
from campaign.services import playback, screens
from tests.conftest import make_test_app
from tests.web.plays_serving import PLAYLIST, as_another_worker, auth, poll

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)  # noon in Lima on DEMO_TODAY
ID = re.compile(r"[A-Za-z0-9_-]{43}")


@pytest.fixture
def published(demo: Flask, tmp_path: Path) -> Path:
    folder = tmp_path / "published"
    demo.config["PUBLISH_DIR"] = str(folder)
    return folder


@pytest.fixture
def tokens(demo: Flask, published: Path) -> dict[str, str]:
    with demo.app_context():
        return {code: screens.issue_token(code, now=NOW) for code in ("LIM-ARR-01", "LIM-DEP-01")}


def _publish_id(app: Flask, code: str) -> str | None:
    with app.app_context():
        return db.session.scalar(select(Screen.publish_id).filter_by(code=code))


def _file(folder: Path, body: dict) -> Path:
    return folder / body["published_url"].removeprefix("/published/")


def test_a_poll_publishes_exactly_the_body_the_api_answers(demo: Flask, published, tokens) -> None:  # type: ignore[no-untyped-def]
    response = demo.test_client().get(PLAYLIST, headers=auth(tokens["LIM-ARR-01"]))
    body = response.get_json()
    publish_id = _publish_id(demo, "LIM-ARR-01")
    assert body["published_url"] == f"/published/{publish_id}.json"
    assert (published / f"{publish_id}.json").read_bytes() == response.data
    # The version covers what plays, not where it is published; the schema documents the field.
    assert response.headers["ETag"] == f'"{body["version"]}"'
    spec = demo.test_client().get("/api/v1/openapi.json").get_json()
    jsonschema_rs.validator_for(
        {"$ref": "#/components/schemas/Playlist", "components": spec["components"]}
    ).validate(body)


def test_the_published_url_prefix_is_a_setting(demo: Flask, published, tokens) -> None:  # type: ignore[no-untyped-def]
    demo.config["PUBLISH_URL"] = "https://cdn.example.org/playlists/"
    body = poll(demo, tokens["LIM-ARR-01"], NOW)
    publish_id = _publish_id(demo, "LIM-ARR-01")
    assert body["published_url"] == f"https://cdn.example.org/playlists/{publish_id}.json"


def test_publish_ids_are_long_random_and_say_nothing(demo: Flask, published, tokens) -> None:  # type: ignore[no-untyped-def]
    ids = [_publish_id(demo, code) for code in tokens]
    assert all(i is not None and ID.fullmatch(i) for i in ids)  # 32 random bytes, URL-safe
    assert len(set(ids)) == 2
    for (code, token), publish_id in zip(tokens.items(), ids, strict=True):
        assert code not in publish_id and publish_id not in token  # type: ignore[operator]
        assert publish_id != screens.hash_token(token)[:43]


def test_the_published_body_holds_nothing_the_answer_does_not(
    demo: Flask, published, tokens
) -> None:  # type: ignore[no-untyped-def]
    token = tokens["LIM-ARR-01"]
    body = poll(demo, token, NOW)
    data = _file(published, body).read_bytes()
    assert json.loads(data) == body
    assert set(json.loads(data)) == {
        "screen", "version", "generated_at", "valid_until", "poll_after_s", "items", "fallback",
        "published_url",
    }  # fmt: skip
    assert token.encode() not in data and screens.hash_token(token).encode() not in data
    assert {path.name for path in published.iterdir()} == {_file(published, body).name}


def test_an_unchanged_answer_is_not_written_again(
    demo: Flask, published, tokens, database_url: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    token = tokens["LIM-ARR-01"]
    first = poll(demo, token, NOW)
    path = _file(published, first)
    before = path.stat()
    # Another process, later, builds the same answer (a new generated_at): the file stays.
    other = make_test_app(
        database_url, tmp_path, INSTANCE_PATH=tmp_path / "other", PUBLISH_DIR=str(published)
    )
    try:
        later = poll(other, token, NOW.replace(minute=5))
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
    assert later["generated_at"] != first["generated_at"]
    # The same version: only the loop's horizon moved on, and the file's still holds.
    assert later["version"] == first["version"] and later["valid_until"] > first["valid_until"]
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert json.loads(path.read_bytes()) == first


def test_revoking_removes_the_file_at_once_and_a_new_token_gets_a_new_id(
    demo: Flask, published, tokens
) -> None:  # type: ignore[no-untyped-def]
    body = poll(demo, tokens["LIM-ARR-01"], NOW)
    path = _file(published, body)
    assert path.exists()
    with demo.app_context():
        screens.revoke_token("LIM-ARR-01", now=NOW)
    assert not path.exists()
    assert _publish_id(demo, "LIM-ARR-01") is None
    with demo.app_context():
        token = screens.issue_token("LIM-ARR-01", now=NOW)
    again = poll(demo, token, NOW)
    assert again["published_url"] != body["published_url"]
    assert again["version"] == body["version"]
    assert _file(published, again).exists() and not path.exists()


def test_rotating_the_token_removes_the_old_file(demo: Flask, published, tokens) -> None:  # type: ignore[no-untyped-def]
    old = poll(demo, tokens["LIM-DEP-01"], NOW)
    with demo.app_context():
        new_token = screens.issue_token("LIM-DEP-01", now=NOW)
    assert not _file(published, old).exists()
    assert demo.test_client().get(PLAYLIST, headers=auth(tokens["LIM-DEP-01"])).status_code in {
        200,  # within the second every process takes to see the rotation
        401,
    }
    new = poll(demo, new_token, NOW)
    assert new["published_url"] != old["published_url"]
    assert (
        _file(published, new).read_bytes()
        == json.dumps(new, ensure_ascii=False, separators=(",", ":")).encode()
    )


def test_without_a_publish_dir_nothing_is_published(demo: Flask, tmp_path: Path) -> None:
    with demo.app_context():
        token = screens.issue_token("LIM-ARR-01", now=NOW)
    body = poll(demo, token, NOW)
    assert "published_url" not in body
    assert not list(tmp_path.rglob("*.json"))


def test_an_answer_kept_by_a_process_publishing_nothing_is_not_served_by_one_that_publishes(
    demo: Flask, tmp_path: Path
) -> None:
    """A node restarted with publishing turned on, beside answers its workers kept before, on
    the same content: its screens are told where their playlists are published at once."""
    with demo.app_context():
        token = screens.issue_token("LIM-ARR-01", now=NOW)
        playback.prepare_renditions(NOW)  # drawing the slides moves the generation: done first
    assert "published_url" not in poll(demo, token, NOW)
    demo.config["PUBLISH_DIR"] = str(tmp_path / "published")
    as_another_worker(demo)
    body = poll(demo, token, NOW)
    publish_id = _publish_id(demo, "LIM-ARR-01")
    assert body["published_url"] == f"/published/{publish_id}.json"
    assert json.loads((tmp_path / "published" / f"{publish_id}.json").read_bytes()) == body
