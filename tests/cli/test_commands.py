"""The `campaign` commands as an operator runs them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.network import Screen
from campaign.services.screens import hash_token
from tests.conftest import DEMO_PLAN


def test_load_reports_counts_then_nothing_to_do(runner: FlaskCliRunner) -> None:
    first = runner.invoke(args=["load", "--no-prepare", str(DEMO_PLAN)])
    assert first.exit_code == 0, first.output
    assert "created" in first.output and "6 screens" in first.output
    second = runner.invoke(args=["load", "--no-prepare", str(DEMO_PLAN)])
    assert second.exit_code == 0
    assert "nothing changed" in second.output


def test_load_of_a_broken_file_fails_with_the_key_path(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(
        DEMO_PLAN.read_text(encoding="utf-8").replace("America/Lima", "Mars/Olympus", 1)
    )
    result = runner.invoke(args=["load", "--no-prepare", str(broken)])
    assert result.exit_code != 0
    assert "hubs[LIM].timezone: 'Mars/Olympus' is not an IANA timezone" in result.output
    assert "nothing was changed" in result.output


def test_load_of_a_missing_file_is_one_clear_line(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["load", "/nonexistent/plan.toml"])
    assert result.exit_code != 0
    assert "cannot read /nonexistent/plan.toml" in result.output
    assert "Traceback" not in result.output


def test_screen_add_prints_the_token_alone_on_the_last_line(
    app: Flask, runner: FlaskCliRunner
) -> None:
    runner.invoke(args=["load", "--no-prepare", str(DEMO_PLAN)])
    result = runner.invoke(
        args=["screen", "add", "LIM", "ARR", "LIM-ARR-09", "--orientation", "portrait"]
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert len(token) >= 40 and " " not in token
    with app.app_context():
        screen = db.session.scalar(select(Screen).filter_by(code="LIM-ARR-09"))
        assert (screen.width, screen.height) == (1080, 1920)
        assert screen.token_hash == hash_token(token)  # only the hash is kept


def test_screen_add_refuses_an_unknown_zone(runner: FlaskCliRunner) -> None:
    runner.invoke(args=["load", "--no-prepare", str(DEMO_PLAN)])
    result = runner.invoke(args=["screen", "add", "LIM", "NOPE", "X-1"])
    assert result.exit_code != 0
    assert "unknown zone 'NOPE' in hub LIM" in result.output


def test_user_add_reads_the_password_from_standard_input(
    app: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(
        args=["user", "add", "Ana@Example.org", "--role", "manager"],
        input="correct horse battery staple\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).filter_by(email="ana@example.org"))
        assert user.role == "manager"
        assert "correct horse" not in user.password_hash
    again = runner.invoke(
        args=["user", "add", "ana@example.org", "--role", "manager"], input="another password\n"
    )
    assert again.exit_code != 0 and "already exists" in again.output


def test_user_add_refuses_a_short_password(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["user", "add", "a@b.org", "--role", "admin"], input="short\n")
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output


def test_dump_writes_the_plan(runner: FlaskCliRunner, tmp_path: Path) -> None:
    runner.invoke(args=["load", "--no-prepare", str(DEMO_PLAN)])
    out = tmp_path / "dump.toml"
    result = runner.invoke(args=["dump", "-o", str(out)])
    assert result.exit_code == 0
    assert 'slug = "peru-unido-contra-la-trata"' in out.read_text(encoding="utf-8")


def test_backup_is_a_consistent_sqlite_copy(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    runner.invoke(args=["load", "--no-prepare", str(DEMO_PLAN)])
    target = tmp_path / "copy.db"
    result = runner.invoke(args=["backup", str(target)])
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect != "sqlite":
        assert result.exit_code != 0 and "pg_dump" in result.output
        return
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("select count(*) from screens").fetchone()[0] == 6
        assert copy.execute("pragma integrity_check").fetchone()[0] == "ok"
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "already exists" in again.output


def test_demo_prints_a_first_administrator_once_and_a_kiosk_link(
    app: Flask, runner: FlaskCliRunner
) -> None:
    runner.invoke(args=["load", "--no-prepare", str(DEMO_PLAN)])
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "as demo-admin@example.org, password " in first.output
    assert "/player/#token=" in first.output
    password = first.output.split("password ")[1].split()[0]
    client = app.test_client()
    signed = client.post("/login", data={"email": "demo-admin@example.org", "password": password})
    assert signed.status_code == 302
    second = runner.invoke(args=["demo"])
    assert "password" not in second.output and "with your account" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
