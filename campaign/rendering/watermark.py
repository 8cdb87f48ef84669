"""A diagonal, see-through "VISTA PREVIA · PREVIEW" across a slide, for partners' previews."""

from __future__ import annotations

import math
from functools import lru_cache
from io import BytesIO

from PIL import Image, ImageDraw

from campaign.rendering.fonts import FontBook

WATERMARK = "VISTA PREVIA · PREVIEW"
# Light letters with a dark outline, both see-through: readable on a dark slide and a light one,
# while the slide stays readable beneath.
FILL = (255, 255, 255, 105)
OUTLINE = (0, 0, 0, 130)
ROWS_APART = 4.5  # rows of the mark, in text heights
TEXT_SHARE = 0.6  # one copy of the text spans this share of the picture's diagonal


@lru_cache(maxsize=16)
def _overlay(width: int, height: int, text: str) -> Image.Image:
    """The mark alone: rows of `text` along the picture's diagonal, on a transparent layer.
    The same for every picture of a size, so drawn once (callers never change it)."""
    diagonal = math.hypot(width, height)
    book = FontBook()
    size = max(10, int(diagonal / 16))
    font = book.get(size, bold=True)
    span = font.getlength(text)
    if span > diagonal * TEXT_SHARE:  # long text: smaller, so a whole copy fits the diagonal
        size = max(10, int(size * diagonal * TEXT_SHARE / span))
        font = book.get(size, bold=True)
        span = font.getlength(text)
    stroke = max(1, size // 14)
    side = int(diagonal) + 2 * size
    layer = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    step = int(size * ROWS_APART)
    gap = font.getlength("   ")
    middle = side // 2
    # One row through the centre, then rows above and below it, each shifted half a copy so
    # the copies do not line up in columns.
    for row, top in enumerate(range(middle % step - step, side + step, step)):
        shift = (row % 2) * (span + gap) / 2
        left = -shift
        while left < side:
            draw.text(
                (left, top),
                text,
                font=font,
                fill=FILL,
                stroke_width=stroke,
                stroke_fill=OUTLINE,
                anchor="lm",
            )
            left += span + gap
    angle = math.degrees(math.atan2(height, width))
    turned = layer.rotate(angle, resample=Image.Resampling.BICUBIC)
    x, y = (side - width) // 2, (side - height) // 2
    return turned.crop((x, y, x + width, y + height))


def watermark_image(image: Image.Image, text: str = WATERMARK) -> Image.Image:
    """A copy of `image` (RGB) with `text` across it, from its bottom left to its top right."""
    base = image.convert("RGBA")
    marked = Image.alpha_composite(base, _overlay(base.width, base.height, text))
    return marked.convert("RGB")


def watermark_png(png: bytes, text: str = WATERMARK, *, width: int | None = None) -> bytes:
    """The picture `png` (any format Pillow reads) as a PNG with the mark across it; with
    `width`, made that wide first (a thumbnail), so the mark is drawn at the size shown."""
    with Image.open(BytesIO(png)) as source:
        image = source.convert("RGB")
    if width is not None and width < image.width:
        height = max(1, round(image.height * width / image.width))
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    out = BytesIO()
    watermark_image(image, text).save(out, "PNG")
    return out.getvalue()
