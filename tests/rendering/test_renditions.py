"""Renditions: exact sizes, letterbox colour, focal point, one reduced decode per source."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image, ImageFile, ImageStat, JpegImagePlugin

from campaign.domain.model import Orientation
from campaign.rendering.renditions import (
    ScreenClass,
    decode_scaled,
    needed_size,
    render_renditions,
)

from . import hostile

LANDSCAPE = ScreenClass(1920, 1080)
PORTRAIT = ScreenClass(1080, 1920)
SMALL = ScreenClass(1366, 768)
CLASSES = [LANDSCAPE, PORTRAIT, SMALL]
BLUE = "#0B3D91"
BLUE_RGB = (11, 61, 145)


def opened(data: bytes) -> Image.Image:
    im = Image.open(BytesIO(data))
    im.load()
    return im


def close(a, b, tolerance=6) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=False))


def halves(width: int = 1200, height: int = 800) -> bytes:
    """Left half red, right half green: where a crop landed is easy to see."""
    im = Image.new("RGB", (width, height), (220, 30, 30))
    im.paste((30, 200, 30), (width // 2, 0, width, height))
    return hostile.encode(im, "JPEG", quality=95)


def mean(im: Image.Image) -> tuple[float, ...]:
    return tuple(ImageStat.Stat(im).mean)


def test_screen_class_orientation():
    assert LANDSCAPE.orientation is Orientation.LANDSCAPE
    assert PORTRAIT.orientation is Orientation.PORTRAIT
    assert ScreenClass(1000, 1000).orientation is Orientation.LANDSCAPE
    with pytest.raises(ValueError):
        ScreenClass(0, 10)


@pytest.mark.parametrize("fit", ["contain", "cover"])
def test_exact_sizes_in_jpeg_rgb(fit):
    out = render_renditions(hostile.jpeg(1200, 800), CLASSES, fit=fit, background=BLUE)
    assert set(out) == set(CLASSES)
    for cls, data in out.items():
        im = opened(data)
        assert (im.format, im.mode, im.size) == ("JPEG", "RGB", cls.size)


def test_contain_letterboxes_on_the_campaign_background():
    out = render_renditions(hostile.jpeg(1200, 800), CLASSES, fit="contain", background=BLUE)
    wide = opened(out[LANDSCAPE])  # 3:2 in 16:9: bars left and right (1620 px picture)
    for xy in [(5, 5), (5, 1075), (1914, 540), (140, 540), (1780, 10)]:
        assert close(wide.getpixel(xy), BLUE_RGB), xy
    tall = opened(out[PORTRAIT])  # 3:2 in 9:16: bars top and bottom (720 px picture)
    for xy in [(540, 5), (5, 5), (1075, 1914), (540, 590), (540, 1330)]:
        assert close(tall.getpixel(xy), BLUE_RGB), xy
    assert not close(tall.getpixel((540, 960)), BLUE_RGB, tolerance=20)


def test_cover_fills_the_screen():
    out = render_renditions(hostile.jpeg(1200, 800), CLASSES, fit="cover", background=BLUE)
    for data in out.values():
        im = opened(data)
        corners = [(0, 0), (im.width - 1, 0), (0, im.height - 1), (im.width - 1, im.height - 1)]
        assert not all(close(im.getpixel(c), BLUE_RGB, tolerance=20) for c in corners)


@pytest.mark.parametrize(
    ("focal", "expect"),
    [((0.0, 0.5), "red"), ((0.2, 0.5), "red"), ((1.0, 0.5), "green"), ((0.85, 0.1), "green")],
)
def test_cover_crops_around_the_focal_point(focal, expect):
    out = render_renditions(halves(), [PORTRAIT], fit="cover", focal_point=focal)
    r, g, _ = mean(opened(out[PORTRAIT]))
    assert (r > g) == (expect == "red")
    assert abs(r - g) > 150  # entirely one half: the crop is 450 px of 1200


def test_centred_focal_point_shows_both_halves():
    out = render_renditions(halves(), [PORTRAIT], fit="cover")
    im = opened(out[PORTRAIT])
    assert im.getpixel((100, 960))[0] > 150
    assert im.getpixel((980, 960))[1] > 150


def test_transparency_is_flattened_onto_the_background():
    im = Image.new("RGBA", (800, 450), (0, 0, 0, 0))
    im.paste((255, 255, 255, 255), (300, 150, 500, 300))
    out = render_renditions(hostile.encode(im, "PNG"), [LANDSCAPE], background=BLUE)
    flat = opened(out[LANDSCAPE])
    assert close(flat.getpixel((100, 100)), BLUE_RGB)
    assert close(flat.getpixel((960, 540)), (255, 255, 255))


def test_a_large_jpeg_is_decoded_once_at_reduced_size(monkeypatch):
    source = hostile.jpeg(4000, 3000)
    drafts, loads = [], []
    real_draft, real_load = JpegImagePlugin.JpegImageFile.draft, ImageFile.ImageFile.load

    def draft_spy(self, mode, size):
        drafts.append(size)
        return real_draft(self, mode, size)

    def load_spy(self):
        if self.tile:  # something left to decode (later calls are no-ops)
            loads.append(self.size)
        return real_load(self)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", draft_spy)
    monkeypatch.setattr(ImageFile.ImageFile, "load", load_spy)
    out = render_renditions(source, CLASSES, fit="contain")
    assert drafts == [needed_size((4000, 3000), CLASSES, "contain")] == [(1440, 1080)]
    assert loads == [(2000, 1500)]  # one decode, at half size: libjpeg scaled the DCT
    assert {opened(d).size for d in out.values()} == {c.size for c in CLASSES}


def test_decode_scaled_never_goes_below_the_request():
    source = hostile.jpeg(4000, 3000)
    assert decode_scaled(source, (900, 700)).size == (1000, 750)
    assert decode_scaled(source, (1001, 10)).size == (2000, 1500)
    assert decode_scaled(source).size == (4000, 3000)


def test_needed_size_never_upscales():
    assert needed_size((800, 600), [LANDSCAPE], "cover") == (800, 600)
    assert needed_size((6000, 4000), [LANDSCAPE], "cover") == (1920, 1280)
    assert needed_size((6000, 4000), CLASSES, "cover") == (2880, 1920)


def test_pure_same_input_same_bytes():
    source = hostile.jpeg(1200, 800)
    first = render_renditions(source, CLASSES, fit="cover", focal_point=(0.3, 0.6))
    again = render_renditions(source, CLASSES, fit="cover", focal_point=(0.3, 0.6))
    assert first == again


@pytest.mark.parametrize(
    "kwargs",
    [
        {"fit": "stretch"},
        {"focal_point": (1.5, 0.5)},
        {"focal_point": (-0.1, 0.5)},
        {"background": "blue"},
    ],
)
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        render_renditions(hostile.jpeg(), [LANDSCAPE], **kwargs)


def test_duplicate_and_empty_class_lists():
    assert render_renditions(hostile.jpeg(), []) == {}
    assert list(render_renditions(hostile.jpeg(), [SMALL, SMALL])) == [SMALL]
