"""The scheduler's commands: `campaign scheduler`, `jobs run`, and `serve` starting it."""

from __future__ import annotations

import pytest
from flask import Flask

from campaign.cli import server


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    calls: list[dict[str, object]] = []
    monkeypatch.setattr(server, "serve", lambda **options: calls.append(options))
    return calls


@pytest.mark.parametrize(
    ("args", "scheduler"),
    [([], True), (["--no-scheduler"], False), (["--no-jobs"], False), (["--jobs"], True)],
)
def test_serve_starts_one_scheduler_beside_the_server_unless_told_not_to(
    app: Flask, served: list[dict[str, object]], args: list[str], scheduler: bool
) -> None:
    result = app.test_cli_runner().invoke(args=["serve", "--port", "5001", *args])
    assert result.exit_code == 0, result.output
    assert served == [{"host": "127.0.0.1", "port": 5001, "workers": 2, "scheduler": scheduler}]


def test_the_server_starts_the_scheduler_command() -> None:
    assert server.SCHEDULER_COMMAND[-1] == "scheduler"


def test_serve_help_names_the_scheduler_switch_only(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["serve", "--help"])
    assert "--no-scheduler" in result.output and "--no-jobs" not in result.output


def test_scheduler_and_its_old_name_are_commands(app: Flask) -> None:
    runner = app.test_cli_runner()
    assert "lock" in runner.invoke(args=["scheduler", "--help"]).output
    assert "campaign scheduler" in runner.invoke(args=["jobs", "run", "--help"]).output
    listed = runner.invoke(args=["jobs", "--help"]).output
    assert "once" in listed and "prepare" in listed
