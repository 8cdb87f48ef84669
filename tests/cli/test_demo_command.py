"""`campaign demo` as `make run` calls it on every start: a kiosk left open keeps playing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from campaign.config import PROJECT_ROOT
from campaign.extensions import db
from campaign.services import screens
from campaign.services.clock import clock_of
from tests.conftest import DEMO_PLAN, make_test_app, reset_database

PLAYLIST = "/api/v1/player/playlist"


@pytest.fixture
def cli(demo: Flask) -> FlaskCliRunner:
    return demo.test_cli_runner()


def _token(output: str) -> str:
    found = re.search(r"/player/#token=(\S+)", output)
    assert found, output
    return found.group(1)


def _plays(app: Flask, token: str) -> int:
    return app.test_client().get(PLAYLIST, headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_restart_keeps_the_kiosk_link_and_says_how_to_get_a_new_one(
    demo: Flask, cli: FlaskCliRunner
) -> None:
    first = cli.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    token = _token(first.output)
    assert _plays(demo, token) == 200
    again = cli.invoke(args=["demo"])  # what `make run` does on the next start
    assert again.exit_code == 0, again.output
    assert "#token=" not in again.output
    assert "Screen LIM-ARR-01 keeps its kiosk link (issued " in again.output
    assert "campaign demo --new-kiosk-link" in again.output
    assert _plays(demo, token) == 200  # the kiosk left open goes on playing


def test_asking_for_a_new_kiosk_link_replaces_the_old_one(demo: Flask, cli: FlaskCliRunner) -> None:
    old = _token(cli.invoke(args=["demo"]).output)
    fresh = cli.invoke(args=["demo", "--new-kiosk-link"])
    assert fresh.exit_code == 0, fresh.output
    new = _token(fresh.output)
    assert new != old
    assert _plays(demo, new) == 200 and _plays(demo, old) == 401


def test_a_revoked_token_is_replaced_without_asking(demo: Flask, cli: FlaskCliRunner) -> None:
    old = _token(cli.invoke(args=["demo"]).output)
    with demo.app_context():
        screens.revoke_token("LIM-ARR-01", now=clock_of(demo).now())
    again = cli.invoke(args=["demo"])
    new = _token(again.output)
    assert new != old and _plays(demo, new) == 200


def test_the_links_follow_the_port_option(cli: FlaskCliRunner) -> None:
    result = cli.invoke(args=["demo", "--port", "8080"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8080/login" in result.output
    assert "http://127.0.0.1:8080/player/#token=" in result.output
    kept = cli.invoke(args=["demo", "--port", "8080"])
    assert "campaign demo --new-kiosk-link --port 8080" in kept.output
    assert ":5000" not in result.output + kept.output


def test_the_links_follow_the_port_environment_variable(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORT", "8123")
    app = make_test_app(database_url, tmp_path)
    with app.app_context():
        reset_database()
    try:
        runner = app.test_cli_runner()
        loaded = runner.invoke(args=["load", "--no-prepare", str(DEMO_PLAN)])
        assert loaded.exit_code == 0, loaded.output
        result = runner.invoke(args=["demo"])
        assert "http://127.0.0.1:8123/player/#token=" in result.output
        assert runner.invoke(args=["demo", "--port", "9000"]).output.count(":9000/") == 1
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_the_help_says_where_the_port_comes_from(cli: FlaskCliRunner) -> None:
    text = " ".join(cli.invoke(args=["demo", "--help"]).output.split())
    assert "--port" in text and "$PORT, else 5000" in text
    assert "--new-kiosk-link" in text and "old one stops working" in text


def test_make_run_passes_its_port_and_keeps_the_kiosk_link() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    run = makefile[makefile.index("\nrun:") :].split("\n\n")[0]
    assert "$(BIN)/campaign demo --port $(PORT)" in run
    assert "--new-kiosk-link" not in run
