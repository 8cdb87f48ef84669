"""`campaign serve` and `campaign scheduler` refuse a missing, unmigrated or other-revision
database with one line on stderr, and never create an empty one while checking."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import text

from campaign.cli import server
from campaign.extensions import db
from campaign.jobs import runner as jobs_runner
from campaign.persistence.engine import MIGRATIONS
from campaign.services import health, migrations
from tests.conftest import make_test_app

# The head as Alembic itself reads the scripts (the code under test reads them its own way).
HEAD = ScriptDirectory(str(MIGRATIONS)).get_current_head()
OLDER = "22ebce609347"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "served.db"


@pytest.fixture
def served_app(database: Path, tmp_path: Path) -> Iterator[Flask]:
    """The app `campaign serve` would check, on an SQLite file that does not exist yet."""
    app = make_test_app(f"sqlite:///{database}", tmp_path)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What would have started: gunicorn or the scheduler's loop (neither really runs)."""
    calls: list[str] = []
    monkeypatch.setattr(server, "serve", lambda **_options: calls.append("serve"))
    monkeypatch.setattr(jobs_runner, "run_scheduler", lambda *_args: calls.append("scheduler"))
    monkeypatch.setattr(signal, "signal", lambda *_args: None)  # pytest keeps its own handlers
    return calls


def _migrate(app: Flask, revision: str = "head") -> None:
    """`campaign db upgrade` (by an app of its own: it may create the file)."""
    url, instance = app.config["SQLALCHEMY_DATABASE_URI"], app.config["INSTANCE_PATH"]
    upgrading = make_test_app(url, instance.parent, INSTANCE_PATH=instance)
    with migrations.enable(upgrading).app_context():
        upgrade(revision=revision)
        db.engine.dispose()


def _execute(app: Flask, *statements: str) -> None:
    with app.app_context(), db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
        db.engine.dispose()


def _refusal(app: Flask, command: str, started: list[str]) -> str:
    result = app.test_cli_runner().invoke(args=[command])
    assert result.exit_code != 0, result.output
    assert started == []
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("command", ["serve", "scheduler"])
def test_a_missing_database_file_is_refused_and_not_created(
    served_app: Flask, database: Path, started: list[str], command: str
) -> None:
    line = _refusal(served_app, command, started)
    assert str(database) in line and "campaign db upgrade" in line
    assert not database.exists()  # SQLite was not allowed to make an empty one


def test_the_check_serve_uses_names_the_problem_and_passes_at_head(
    served_app: Flask, database: Path
) -> None:
    assert "no database file" in (health.startup_problem(served_app) or "")
    _migrate(served_app)
    assert health.startup_problem(served_app) is None


@pytest.mark.parametrize("command", ["serve", "scheduler"])
def test_an_empty_database_is_refused_as_not_migrated(
    served_app: Flask, database: Path, started: list[str], command: str
) -> None:
    database.touch()  # what SQLite used to leave behind when the file was lost
    line = _refusal(served_app, command, started)
    assert "not migrated" in line and HEAD in line and "campaign db upgrade" in line


def test_an_older_revision_is_refused_naming_both_until_upgraded(
    served_app: Flask, started: list[str]
) -> None:
    _migrate(served_app, OLDER)
    line = _refusal(served_app, "serve", started)
    assert OLDER in line and HEAD in line
    _migrate(served_app)  # what `make run` does before `campaign serve`
    for command in ("serve", "scheduler"):
        result = served_app.test_cli_runner().invoke(args=[command])
        assert result.exit_code == 0, result.output
    assert started == ["serve", "scheduler"]


def test_an_unknown_revision_is_refused_naming_both(served_app: Flask, started: list[str]) -> None:
    _migrate(served_app)
    _execute(served_app, "UPDATE alembic_version SET version_num = 'f00dfeedbeef'")
    line = _refusal(served_app, "scheduler", started)
    assert "f00dfeedbeef" in line and HEAD in line and "unknown" in line
