"""`campaign hub open|overview|kit` as an operator runs them."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.persistence.messages import Booking
from campaign.persistence.network import Hub, Screen
from campaign.services.clock import clock_of
from tests.web.test_api_helpers import NOW

OPEN = ["hub", "open", "TRU", "--name", "Aeropuerto de Trujillo", "--region", "La Libertad"]
OPEN += ["--from", "LIM", "--phase", "2"]


def _counts(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Hub.id))) or 0,
            db.session.scalar(select(func.count(Screen.id))) or 0,
            db.session.scalar(select(func.count(Booking.id))) or 0,
        )


def test_open_without_apply_prints_the_plan_and_saves_nothing(
    demo: Flask, runner: FlaskCliRunner
) -> None:
    clock_of(demo).set(NOW)
    before = _counts(demo)
    result = runner.invoke(args=OPEN)
    assert result.exit_code == 0, result.output
    assert "nothing saved; add --apply" in result.output
    assert "screen TRU-ARR-02: 1080×1920 portrait" in result.output
    assert "arrivals-tourism (zone:LIM/ARR, 2026-11-07 to 2027-02-05) -> tru-arrivals-tourism" in (
        result.output
    )
    assert "(zone:TRU/ARR, 2027-02-06 to 2027-05-06)" in result.output
    assert _counts(demo) == before


def test_open_with_apply_creates_it_and_the_overview_lists_it(
    demo: Flask, runner: FlaskCliRunner
) -> None:
    clock_of(demo).set(NOW)
    hubs, screens, bookings = _counts(demo)
    result = runner.invoke(args=[*OPEN, "--apply"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Opened: hub TRU")
    assert "6 screens registered without a token" in result.output
    assert _counts(demo) == (hubs + 1, screens + 6, bookings + 5)
    table = runner.invoke(args=["hub", "overview"])
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0].split()[:5] == ["code", "kind", "region", "phase", "status"]
    tru = next(line for line in lines if line.startswith("TRU "))
    assert tru.split()[-4:] == ["6", "0", "0", "0"]  # planned, installed, online, plays
    assert "unfunded" in tru and " 2 " in tru


def test_open_without_screens_copies_no_screen_and_says_so(
    demo: Flask, runner: FlaskCliRunner
) -> None:
    clock_of(demo).set(NOW)
    hubs, screens, bookings = _counts(demo)
    result = runner.invoke(args=[*OPEN, "--no-screens", "--apply"])
    assert result.exit_code == 0, result.output
    assert _counts(demo) == (hubs + 1, screens, bookings + 5)


def test_refusals_are_one_line_and_exit_1(demo: Flask, runner: FlaskCliRunner) -> None:
    clock_of(demo).set(NOW)
    before = _counts(demo)
    cases = [
        (["hub", "open", "CUZ", *OPEN[3:], "--apply"], "A hub with the code CUZ already exists"),
        ([*OPEN[:7], "--from", "AQP", "--phase", "2", "--apply"], "The hub AQP has no zones"),
        ([*OPEN[:9], "--phase", "8", "--apply"], "The campaign has no phase 8."),
        ([*OPEN, "--timezone", "Mars/Olympus", "--apply"], "«Mars/Olympus» is not a timezone"),
    ]
    for args, words in cases:
        result = runner.invoke(args=args)
        assert result.exit_code == 1, (args, result.output)
        assert words in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output
        assert "Traceback" not in result.output
    assert _counts(demo) == before


def test_overview_as_csv_to_a_file(demo: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    clock_of(demo).set(NOW)
    target = tmp_path / "hubs.csv"
    result = runner.invoke(args=["hub", "overview", "--csv", "-o", str(target)])
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    assert data.startswith("\ufeff".encode())
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("code,name,kind,region,campaign,phase")
    assert any(line.startswith("TUM-CEBAF,") and ",3," in line for line in lines)


def test_kit_lists_zones_classes_and_bookings(demo: Flask, runner: FlaskCliRunner) -> None:
    clock_of(demo).set(NOW)
    result = runner.invoke(args=["hub", "kit", "LIM"])
    assert result.exit_code == 0, result.output
    assert "zone DEP: Hall de salidas, transit.airports.departures_hall" in result.output
    assert "1 × 3840×2160 landscape" in result.output
    assert "Bookings of phase 1" in result.output
    assert "phase1-zero-tolerance: zero-tolerance on phase:1" in result.output
    missing = runner.invoke(args=["hub", "kit", "NOPE"])
    assert missing.exit_code == 1
    assert "There is no hub «NOPE»." in missing.output
