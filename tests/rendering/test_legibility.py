"""WCAG contrast, legibility checks and QR codes."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from campaign.rendering.colours import parse_hex
from campaign.rendering.legibility import (
    check_legibility,
    contrast_ratio,
    measure_contrast,
    min_text_px,
)
from campaign.rendering.qr import QUIET_ZONE, make_code, qr_image, qr_modules

WHITE, BLACK = (255, 255, 255), (0, 0, 0)


def test_contrast_ratio_known_values():
    assert contrast_ratio(WHITE, BLACK) == pytest.approx(21.0)
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21.0)
    assert contrast_ratio((10, 20, 30), (10, 20, 30)) == pytest.approx(1.0)
    assert contrast_ratio(parse_hex("#767676"), WHITE) == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio(parse_hex("#777777"), WHITE) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(parse_hex("#FFFFFF"), parse_hex("#0B3D91")) > 4.5


@pytest.mark.parametrize(
    ("text", "rgb"), [("#0B3D91", (11, 61, 145)), ("fc0", (255, 204, 0)), (" #ffffff ", WHITE)]
)
def test_parse_hex(text, rgb):
    assert parse_hex(text) == rgb


@pytest.mark.parametrize("text", ["blue", "#12345", "#GGGGGG", "", "rgb(1,2,3)"])
def test_parse_hex_refuses_non_colours(text):
    with pytest.raises(ValueError):
        parse_hex(text)


def test_min_text_px_is_a_share_of_the_height():
    assert min_text_px(1080) == 27
    assert min_text_px(1920) == 48
    assert min_text_px(768) == 20
    assert min_text_px(1000, 0.03) == 30


def test_check_legibility_lists_every_problem():
    ok = check_legibility(
        foreground=WHITE, background=parse_hex("#0B3D91"), smallest_text_px=27, screen_height=1080
    )
    assert ok == []
    problems = check_legibility(
        foreground=parse_hex("#777777"),
        background=WHITE,
        smallest_text_px=20,
        screen_height=1080,
        fits=False,
    )
    assert len(problems) == 3
    assert "contrast of 4.5:1" in problems[0]
    assert "at least 27 px" in problems[1]
    assert "does not fit" in problems[2]
    assert (
        check_legibility(
            foreground=WHITE,
            background=BLACK,
            smallest_text_px=20,
            screen_height=1080,
            min_text_share=0.015,
        )
        == []
    )


def test_measure_contrast_on_an_image_ignores_antialiasing():
    im = Image.new("RGB", (400, 100), parse_hex("#0B3D91"))
    ImageDraw.Draw(im).rectangle((50, 30, 350, 70), fill=parse_hex("#FFC72C"))
    im.putpixel((10, 10), (200, 200, 200))  # a stray pixel does not count
    measured = measure_contrast(im, (0, 0, 400, 100))
    assert measured == pytest.approx(
        contrast_ratio(parse_hex("#FFC72C"), parse_hex("#0B3D91")), abs=1e-9
    )
    assert measure_contrast(Image.new("RGB", (10, 10), WHITE), (0, 0, 10, 10)) == 1.0


@pytest.mark.parametrize("link", ["https://example.org/trata", "https://example.org/" + "x" * 80])
def test_qr_image_geometry(link):
    im = qr_image(link, 6)
    modules = qr_modules(link)
    assert im.mode == "RGB"
    assert im.size == (modules * 6, modules * 6)
    quiet = QUIET_ZONE * 6
    for box in [
        (0, 0, im.width, quiet),
        (0, 0, quiet, im.height),
        (im.width - quiet, 0, im.width, im.height),
    ]:
        region = im.crop(box)
        assert region.getcolors() == [(region.width * region.height, WHITE)]
    # the finder pattern's dark corner module sits just inside the quiet zone
    assert im.getpixel((quiet, quiet)) == BLACK
    assert im.getpixel((quiet - 1, quiet - 1)) == WHITE


def test_qr_colours_and_error_level():
    im = qr_image("https://example.org/trata", 3, dark=(11, 61, 145))
    assert {rgb for _, rgb in im.getcolors()} == {(11, 61, 145), WHITE}
    for link in ("https://example.org/trata", "https://example.org/" + "x" * 200):
        assert make_code(link).error in {"M", "Q", "H"}
    with pytest.raises(ValueError):
        qr_image("", 3)
    with pytest.raises(ValueError):
        qr_image("https://example.org", 0)
