"""Screen-sized renditions of a stored image: decode once, then fit or fill each screen class."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from io import BytesIO
from typing import Literal

from PIL import Image

from campaign.rendering.colours import parse_hex
from campaign.rendering.refusals import ScreenClass

Fit = Literal["contain", "cover"]
RESAMPLE = Image.Resampling.LANCZOS
REDUCING_GAP = 2.0  # integer-factor reduce() first, then LANCZOS over the last factor of two


def _scale(src: tuple[int, int], dst: ScreenClass, fit: Fit) -> float:
    """Target pixels per source pixel for one screen class."""
    sx, sy = dst.width / src[0], dst.height / src[1]
    return min(sx, sy) if fit == "contain" else max(sx, sy)


def needed_size(src: tuple[int, int], classes: Sequence[ScreenClass], fit: Fit) -> tuple[int, int]:
    """The smallest full-image size from which every class can be drawn without upscaling."""
    scale = min(1.0, max(_scale(src, c, fit) for c in classes))
    return (max(1, math.ceil(src[0] * scale)), max(1, math.ceil(src[1] * scale)))


def decode_scaled(
    source: bytes,
    request: tuple[int, int] | Callable[[tuple[int, int]], tuple[int, int]] | None = None,
) -> Image.Image:
    """Decode an image once; a JPEG is decoded straight at a reduced size (DCT scaling).

    `request` is the smallest size wanted, or a function from the full size to it: libjpeg
    then picks the largest 1/2, 1/4 or 1/8 reduction that stays at least that big. The
    result is RGB, or RGBA if the image has transparency.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        im = Image.open(BytesIO(source), formats=["PNG", "JPEG", "WEBP"])
        if callable(request):
            request = request(im.size)
        if im.format == "JPEG" and request is not None:
            im.draft("RGB", request)
        im.load()
    alpha = im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
    mode = "RGBA" if alpha else "RGB"
    return im if im.mode == mode else im.convert(mode)


def _cover_box(
    src: tuple[int, int], dst: ScreenClass, focal: tuple[float, float]
) -> tuple[float, float, float, float]:
    """The source region with the screen's shape, as large as possible, around the focal point."""
    scale = _scale(src, dst, "cover")
    w, h = min(src[0], dst.width / scale), min(src[1], dst.height / scale)
    cx, cy = focal[0] * src[0], focal[1] * src[1]
    x0 = min(max(cx - w / 2, 0.0), src[0] - w)
    y0 = min(max(cy - h / 2, 0.0), src[1] - h)
    return (x0, y0, x0 + w, y0 + h)


def _draw(
    im: Image.Image,
    dst: ScreenClass,
    fit: Fit,
    bg: tuple[int, int, int],
    focal: tuple[float, float],
) -> Image.Image:
    if fit == "cover":
        box = _cover_box(im.size, dst, focal)
        picture = im.resize(dst.size, RESAMPLE, box=box, reducing_gap=REDUCING_GAP)
        offset = (0, 0)
    else:
        scale = _scale(im.size, dst, "contain")
        inner = (
            min(dst.width, max(1, round(im.width * scale))),
            min(dst.height, max(1, round(im.height * scale))),
        )
        picture = im.resize(inner, RESAMPLE, reducing_gap=REDUCING_GAP)
        offset = ((dst.width - inner[0]) // 2, (dst.height - inner[1]) // 2)
        if picture.size == dst.size and picture.mode == "RGB":
            return picture
    canvas = Image.new("RGB", dst.size, bg)
    canvas.paste(picture, offset, picture if picture.mode == "RGBA" else None)
    return canvas


def render_renditions(
    source: bytes,
    classes: Sequence[ScreenClass],
    *,
    fit: Fit = "contain",
    background: str = "#000000",
    focal_point: tuple[float, float] = (0.5, 0.5),
    quality: int = 85,
) -> dict[ScreenClass, bytes]:
    """One JPEG per screen class, exactly its size.

    "contain" shows the whole picture, letterboxed on `background`; "cover" fills the screen,
    cropping around `focal_point` (x, y from 0 to 1). Transparency is flattened onto
    `background`. The source is decoded once, at the smallest size all classes need; it is
    expected to be a processed upload (upright, sRGB, no metadata), as `process_upload` makes.
    """
    if fit not in ("contain", "cover"):
        raise ValueError('fit is "contain" or "cover".')
    if not all(0.0 <= v <= 1.0 for v in focal_point) or len(focal_point) != 2:
        raise ValueError("The focal point is (x, y), each from 0 to 1.")
    classes = list(dict.fromkeys(classes))
    if not classes:
        return {}
    bg = parse_hex(background)
    im = decode_scaled(source, lambda full: needed_size(full, classes, fit))
    out: dict[ScreenClass, bytes] = {}
    for dst in classes:
        buf = BytesIO()
        _draw(im, dst, fit, bg, focal_point).save(buf, "JPEG", quality=quality)
        out[dst] = buf.getvalue()
    return out
