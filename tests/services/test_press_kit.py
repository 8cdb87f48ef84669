"""The press and partner kit: only approved material, every language, a contents sheet that
matches the files, the same bytes for the same content, and only for those who may see it."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import delete, select

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.media import Rendition
from campaign.persistence.network import Screen
from campaign.services import messages, posters, press_kit
from campaign.services.errors import Invalid, NotFound
from tests.rendering import hostile
from tests.web.press_kit_setup import (
    add_version,
    book,
    entries,
    message,
    phase,
    shrink_screens,
)
from tests.web.test_api_helpers import caller

NOON_IN_LIMA = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
SHEETS = {"contents.csv", "contents.html"}
PHASE_1 = {"recognise-the-signs", "tourism-without-exploitation", "where-to-report"}
PHASE_1 |= {"zero-tolerance"}


def user(app: Flask, email: str, role: str, partner: str | None = None) -> User:
    person = caller(app, email, role, partner)
    row = db.session.get(User, person.id)
    assert row is not None
    return row


def sheet_rows(files: dict[str, bytes]) -> list[dict[str, str]]:
    text = files["contents.csv"].decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets read it as UTF-8 only with the mark
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_only_approved_material_is_in_the_kit(demo: Flask) -> None:
    with demo.app_context():
        shrink_screens()
        add_version("zero-tolerance", "draft", "BORRADOR SECRETO")  # over the approved v1
        book("violence-line-100")  # in review in the demo
        add_version("draft-only", "draft", "SOLO BORRADOR")
        book("draft-only")
        message("where-to-report").versions[-1].status = "paused"  # the crisis switch
        db.session.commit()
        kit = press_kit.build_press_kit(phase(1).id, None)
        files = entries(kit.data)
        keys = {row.message_key for row in kit.rows}
        assert keys == PHASE_1 - {"where-to-report"}
        assert {row.version for row in kit.rows if row.message_key == "zero-tolerance"} == {1}
        everything = b"".join(files.values())
        assert b"BORRADOR SECRETO" not in everything and b"SOLO BORRADOR" not in everything
        assert not any("violence" in name or "draft" in name for name in files)
        plan = press_kit.plan_press_kit(phase(1).id, None)
        left_out = {m.key: m.status for m in plan.left_out}
        assert left_out == {
            "violence-line-100": "in_review",
            "draft-only": "draft",
            "where-to-report": "paused",
        }


def test_every_language_has_its_slides_and_texts_and_the_bilingual_screens_theirs(
    demo: Flask,
) -> None:
    with demo.app_context():
        shrink_screens()
        files = entries(press_kit.build_press_kit(phase(1).id, None).data)
    # The gates' screen (960×540 here) shows bilingual slides only; the others each language.
    assert "es-en/slides/zero-tolerance_landscape_960x540.png" in files
    assert "es/slides/zero-tolerance_landscape_960x540.png" not in files
    for lang in ("es", "en"):
        assert f"{lang}/slides/zero-tolerance_portrait_360x640.png" in files
        assert f"{lang}/slides/zero-tolerance_landscape_800x450.png" in files
        # Booked on the arrivals hall only: the shapes of its screens, not the departures' 4K.
        assert f"{lang}/slides/tourism-without-exploitation_landscape_640x360.png" in files
        assert f"{lang}/slides/tourism-without-exploitation_landscape_800x450.png" not in files
        for key in PHASE_1:
            assert f"{lang}/texts/{key}.txt" in files
    spanish = files["es/texts/where-to-report.txt"].decode("utf-8")
    assert "¿Dónde denunciar?" in spanish and "https://www.gob.pe/denuncia-trata" in spanish
    assert "Where to report" in files["en/texts/where-to-report.txt"].decode("utf-8")
    assert all(name.isascii() and " " not in name for name in files)
    assert files["es/slides/zero-tolerance_portrait_360x640.png"].startswith(b"\x89PNG")


def test_the_contents_sheet_lists_every_file_with_its_sha256(demo: Flask) -> None:
    with demo.app_context():
        shrink_screens()
        kit = press_kit.build_press_kit(phase(1).id, None)
    files = entries(kit.data)
    rows = {row["path"]: row for row in sheet_rows(files)}
    assert set(rows) == set(files) - SHEETS and kit.file_count == len(files)
    for name, data in files.items():
        if name not in SHEETS:
            assert rows[name]["sha256"] == hashlib.sha256(data).hexdigest(), name
            assert int(rows[name]["size_bytes"]) == len(data)
    row = rows["en/texts/zero-tolerance.txt"]
    assert (row["kind"], row["message_key"], row["language"], row["version"]) == (
        "text",
        "zero-tolerance",
        "en",
        "1",
    )
    assert row["headline"] == "Zero tolerance for human trafficking"
    html = files["contents.html"].decode("utf-8")
    assert all(f'href="{name}"' in html for name in rows)
    assert all(rows[name]["sha256"] in html for name in rows)
    assert '<section lang="es">' in html and '<section lang="en">' in html


def test_the_same_content_gives_the_same_bytes(demo: Flask) -> None:
    with demo.app_context():
        shrink_screens()
        first = press_kit.build_press_kit(phase(1).id, None)
        again = press_kit.build_press_kit(phase(1).id, None)  # from the stored renditions
        assert first.drawn > 0 and again.drawn == 0
        db.session.execute(delete(Rendition))
        db.session.commit()
        redrawn = press_kit.build_press_kit(phase(1).id, None)
        assert redrawn.drawn == first.drawn
        assert first.data == again.data == redrawn.data
        assert first.etag == again.etag == press_kit.plan_press_kit(phase(1).id, None).etag
        add_version("recognise-the-signs", "approved", "Nueva versión")
        message("recognise-the-signs").versions[0].status = "retired"
        db.session.commit()
        changed = press_kit.plan_press_kit(phase(1).id, None)
        assert changed.etag != first.etag


def test_approvals_are_listed_in_the_hubs_time_and_cells_cannot_run_as_formulas(
    demo: Flask,
) -> None:
    with demo.app_context():
        shrink_screens()
        author = user(demo, "m@example.org", "manager")
        mimp = user(demo, "p@mimp.example.org", "partner", "mimp")
        zero = message("zero-tolerance")
        texts = {"es": {"headline": "=HIPERVINCULO() tolerancia"}, "en": {"headline": "@SUM"}}
        messages.edit_texts(zero.id, author, texts, version=None)
        messages.submit(zero.id, author)
        messages.approve(zero.id, mimp, number=2, now=NOON_IN_LIMA)
        kit = press_kit.build_press_kit(phase(1).id, mimp)
    text = entries(kit.data)["contents.csv"].decode("utf-8")
    rows = [r for r in csv.reader(io.StringIO(text)) if r[2] == "zero-tolerance"]
    assert rows and all(r[3].startswith(("'=", "'@")) for r in rows)
    assert {r[5] for r in rows} == {"2"}
    assert {r[6] for r in rows} == {"2026-11-28T12:00-05:00"}  # noon in Lima
    assert {r[7] for r in rows} == {
        "p@mimp.example.org (Ministerio de la Mujer y Poblaciones Vulnerables)"
    }


def test_only_staff_and_partners_of_the_campaign_have_its_kit(demo: Flask) -> None:
    with demo.app_context():
        phase_id = phase(1).id
        for who in (
            user(demo, "a@example.org", "admin"),
            user(demo, "m@example.org", "manager"),
            user(demo, "p@mimp.example.org", "partner", "mimp"),
        ):
            assert press_kit.plan_press_kit(phase_id, who).files
        outsider = user(demo, "p@else.example.org", "partner", "elsewhere")
        with pytest.raises(NotFound):
            press_kit.plan_press_kit(phase_id, outsider)
        with pytest.raises(NotFound):
            press_kit.build_press_kit(phase_id, outsider)
        with pytest.raises(NotFound):
            press_kit.plan_press_kit(99999, None)


def test_a_phase_without_approved_material_has_no_kit(demo: Flask) -> None:
    with demo.app_context():
        with pytest.raises(Invalid, match="no message is booked"):
            press_kit.plan_press_kit(phase(2).id, None)
        add_version("draft-only", "draft", "Borrador")
        book("draft-only", 2)
        with pytest.raises(Invalid, match="draft-only"):
            press_kit.build_press_kit(phase(2).id, None)


def test_approved_posters_are_in_the_kit_as_uploaded_and_per_screen_shape(demo: Flask) -> None:
    with demo.app_context():
        shrink_screens()
        picture = hostile.jpeg(320, 180)
        place = posters.Placement(None, "zero-tolerance", "es")
        poster = posters.upload_poster(
            picture, label="p.jpg", place=place, uploaded_by=None, now=NOON_IN_LIMA
        )
        stored = poster.media.sha256
        files = entries(press_kit.build_press_kit(phase(1).id, None).data)
        assert not any("/posters/" in name for name in files)  # it joined a draft
        zero = message("zero-tolerance")
        zero.versions[0].status, zero.versions[1].status = "retired", "approved"
        db.session.commit()
        kit = press_kit.build_press_kit(phase(1).id, None)
    files = entries(kit.data)
    original = files["es/posters/zero-tolerance_original.jpg"]
    assert hashlib.sha256(original).hexdigest() == stored
    shapes = {name for name in files if name.startswith("es/posters/zero-tolerance_")}
    assert shapes == {
        "es/posters/zero-tolerance_original.jpg",
        "es/posters/zero-tolerance_landscape_640x360.jpg",
        "es/posters/zero-tolerance_landscape_800x450.jpg",
        "es/posters/zero-tolerance_portrait_360x640.jpg",
    }
    assert not any(name.startswith("en/posters/") for name in files)  # a Spanish poster
    assert files["es/posters/zero-tolerance_portrait_360x640.jpg"].startswith(b"\xff\xd8")


def test_a_slide_that_cannot_be_drawn_is_left_out_and_said(demo: Flask) -> None:
    with demo.app_context():
        shrink_screens()
        screen = db.session.scalar(select(Screen).filter_by(code="LIM-DEP-02"))
        screen.width, screen.height = 270, 480  # too small for the Spanish text of one slide
        db.session.commit()
        kit = press_kit.build_press_kit(phase(1).id, None)
    assert kit.skipped == ("es/slides/where-to-report_portrait_270x480.png",)
    assert all(row.path not in kit.skipped for row in kit.rows)
    assert set(entries(kit.data)) - SHEETS == {row.path for row in kit.rows}
