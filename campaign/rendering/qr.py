"""QR codes for a message link, drawn as a Pillow image with crisp square modules."""

from __future__ import annotations

import segno
from PIL import Image

from campaign.rendering.colours import RGB

QUIET_ZONE = 4  # modules of light margin on each side, as the QR standard asks


def qr_modules(link: str) -> int:
    """Width in modules of the QR code for `link`, quiet zone included."""
    return make_code(link).symbol_size(scale=1, border=QUIET_ZONE)[0]


def make_code(link: str) -> segno.QRCode:
    """The QR symbol for `link`, error correction M or higher."""
    if not link:
        raise ValueError("A QR code needs a link to encode.")
    # Error correction M at least; segno raises it when that costs no extra size.
    return segno.make_qr(link, error="m", boost_error=True)


def qr_image(
    link: str,
    module_px: int,
    *,
    dark: RGB = (0, 0, 0),
    light: RGB = (255, 255, 255),
) -> Image.Image:
    """An RGB image of the QR code of `link`: `module_px` pixels a module, quiet zone of 4."""
    if module_px < 1:
        raise ValueError("A QR module must be at least one pixel wide.")
    code = make_code(link)
    rows = [
        bytes(0 if dark_module else 255 for dark_module in row)
        for row in code.matrix_iter(scale=1, border=QUIET_ZONE)
    ]
    size = len(rows)
    mask = Image.frombytes("L", (size, size), b"".join(rows))
    mask = mask.resize((size * module_px, size * module_px), Image.Resampling.NEAREST)
    out = Image.new("RGB", mask.size, dark)
    out.paste(Image.new("RGB", mask.size, light), (0, 0), mask)
    return out
