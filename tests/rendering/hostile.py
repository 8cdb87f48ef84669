"""Hostile and test files, generated at run time (no binary blobs in the repository)."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

from PIL import ExifTags, Image, PngImagePlugin

SCRIPT = b"<script>alert('pwned')</script>"


def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit greyscale PNG of width × height pixels, all black: a few kilobytes."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)  # filter byte + packed bits
    packer = zlib.compressobj(9)
    parts = [packer.compress(row) for _ in range(height)]
    parts.append(packer.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", b"".join(parts))
        + _chunk(b"IEND", b"")
    )


def encode(im: Image.Image, fmt: str, **params) -> bytes:
    out = BytesIO()
    im.save(out, fmt, **params)
    return out.getvalue()


def photo(width: int = 600, height: int = 400) -> Image.Image:
    """A small picture with gradients and colour, like a photo."""
    r = Image.linear_gradient("L").resize((width, height))
    g = Image.linear_gradient("L").rotate(90).resize((width, height))
    b = Image.radial_gradient("L").resize((width, height))
    return Image.merge("RGB", (r, g, b))


def jpeg(width: int = 600, height: int = 400, **params) -> bytes:
    return encode(photo(width, height), "JPEG", quality=90, **params)


def truncated_jpeg() -> bytes:
    data = jpeg(800, 600)
    return data[: len(data) // 2]


def corrupt_png() -> bytes:
    data = bytearray(encode(photo(), "PNG"))
    data[40] ^= 0xFF  # inside IHDR/IDAT: CRC no longer matches
    return bytes(data)


HTML = b"<!DOCTYPE html><html><body>" + SCRIPT + b"</body></html>"
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
)
# A GIF header whose width/height bytes open a JS comment: valid as both GIF and JavaScript.
GIF_JS_POLYGLOT = (
    b"GIF89a/*\x00\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00"
    b"\x00\x02\x02D\x01\x00;*/=1;" + SCRIPT + b"\n"
)


def psd_header() -> bytes:
    """The header of a Photoshop file: 8BPS, version 1, 3 channels, 64 × 64, 8 bit, RGB."""
    header = b"8BPS" + struct.pack(">H6sHIIHH", 1, b"\x00" * 6, 3, 64, 64, 8, 3)
    return header + struct.pack(">I", 0) * 3 + b"\x00\x00" + b"\x80" * (64 * 64 * 3)


def tiff() -> bytes:
    return encode(photo(64, 64), "TIFF")


def gif() -> bytes:
    return encode(photo(64, 64).convert("P"), "GIF")


def jpeg_with_payload() -> bytes:
    """A JPEG carrying script in its comment, EXIF and XMP, plus GPS and an orientation."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.ImageDescription] = SCRIPT.decode()
    exif[ExifTags.IFD.GPSInfo] = {1: "S", 2: (12.0, 3.0, 0.0), 3: "W", 4: (77.0, 2.0, 0.0)}
    im = Image.new("RGB", (400, 200), (255, 0, 0))
    im.paste((0, 0, 255), (200, 0, 400, 200))  # left half red, right half blue
    return encode(
        im,
        "JPEG",
        quality=95,
        exif=exif,
        comment=SCRIPT,
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + SCRIPT + b"</x:xmpmeta>",
    )


def png_with_payload() -> bytes:
    """A PNG with script in a text chunk and an HTML page appended after IEND."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    return encode(photo(), "PNG", pnginfo=info) + b"<html>" + SCRIPT + b"</html>"


def png_text_bomb() -> bytes:
    """A small PNG whose compressed text chunk inflates to 8 MB (a metadata bomb)."""
    png = encode(photo(64, 64), "PNG")
    bomb = _chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"\x00" * 8_000_000, 9))
    return png[:33] + bomb + png[33:]  # right after IHDR
