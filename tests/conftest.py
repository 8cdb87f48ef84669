"""Fixtures shared by every tier: the app on SQLite and on PostgreSQL, its client and CLI runner."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from campaign import create_app
from campaign.config import PROJECT_ROOT, Environment
from campaign.extensions import db

DEMO_PLAN = PROJECT_ROOT / "schedules" / "peru-unido-2026.toml"
DEMO_TODAY = date(2026, 11, 28)

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _server_url() -> str:
    env = Environment.read()
    if env.database_url and env.database_url.startswith("postgresql"):
        return env.database_url
    return env.test_postgres_url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of our own on the PostgreSQL server, dropped at the end of the run."""
    server = make_url(_server_url())
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"campaign_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        reason = f"PostgreSQL is not reachable at {server.render_as_string()}: {exc.orig}"
        if Environment.read().in_ci:
            pytest.fail(f"{reason} (under CI the PostgreSQL tests must run)")
        pytest.skip(reason)
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def _postgres_schema(postgres_url: str) -> str:
    app = create_app({"SQLALCHEMY_DATABASE_URI": postgres_url, "SECRET_KEY": "schema"})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return postgres_url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return request.getfixturevalue("_postgres_schema")


def make_test_app(database_url: str, tmp_path: Path, **overrides: object) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": tmp_path / "instance",
        "ASSET_DIR": tmp_path / "assets",
        "WTF_CSRF_ENABLED": False,
    }
    config.update(overrides)
    return create_app(config)


def reset_database() -> None:
    if db.engine.dialect.name == "postgresql":
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    else:
        db.create_all()


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_test_app(database_url, tmp_path)
    with app.app_context():
        reset_database()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def demo(app: Flask) -> Flask:
    """The app with the demo plan loaded, live on DEMO_TODAY."""
    from campaign.services.plans import load_plan

    with app.app_context():
        load_plan(DEMO_PLAN.read_text(encoding="utf-8"), str(DEMO_PLAN), demo_today=DEMO_TODAY)
    return app
