"""The database lost or unmigrated: /healthz says so (503), screens keep playing their last
good answer from disk, and nothing answers 500."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import text

from campaign.extensions import db
from campaign.persistence.engine import MIGRATIONS
from campaign.services import screens
from campaign.services.clock import clock_of
from campaign.services.plans import load_plan
from campaign.web.player import cache as player_cache
from tests.conftest import DEMO_PLAN, DEMO_TODAY, make_test_app

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)  # noon in Lima on DEMO_TODAY
# The head as Alembic itself reads the scripts (the code under test reads them its own way).
HEAD = ScriptDirectory(str(MIGRATIONS)).get_current_head()
URL = "/api/v1/player/playlist"


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


def served(database: Path, tmp_path: Path) -> tuple[Flask, Clock]:
    """An app as a gunicorn worker makes it (the database must exist), its clocks held."""
    app = make_test_app(f"sqlite:///{database}", tmp_path, DATABASE_MUST_EXIST=True)
    clock_of(app).set(NOW)
    clock = Clock()
    player_cache.cache(app).monotonic = clock
    return app, clock


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "campaign.db"


@pytest.fixture
def setup(database: Path, tmp_path: Path) -> Iterator[tuple[Flask, Clock, dict[str, str]]]:
    """The demo on a real SQLite file, with tokens for two screens."""
    made = make_test_app(f"sqlite:///{database}", tmp_path)
    with made.app_context():
        db.create_all()
        load_plan(DEMO_PLAN.read_text(encoding="utf-8"), str(DEMO_PLAN), demo_today=DEMO_TODAY)
        tokens = {c: screens.issue_token(c, now=NOW) for c in ("LIM-ARR-01", "LIM-DEP-01")}
        db.engine.dispose()
    app, clock = served(database, tmp_path)
    yield app, clock, tokens
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def lose(app: Flask, database: Path) -> None:
    """The database's files are moved away (connections closed, as after a restart)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    for path in database.parent.glob(f"{database.name}*"):
        path.unlink()


def kept_file(app: Flask, token: str) -> Path:
    folder = Path(app.config.get("PLAYER_LAST_GOOD_DIR", app.instance_path + "/last-good"))
    return folder / f"{screens.hash_token(token)}.answer"


def test_healthz_is_200_only_at_the_head_revision(setup, database: Path) -> None:  # type: ignore[no-untyped-def]
    app, _clock, _tokens = setup
    ok = app.test_client().get("/healthz")
    assert ok.status_code == 200
    report = ok.get_json()["database"]
    assert (report["revision"], report["head"], report["migrated"]) == (HEAD, HEAD, True)
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '22ebce609347'"))
    older = app.test_client().get("/healthz")
    assert older.status_code == 503
    report = older.get_json()["database"]
    assert (report["revision"], report["head"], report["migrated"]) == ("22ebce609347", HEAD, False)


def test_healthz_is_503_on_an_empty_unmigrated_database(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    app, _clock = served(empty, tmp_path)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    report = response.get_json()["database"]
    assert (report["revision"], report["head"], report["migrated"]) == (None, HEAD, False)


def test_healthz_is_503_on_a_missing_database_and_makes_none(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    for must_exist in (True, False):  # a worker, and any other app (a test's, a shell's)
        app = make_test_app(f"sqlite:///{missing}", tmp_path, DATABASE_MUST_EXIST=must_exist)
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.get_json()["status"] == "degraded"
        assert not missing.exists()


def test_polls_are_answered_from_disk_once_the_database_is_lost(  # type: ignore[no-untyped-def]
    setup, database: Path, tmp_path: Path
) -> None:
    app, clock, tokens = setup
    token = tokens["LIM-ARR-01"]
    good = app.test_client().get(URL, headers=auth(token))
    assert good.status_code == 200
    assert kept_file(app, token).exists()
    assert token not in kept_file(app, token).read_text()

    lose(app, database)
    clock.value += 2  # past the generation check: this process now asks the database
    client = app.test_client()
    again = client.get(URL, headers=auth(token))
    assert again.status_code == 200, again.get_data(as_text=True)
    assert (again.data, again.headers["ETag"]) == (good.data, good.headers["ETag"])
    assert (
        client.get(URL, headers=auth(token, **{"If-None-Match": good.headers["ETag"]})).status_code
        == 304
    )

    fresh, _clock = served(database, tmp_path)  # a restarted worker, the same instance folder
    restarted = fresh.test_client().get(URL, headers=auth(token))
    assert (restarted.status_code, restarted.data) == (200, good.data)
    assert fresh.test_client().get("/healthz").status_code == 503
    assert not database.exists()  # the server did not make an empty database


def test_without_a_last_good_answer_a_poll_is_503_with_retry_after(  # type: ignore[no-untyped-def]
    setup, database: Path
) -> None:
    app, clock, tokens = setup
    assert app.test_client().get(URL, headers=auth(tokens["LIM-ARR-01"])).status_code == 200
    lose(app, database)
    clock.value += 2
    for token in (tokens["LIM-DEP-01"], "never-issued"):  # never polled, and unknown
        response = app.test_client().get(URL, headers=auth(token))
        assert response.status_code == 503, response.get_data(as_text=True)
        assert response.headers["Retry-After"].isdigit()
        assert set(response.get_json()) >= {"error", "detail"}
    assert app.test_client().get(URL).status_code == 401  # no token is still no token


def test_heartbeats_and_plays_are_503_with_retry_after(setup, database: Path) -> None:  # type: ignore[no-untyped-def]
    app, clock, tokens = setup
    token = tokens["LIM-ARR-01"]
    assert app.test_client().get(URL, headers=auth(token)).status_code == 200
    lose(app, database)
    clock.value += 2
    client = app.test_client()
    beat = client.post("/api/v1/player/heartbeat", json={"uptime_s": 60}, headers=auth(token))
    plays = client.post("/api/v1/player/plays", json={"plays": []}, headers=auth(token))
    for answer in (beat, plays):
        assert answer.status_code == 503, answer.get_data(as_text=True)
        assert answer.headers["Retry-After"].isdigit()
        assert answer.get_json()["error"] == "database_unavailable"


def test_a_revoked_tokens_answer_is_removed_from_disk(setup, database: Path) -> None:  # type: ignore[no-untyped-def]
    app, clock, tokens = setup
    revoked, other = tokens["LIM-ARR-01"], tokens["LIM-DEP-01"]
    for token in (revoked, other):
        assert app.test_client().get(URL, headers=auth(token)).status_code == 200
    assert kept_file(app, revoked).exists()
    with app.app_context():
        screens.revoke_token("LIM-ARR-01", now=NOW)
    clock.value += 2
    assert app.test_client().get(URL, headers=auth(other)).status_code == 200  # tokens re-read
    assert not kept_file(app, revoked).exists()
    assert kept_file(app, other).exists()
    lose(app, database)
    clock.value += 2
    assert app.test_client().get(URL, headers=auth(revoked)).status_code == 503
    assert app.test_client().get(URL, headers=auth(other)).status_code == 200


def test_a_live_server_notices_its_file_moved_away(setup, database: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app, clock, tokens = setup
    token = tokens["LIM-ARR-01"]
    good = app.test_client().get(URL, headers=auth(token))
    assert good.status_code == 200
    moved = tmp_path / "moved"
    moved.mkdir()
    for path in database.parent.glob(f"{database.name}*"):  # pooled connections stay open
        path.rename(moved / path.name)
    clock.value += 2
    client = app.test_client()
    # Without the check the open connection goes on using the moved file: the beat is "saved".
    beat = client.post("/api/v1/player/heartbeat", json={"uptime_s": 60}, headers=auth(token))
    assert beat.status_code == 503, beat.get_data(as_text=True)
    assert client.get(URL, headers=auth("never-issued")).status_code == 503
    assert client.get(URL, headers=auth(token)).data == good.data
    assert not database.exists()

    for path in moved.iterdir():  # the operator puts it back: served again, no restart
        path.rename(database.parent / path.name)
    clock.value += 10  # past the time polls skip the database after a failure
    assert client.get(URL, headers=auth("never-issued")).status_code == 401
    beat = client.post("/api/v1/player/heartbeat", json={"uptime_s": 60}, headers=auth(token))
    assert beat.status_code < 300, beat.get_data(as_text=True)
    assert client.get("/healthz").status_code == 200


def test_a_rotated_tokens_answer_goes_and_the_new_one_is_kept(setup, database: Path) -> None:  # type: ignore[no-untyped-def]
    app, clock, tokens = setup
    old = tokens["LIM-ARR-01"]
    assert app.test_client().get(URL, headers=auth(old)).status_code == 200
    with app.app_context():
        new = screens.issue_token("LIM-ARR-01", now=NOW)
    clock.value += 2
    assert app.test_client().get(URL, headers=auth(new)).status_code == 200
    assert not kept_file(app, old).exists()
    assert kept_file(app, new).exists()
    lose(app, database)
    clock.value += 2
    assert app.test_client().get(URL, headers=auth(old)).status_code == 503
    assert app.test_client().get(URL, headers=auth(new)).status_code == 200
