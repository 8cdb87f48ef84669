"""`campaign assets import FOLDER` and `campaign slides samples DIR`."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from PIL import Image
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.campaigns import Campaign
from campaign.persistence.messages import Message
from campaign.persistence.posters import Poster
from tests.rendering import hostile

MANIFEST = """
[files."brand.jpg"]
message = "recognise-the-signs"
lang = "en"
fit = "cover"
focal_y = 0.3
"""


def stored(app: Flask) -> set[Path]:
    root = Path(app.config["ASSET_DIR"])
    return {p for p in root.rglob("*") if p.is_file()}


def test_import_reports_each_file_and_refuses_bad_ones_whole(demo: Flask, tmp_path: Path) -> None:
    folder = tmp_path / "posters"
    folder.mkdir()
    (folder / "zero-tolerance.es.jpg").write_bytes(hostile.jpeg())
    (folder / "where-to-report.png").write_bytes(hostile.encode(hostile.photo(), "PNG"))
    (folder / "brand.jpg").write_bytes(hostile.jpeg(500, 500))
    (folder / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    (folder / "zero-tolerance.en.png").write_bytes(hostile.HTML)
    (folder / "no-such-message.es.jpg").write_bytes(hostile.jpeg(300, 200))
    (folder / "holiday photo.final.v2.jpg").write_bytes(hostile.jpeg(310, 200))
    result = demo.test_cli_runner().invoke(args=["assets", "import", str(folder)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert sum(line.startswith("[") for line in lines) == 6  # one progress line per file
    assert "Imported 3 of 6 file(s); 3 refused." in result.output
    assert "refused zero-tolerance.en.png: This file is a web page" in result.output
    assert "refused no-such-message.es.jpg: campaign" in result.output
    assert "refused holiday photo.final.v2.jpg: its name says neither" in result.output
    with demo.app_context():
        posters = db.session.scalars(select(Poster).order_by(Poster.label)).all()
        got = {(p.label, db.session.get(Message, p.message_id).key, p.lang, p.fit) for p in posters}
        assert got == {
            ("brand.jpg", "recognise-the-signs", "en", "cover"),
            ("where-to-report.png", "where-to-report", None, "contain"),
            ("zero-tolerance.es.jpg", "zero-tolerance", "es", "contain"),
        }
        assert len(stored(demo)) == 3  # the refused files left nothing


def test_import_of_good_files_exits_zero(demo: Flask, tmp_path: Path) -> None:
    folder = tmp_path / "posters"
    folder.mkdir()
    (folder / "zero-tolerance.es.webp").write_bytes(hostile.encode(hostile.photo(), "WEBP"))
    result = demo.test_cli_runner().invoke(args=["assets", "import", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Imported 1 of 1 file(s); 0 refused." in result.output


def test_import_help_documents_names_and_manifest(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["assets", "import", "--help"])
    assert "<message-key>.<lang>.<ext>" in result.output and "manifest.toml" in result.output


def test_samples_use_the_loaded_campaign(demo: Flask, tmp_path: Path) -> None:
    result = demo.test_cli_runner().invoke(args=["slides", "samples", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "4 sample slides from campaign peru-unido-contra-la-trata." in result.output
    paths = sorted((tmp_path / "out").glob("*.png"))
    assert len(paths) == 4
    sizes = {}
    for path in paths:
        with Image.open(path) as im:
            sizes[path.name.split("-")[0]] = im.size
    assert sizes["portrait"] == (1080, 1920) and sizes["landscape"] == (1920, 1080)


def test_samples_without_a_campaign_use_the_built_in_ones(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(args=["slides", "samples", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "from built-in examples" in result.output
    assert len(list(tmp_path.glob("*.png"))) == 4


def test_samples_of_an_illegible_campaign_say_why_and_fail(demo: Flask, tmp_path: Path) -> None:
    with demo.app_context():
        campaign = db.session.scalar(select(Campaign))
        campaign.foreground = campaign.background  # text the colour of its background
        db.session.commit()
    result = demo.test_cli_runner().invoke(args=["slides", "samples", str(tmp_path)])
    assert result.exit_code == 1
    assert "Error: " in result.output and "contrast" in result.output, result.output
