"""The preview mark: drawn across the whole picture, seen on dark slides and light ones alike."""

from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageChops

from campaign.rendering.watermark import watermark_image, watermark_png

DARK = (11, 61, 145)  # the demo campaign's blue
LIGHT = (255, 255, 255)


def _png(colour: tuple[int, int, int], size: tuple[int, int]) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _changed(before: Image.Image, after: Image.Image) -> float:
    """The share of pixels the mark changed."""
    diff = ImageChops.difference(before, after).convert("L").point(lambda v: 255 if v > 8 else 0)
    total = before.width * before.height
    return (total - diff.histogram()[0]) / total


def _quarters(before: Image.Image, after: Image.Image) -> list[float]:
    w, h = before.width // 2, before.height // 2
    boxes = [(0, 0, w, h), (w, 0, 2 * w, h), (0, h, w, 2 * h), (w, h, 2 * w, 2 * h)]
    return [_changed(before.crop(b), after.crop(b)) for b in boxes]


def test_the_mark_changes_pixels_in_every_quarter_of_the_picture() -> None:
    for size in ((480, 270), (480, 853)):  # landscape and portrait
        plain = Image.new("RGB", size, DARK)
        marked = watermark_image(plain)
        assert marked.size == plain.size and marked.mode == "RGB"
        assert 0.03 < _changed(plain, marked) < 0.6  # visible, and the slide still shows
        assert min(_quarters(plain, marked)) > 0.01  # no corner to crop it away from


def test_the_mark_is_light_on_dark_slides_and_dark_on_light_ones() -> None:
    on_dark = watermark_image(Image.new("RGB", (480, 270), DARK)).convert("L")
    on_light = watermark_image(Image.new("RGB", (480, 270), LIGHT)).convert("L")
    dark_ground = Image.new("RGB", (1, 1), DARK).convert("L").getpixel((0, 0))
    assert on_dark.getextrema()[1] > dark_ground + 40  # light letters on the blue
    assert on_light.getextrema()[0] < 255 - 80  # dark outlines on white


def test_a_png_is_made_smaller_first_then_marked() -> None:
    data = watermark_png(_png(DARK, (1920, 1080)), width=480)
    with Image.open(BytesIO(data)) as image:
        assert image.format == "PNG" and image.size == (480, 270)
        marked = image.convert("RGB")
    assert _changed(Image.new("RGB", (480, 270), DARK), marked) > 0.03
    same = watermark_png(_png(DARK, (320, 180)), width=480)  # never made larger
    with Image.open(BytesIO(same)) as image:
        assert image.size == (320, 180)
