"""`campaign report plays|uptime|audience` as an operator runs them, as tables or CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from flask import Flask

from campaign.services.clock import clock_of
from tests.services.report_fixture import AT, load_report_fixture

DAYS = ["--from", "2026-11-25", "--to", "2026-11-28"]


@pytest.fixture
def live(demo: Flask) -> Flask:
    clock_of(demo).set(AT)
    with demo.app_context():
        load_report_fixture()
    return demo


def test_plays_by_hub_as_a_table(live: Flask) -> None:
    done = live.test_cli_runner().invoke(args=["report", "plays", "--by", "hub", *DAYS])
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert "216 plays, 2315.5 s" in lines[0]
    assert "From the nightly roll-up: 210; from the plays received since: 6." in lines[1]
    assert lines[2].split("\t")[:3] == ["Hub code", "Hub", "Number of plays"]
    assert "LIM\tAeropuerto Internacional Jorge Chávez\t195\t2105.5\t0.58" in lines
    assert "CUZ\tAeropuerto Internacional Alejandro Velasco Astete\t21\t210.0\t0.06" in lines


def test_a_table_written_as_csv(live: Flask, tmp_path: Path) -> None:
    target = tmp_path / "days.csv"
    runner = live.test_cli_runner()
    done = runner.invoke(args=["report", "plays", *DAYS, "--csv", str(target)])
    assert done.exit_code == 0 and done.output == ""
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert rows[0][0] == "Day (at the hub)" and rows[1:] == [
        ["2026-11-25", "0", "0", "0"],
        ["2026-11-26", "160", "1600", "0.44"],
        ["2026-11-27", "51", "658", "0.18"],
        ["2026-11-28", "5", "57.5", "0.02"],
    ]
    uptime = runner.invoke(
        args=["report", "uptime", "--by", "hub", "--hub", "LIM", "--from", "2026-11-28"]
    )
    assert uptime.exit_code == 0 and "Uptime of peru-unido-contra-la-trata" in uptime.output
    assert "6.2 %" in uptime.output  # 4.5 hours up of 72 screen-hours
    audience = runner.invoke(args=["report", "audience", *DAYS])
    assert "LIM\tAeropuerto Internacional Jorge Chávez\t24000000\t3\t197260" in audience.output


def test_a_bad_filter_names_the_option(live: Flask) -> None:
    runner = live.test_cli_runner()
    reversed_days = runner.invoke(
        args=["report", "plays", "--from", "2026-11-28", "--to", "2026-11-01"]
    )
    assert reversed_days.exit_code == 1
    assert "--to: The last day comes before the first day: swap them." in reversed_days.output
    unknown = runner.invoke(args=["report", "uptime", "--campaign", "nope"])
    assert unknown.exit_code == 1 and "There is no campaign nope" in unknown.output
