"""The phase-end report's page and PDF: A4 pages made from the same template, the funder's name
and Spanish letters in the PDF's own text, offline; the API and the command line."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pytest
from flask import Flask

from campaign.services.clock import clock_of
from campaign.services.pdf import RefusedURL, local_fetcher, render_pdf
from tests.services.delivery_week import AFTER_THE_WEEK, FUNDER, load_week, play_the_week
from tests.web.signing import signed_in
from tests.web.test_api_helpers import caller


def pdf_streams(data: bytes) -> list[bytes]:
    """Every stream of the PDF, inflated (WeasyPrint compresses them, objects included)."""
    found = []
    for match in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", match.end())
        try:
            found.append(zlib.decompressobj().decompress(data[match.end() : end]))
        except zlib.error:
            continue
    return found


def to_unicode_maps(blobs: list[bytes]) -> list[dict[int, str]]:
    """The fonts' ToUnicode CMaps: glyph code to text."""
    maps = []
    for blob in blobs:
        if b"begincmap" not in blob:
            continue
        table: dict[int, str] = {}
        for section in re.findall(rb"beginbfchar(.*?)endbfchar", blob, re.S):
            for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", section):
                table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
        for section in re.findall(rb"beginbfrange(.*?)endbfrange", blob, re.S):
            pattern = rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>"
            for low, high, dst in re.findall(pattern, section):
                base = bytes.fromhex(dst.decode()).decode("utf-16-be")
                for step, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                    table[code] = base[:-1] + chr(ord(base[-1]) + step)
        maps.append(table)
    return maps


def pdf_text(data: bytes) -> str:
    """The text the pages draw (Tj and TJ glyph strings), read through each font's ToUnicode
    map in turn: a run drawn in a font reads right through that font's map."""
    blobs = pdf_streams(data)
    maps = to_unicode_maps(blobs)
    readings = []
    for blob in blobs:
        runs = re.findall(rb"\[(.*?)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj", blob, re.S)
        codes: list[int | None] = []
        for array, single in runs:
            for hexes in re.findall(rb"<([0-9A-Fa-f]*)>", array) if array else [single]:
                codes += [int(hexes[i : i + 4], 16) for i in range(0, len(hexes), 4)]
            codes.append(None)
        for table in maps:
            readings.append("".join("\n" if c is None else table.get(c, "?") for c in codes))
    return "\n".join(readings)


def page_count(data: bytes) -> int:
    return sum(len(re.findall(rb"/Type\s*/Page\b", blob)) for blob in [data, *pdf_streams(data)])


@pytest.fixture
def planned(app: Flask) -> Flask:
    """The synthetic week's plan, nothing played yet, on 20 November."""
    load_week(app)
    clock_of(app).set(AFTER_THE_WEEK)
    return app


@pytest.fixture
def week(planned: Flask) -> Flask:
    """The synthetic week, played in full by a player that follows the rule."""
    play_the_week(planned)
    return planned


def test_the_pdf_is_a4_pages_with_the_funder_and_spanish_text(week: Flask) -> None:
    client = signed_in(week, "manager", locale="en")
    answer = client.get("/reports/phases/1.pdf?lang=es")
    assert answer.status_code == 200
    assert answer.mimetype == "application/pdf"
    assert 'filename="semana-phase-1-es.pdf"' in answer.headers["Content-Disposition"]
    data = answer.get_data()
    assert data.startswith(b"%PDF-")
    assert page_count(data) >= 2
    assert b"/MediaBox [0 0 595" in b"".join(pdf_streams(data)) + data  # A4: 595 x 842 pt
    text = pdf_text(data)
    assert FUNDER in text  # "Fondo Ñandú de la Niñez": the header of every page and the title
    assert "Campaña" in text and "Hall principal" in text
    pages = page_count(data)
    numbered = set(re.findall(r"Página\s+(\d+) / (\d+)", text))  # every page's foot
    assert numbered >= {(str(n), str(pages)) for n in range(1, pages + 1)}
    fonts = {m for b in pdf_streams(data) for m in re.findall(rb"/FontName\s*/\w+\+([\w-]+)", b)}
    assert fonts == {b"DejaVu-Sans", b"DejaVu-Sans-Bold"}  # assets/fonts, by @font-face


def test_the_page_offers_the_other_language_and_the_pdf(planned: Flask) -> None:
    client = signed_in(planned, "manager", locale="en")
    page = client.get("/reports/phases/1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<div class="report-body" lang="en">' in html  # the reader's language by default
    assert f'Funded by <strong class="funder-name">{FUNDER}</strong>' in html
    assert 'href="/reports/phases/1?lang=es"' in html
    assert 'href="/reports/phases/1.pdf?lang=en"' in html
    assert "So far, up to Nov 20, 2026" in html
    spanish = client.get("/reports/phases/1?lang=es").get_data(as_text=True)
    assert '<div class="report-body" lang="es">' in spanish and "Campaña" in spanish
    assert client.get("/reports/phases/1?lang=fr").status_code == 400
    assert client.get("/reports/phases/999").status_code == 404


def test_a_partner_of_another_campaign_gets_404(planned: Flask) -> None:
    from campaign.services.plans import load_plan
    from tests.conftest import DEMO_PLAN, DEMO_TODAY

    with planned.app_context():
        load_plan(DEMO_PLAN.read_text(encoding="utf-8"), str(DEMO_PLAN), demo_today=DEMO_TODAY)
    partner = signed_in(planned, "partner", partner="mimp", locale="en")  # the demo's ministry
    assert partner.get("/reports/phases/1").status_code == 404
    assert partner.get("/reports/phases/1.pdf").status_code == 404


def test_the_api_gives_the_report_as_json_and_pdf(week: Flask) -> None:
    manager = caller(week, "api@example.org", "manager")
    client = week.test_client()
    body = client.get("/api/v1/phases/1/report?lang=en", headers=manager.headers).get_json()
    assert body["funder"] == FUNDER and body["lang"] == "en"
    assert body["delivery"]["total"] == {
        "planned": 8884,
        "actual": 8884,
        "shortfall": 0,
        "delivered_pct": 100.0,
    }
    assert body["plays"]["total"]["plays"] == 8884
    pdf = client.get("/api/v1/phases/1/report.pdf?lang=es", headers=manager.headers)
    assert pdf.mimetype == "application/pdf" and pdf.get_data().startswith(b"%PDF-")
    assert client.get("/api/v1/phases/1/report?lang=xx", headers=manager.headers).status_code == 422


def test_the_command_line_writes_the_pdf(week: Flask, tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    result = week.test_cli_runner().invoke(
        args=["phase", "report", "1", "--lang", "en", "--pdf", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert f"Funded by {FUNDER}" in result.output
    assert "  evening-beta: 602 / 602" in result.output
    assert target.read_bytes().startswith(b"%PDF-")
    missing = week.test_cli_runner().invoke(args=["phase", "report", "99"])
    assert missing.exit_code == 1 and "There is no phase 99." in missing.output


def test_a_pdf_never_reaches_outside_the_project() -> None:
    fetch = local_fetcher()
    from campaign.config import PROJECT_ROOT

    instance = (PROJECT_ROOT / "instance" / "secret_key").as_uri()
    for url in (
        "https://example.org/logo.png",
        "ftp://example.org/x",
        "file:///etc/passwd",
        instance,
    ):
        with pytest.raises(RefusedURL):
            fetch(url)
    assert fetch((PROJECT_ROOT / "assets" / "web" / "print-pdf.css").as_uri())  # its own style
    html = '<html><body><p>Año</p><img src="http://127.0.0.1:9/x.png"></body></html>'
    assert render_pdf(html, None).startswith(b"%PDF-")  # the image is refused, not fetched
