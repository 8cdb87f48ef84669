"""A locked or full database, and instants out of range: clear 503, 507 and 422, never a 500."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from campaign.extensions import db
from campaign.persistence.accounts import ApiToken
from campaign.persistence.campaigns import Partner
from campaign.persistence.network import Screen
from campaign.persistence.player import HeartbeatHour, PlayRecord
from campaign.services.clock import clock_of
from tests.web.plays_serving import PLAYS, auth
from tests.web.signing import signed_in
from tests.web.test_api_helpers import Caller, caller
from tests.web.test_partner_view import LIVE, make
from tests.web.test_player_reports import play
from tests.web.test_player_reports import token as token  # a fixture

LOCKED, FULL = "locked", "full"


def _driver_error(dialect: str, failure: str) -> Exception:
    """The exception the database driver itself raises for a held lock or a full disk."""
    if dialect == "sqlite":
        text = "database is locked" if failure == LOCKED else "database or disk is full"
        return sqlite3.OperationalError(text)
    import psycopg.errors

    if failure == LOCKED:
        return psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")
    return psycopg.errors.DiskFull("could not extend file: No space left on device")


@contextmanager
def refusing(app: Flask, failure: str, statement: str) -> Iterator[None]:
    """Every statement starting with `statement` fails as the driver fails it."""
    with app.app_context():
        engine = db.engine
    error = _driver_error(engine.dialect.name, failure)

    def fail(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        if sql.lstrip().upper().startswith(statement):
            raise error

    event.listen(engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", fail)


@pytest.fixture
def admin(app: Flask) -> Caller:
    return caller(app, "admin@example.org", "admin")


def _partners(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Partner.slug)))


PARTNER = {"slug": "unicef", "name": "UNICEF Perú", "role": "agency"}


@pytest.mark.parametrize(
    ("failure", "status", "error"),
    [(LOCKED, 503, "database_busy"), (FULL, 507, "insufficient_storage")],
)
def test_an_api_write_the_database_refuses_answers_clearly_and_leaves_nothing(
    app: Flask, client: FlaskClient, admin: Caller, failure: str, status: int, error: str
) -> None:
    assert client.get("/api/v1/partners", headers=admin.headers).status_code == 200  # stamped
    # The partner's row is inserted; the audit record after it is what the database refuses.
    with refusing(app, failure, "INSERT INTO AUDIT_EVENTS"):
        answer = client.post("/api/v1/partners", json=PARTNER, headers=admin.headers)
    assert answer.status_code == status, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body["error"] == error and "Nothing was saved" in body["detail"]
    assert ("Retry-After" in answer.headers) is (failure == LOCKED)
    assert "unicef" not in _partners(app)
    # The same request succeeds once the database accepts writes again.
    again = client.post("/api/v1/partners", json=PARTNER, headers=admin.headers)
    assert again.status_code == 201, again.get_json()
    assert "unicef" in _partners(app)


@pytest.mark.parametrize(
    ("failure", "status", "heading"),
    [(LOCKED, 503, "The campaign is busy"), (FULL, 507, "The server has no room to save")],
)
def test_a_form_the_database_refuses_gets_a_page_that_says_what_to_do(
    app: Flask, failure: str, status: int, heading: str
) -> None:
    manager = signed_in(app, "manager", locale="en")
    with refusing(app, failure, "INSERT INTO AUDIT_EVENTS"):
        answer = manager.post("/admin/partners/new", data=PARTNER)
    assert answer.status_code == status
    assert answer.mimetype == "text/html"
    html = answer.get_data(as_text=True)
    assert heading in html and "nothing was saved" in html.lower()
    assert ("Retry-After" in answer.headers) is (failure == LOCKED)
    assert "unicef" not in _partners(app)


@pytest.mark.parametrize("failure", [LOCKED, FULL])
def test_a_read_never_fails_for_the_tokens_last_use_stamp(
    app: Flask, client: FlaskClient, admin: Caller, failure: str, caplog: pytest.LogCaptureFixture
) -> None:
    secret = admin.headers["Authorization"].removeprefix("Bearer ")
    with caplog.at_level(logging.WARNING), refusing(app, failure, "UPDATE API_TOKENS"):
        answer = client.get("/api/v1/partners", headers=admin.headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert "last use of API token" in caplog.text
    assert secret not in caplog.text and secret[:12] not in caplog.text
    with app.app_context():
        assert db.session.scalar(select(ApiToken.last_used_at)) is None  # rolled back
    client.get("/api/v1/partners", headers=admin.headers)  # the next one is recorded
    with app.app_context():
        assert db.session.scalar(select(ApiToken.last_used_at)) is not None


@contextmanager
def held_lock(app: Flask) -> Iterator[None]:
    """A real lock, held by a second connection past a short wait (busy or lock timeout)."""
    with app.app_context():
        engine = db.engine
        db.session.remove()
    engine.dispose()  # the new connections get the short wait below
    sqlite = engine.dialect.name == "sqlite"

    def short_wait(dbapi_connection: Any, record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=50" if sqlite else "SET lock_timeout = '100ms'")
        cursor.close()
        if not sqlite:
            dbapi_connection.commit()  # a SET inside a rolled-back transaction is undone

    event.listen(engine, "connect", short_wait)
    if sqlite:
        holder: Any = sqlite3.connect(engine.url.database or "", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
    else:
        import psycopg

        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        holder = psycopg.connect(url)
        holder.execute("LOCK TABLE partners IN EXCLUSIVE MODE")
    try:
        yield
    finally:
        if sqlite:
            holder.execute("ROLLBACK")
        else:
            holder.rollback()
        holder.close()
        event.remove(engine, "connect", short_wait)
        engine.dispose()


def test_a_lock_held_by_another_connection_gives_503_with_retry_after(
    app: Flask, client: FlaskClient, admin: Caller
) -> None:
    assert client.get("/api/v1/partners", headers=admin.headers).status_code == 200  # stamped
    with held_lock(app):
        answer = client.post("/api/v1/partners", json=PARTNER, headers=admin.headers)
        assert answer.status_code == 503, answer.get_data(as_text=True)
        assert answer.headers["Retry-After"].isdigit()
        assert answer.get_json()["error"] == "database_busy"
    assert client.post("/api/v1/partners", json=PARTNER, headers=admin.headers).status_code == 201


def _screen_state(app: Flask) -> tuple[object, int, int]:
    with app.app_context():
        seen = db.session.scalar(select(Screen.last_seen_at).filter_by(code="LIM-ARR-01"))
        beats = db.session.scalar(select(func.count()).select_from(HeartbeatHour)) or 0
        plays = db.session.scalar(select(func.count()).select_from(PlayRecord)) or 0
    return seen, beats, plays


@pytest.mark.parametrize(("failure", "status"), [(LOCKED, 503), (FULL, 507)])
def test_heartbeats_and_plays_the_database_refuses_are_sent_again_later(
    demo: Flask, token: str, failure: str, status: int
) -> None:
    client = demo.test_client()
    before = _screen_state(demo)
    with refusing(demo, failure, "UPDATE SCREENS"):
        beat = client.post("/api/v1/player/heartbeat", json={"uptime_s": 60}, headers=auth(token))
    with refusing(demo, failure, "INSERT INTO PLAY_RECORDS"):
        batch = client.post(PLAYS, json={"plays": [play(0), play(1)]}, headers=auth(token))
    for answer in (beat, batch):
        assert answer.status_code == status, answer.get_data(as_text=True)
        assert "Nothing was saved" in answer.get_json()["detail"]
    # (The plays' rate limit adds its own Retry-After to every answer.)
    assert ("Retry-After" in beat.headers) is (failure == LOCKED)
    if failure == LOCKED:
        assert batch.headers["Retry-After"].isdigit(), batch.headers
    assert _screen_state(demo) == before  # not the hour's beat count either
    assert client.post(PLAYS, json={"plays": [play(0)]}, headers=auth(token)).status_code == 200


EXTREME = [
    "9999-12-31T23:59:59+14:00",
    "9999-12-31T23:59:59",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00",
    "1999-12-31T23:00",
    "2101-01-01T00:00",
]


@pytest.fixture
def manager(demo: Flask) -> FlaskClient:
    return signed_in(demo, "manager", locale="en")


def test_the_api_preview_refuses_instants_out_of_range_with_422(
    demo: Flask, manager: FlaskClient
) -> None:
    for at in EXTREME:
        answer = manager.get("/api/v1/screens/LIM-ARR-01/preview", query_string={"at": at})
        assert answer.status_code == 422, (at, answer.get_data(as_text=True))
        assert answer.get_json()["error"] == "unprocessable_entity"


def test_the_pages_that_take_an_instant_explain_one_out_of_range(
    demo: Flask, manager: FlaskClient
) -> None:
    clock_of(demo).set(LIVE)
    _, link = make(demo)
    partner = demo.test_client()
    partner.set_cookie("lang", "en")
    for at in EXTREME:
        shared = partner.get(f"{link}/screens/LIM-ARR-01", query_string={"at": at})
        assert shared.status_code == 422, (at, shared.status_code)
        assert "between 2000 and 2100" in shared.get_data(as_text=True)
        plays = manager.get("/screens/LIM-ARR-01/plays", query_string={"at": at})
        assert plays.status_code == 422, (at, plays.status_code)
        assert "between 2000 and 2100" in plays.get_data(as_text=True)
        overview = manager.get("/", query_string={"at": at, "screen": "LIM-ARR-01"})
        assert overview.status_code == 200, (at, overview.status_code)
        html = overview.get_data(as_text=True)
        assert "between 2000 and 2100" in html and 'id="screen-LIM-ARR-01"' in html
