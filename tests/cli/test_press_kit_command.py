"""`campaign press-kit PHASE_ID [--out FILE]` as an operator runs it."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from flask import Flask

from tests.web.press_kit_setup import phase, shrink_screens


def phase_ids(app: Flask) -> tuple[int, int]:
    with app.app_context():
        shrink_screens()
        return phase(1).id, phase(2).id


def test_the_kit_is_written_where_asked_with_one_line_saying_what(
    demo: Flask, tmp_path: Path
) -> None:
    one, _two = phase_ids(demo)
    out = tmp_path / "kit.zip"
    result = demo.test_cli_runner().invoke(args=["press-kit", str(one), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Wrote {out}: ")
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
    assert f"{out.stat().st_size:,} bytes, {len(names)} files" in lines[0]
    assert {"contents.csv", "contents.html"} <= set(names)


def test_without_out_the_kit_takes_its_own_name_here(demo: Flask, tmp_path: Path) -> None:
    one, _two = phase_ids(demo)
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = demo.test_cli_runner().invoke(args=["press-kit", str(one)])
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output
    name = "press-kit_peru-unido-contra-la-trata_phase-1.zip"
    assert (tmp_path / name).is_file() and name in result.output


def test_mistakes_are_one_line_and_exit_1(demo: Flask, tmp_path: Path) -> None:
    _one, two = phase_ids(demo)
    runner = demo.test_cli_runner()
    missing = runner.invoke(args=["press-kit", "99999", "--out", str(tmp_path / "a.zip")])
    assert missing.exit_code == 1
    assert missing.output.strip() == "Error: There is no phase 99999."
    empty = runner.invoke(args=["press-kit", str(two), "--out", str(tmp_path / "b.zip")])
    assert empty.exit_code == 1 and len(empty.output.strip().splitlines()) == 1
    assert "has no approved material yet" in empty.output
    assert not (tmp_path / "a.zip").exists() and not (tmp_path / "b.zip").exists()
