"""Hostile images that reached a 500: a WebP whose header declares a bomb, a JPEG's broken EXIF."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from io import BytesIO

import pytest
from flask import Flask
from PIL import ExifTags, Image

from campaign.rendering.refusals import UploadRejected
from campaign.rendering.uploads import process_upload
from tests.web.test_api_helpers import staff
from tests.web.test_assets_api import disk, rows, upload

ASCII, RATIONAL = 2, 5


def webp_declaring(width: int, height: int) -> bytes:
    """A lossless 4 × 4 RGBA WebP with a VP8X chunk that declares width × height."""
    out = BytesIO()
    Image.new("RGBA", (4, 4), (200, 30, 30, 128)).save(out, "WEBP", lossless=True)
    chunks = out.getvalue()[12:]  # the VP8L chunk, after "RIFF", size, "WEBP"
    flags = 0x10  # alpha
    vp8x = struct.pack("<I", flags) + (width - 1).to_bytes(3, "little")
    vp8x += (height - 1).to_bytes(3, "little")
    body = b"WEBP" + b"VP8X" + struct.pack("<I", len(vp8x)) + vp8x + chunks
    return b"RIFF" + struct.pack("<I", len(body)) + body


def jpeg_with_broken_exif() -> bytes:
    """A 40 × 20 JPEG, rotated by EXIF (orientation 6), whose text tag claims to be a fraction:
    Pillow reads it as a number, then fails to write it back as text (AttributeError)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.ImageDescription] = "poster"
    im = Image.new("RGB", (40, 20), (255, 0, 0))
    im.paste((0, 0, 255), (20, 0, 40, 20))
    out = BytesIO()
    im.save(out, "JPEG", quality=95, exif=exif)
    data = bytearray(out.getvalue())
    tiff = data.index(b"Exif\x00\x00") + 6
    endian = "<" if data[tiff : tiff + 2] == b"II" else ">"
    ifd = tiff + struct.unpack(endian + "I", data[tiff + 4 : tiff + 8])[0]
    (count,) = struct.unpack(endian + "H", data[ifd : ifd + 2])
    for n in range(count):
        entry = ifd + 2 + 12 * n
        tag, kind = struct.unpack(endian + "HH", data[entry : entry + 4])
        if tag == ExifTags.Base.ImageDescription and kind == ASCII:
            data[entry + 2 : entry + 8] = struct.pack(endian + "HI", RATIONAL, 1)
            return bytes(data)
    raise AssertionError("the EXIF block has no image description")  # pragma: no cover


def test_a_tiny_webp_declaring_16383_squared_is_refused_with_its_size() -> None:
    data = webp_declaring(16383, 16383)
    assert len(data) < 120
    with pytest.raises(UploadRejected) as refused:
        process_upload(data)
    assert refused.value.status == 422
    assert refused.value.reason == "too_many_pixels"
    assert refused.value.params["width"] == refused.value.params["height"] == "16383"


def test_the_webp_bomb_through_the_api_is_a_422_and_leaves_nothing(demo: Flask) -> None:
    manager = staff(demo)["manager"]
    files_before, rows_before = disk(demo), rows(demo)
    status, body = upload(demo.test_client(), manager, webp_declaring(16383, 16383), "x.webp")
    assert status == 422, body
    assert body["error"] == "invalid_upload"
    assert "16383 × 16383" in body["detail"], body["detail"]
    assert (disk(demo), rows(demo)) == (files_before, rows_before)


def test_a_jpeg_with_broken_exif_is_stored_upright() -> None:
    image = process_upload(jpeg_with_broken_exif())
    assert (image.width, image.height) == (20, 40)  # the orientation could still be read
    with Image.open(BytesIO(image.data)) as stored:
        stored.load()
        top, bottom = stored.getpixel((10, 2)), stored.getpixel((10, 37))
        assert not stored.getexif()
    assert top[0] > 200 and top[2] < 60  # red on top: rotated 90° clockwise
    assert bottom[2] > 200 and bottom[0] < 60


def test_the_broken_exif_jpeg_through_the_api_is_stored(demo: Flask) -> None:
    manager = staff(demo)["manager"]
    status, body = upload(demo.test_client(), manager, jpeg_with_broken_exif(), "exif.jpg")
    assert status == 201, body
    assert (body["width"], body["height"]) == (20, 40)


def _png_declaring(width: int, height: int) -> bytes:
    out = BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG")
    data = bytearray(out.getvalue())
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF)
    return bytes(data)


def _jpeg_declaring(width: int, height: int) -> bytes:
    out = BytesIO()
    Image.new("RGB", (4, 4)).save(out, "JPEG")
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def _webp_lossless_declaring(width: int, height: int) -> bytes:
    out = BytesIO()
    Image.new("RGBA", (4, 4)).save(out, "WEBP", lossless=True)
    data = bytearray(out.getvalue())
    assert data[12:16] == b"VP8L" and data[20] == 0x2F
    bits = int.from_bytes(data[21:25], "little") & ~((1 << 28) - 1)
    data[21:25] = (bits | (width - 1) | (height - 1) << 14).to_bytes(4, "little")
    return bytes(data)


@pytest.mark.parametrize(
    "make",
    [_png_declaring, _jpeg_declaring, _webp_lossless_declaring, webp_declaring],
    ids=["png", "jpeg", "webp-lossless", "webp-vp8x"],
)
def test_every_format_declaring_a_bomb_is_refused_with_its_size(
    make: Callable[[int, int], bytes],
) -> None:
    with pytest.raises(UploadRejected) as refused:
        process_upload(make(16384, 16000))
    assert refused.value.status == 422
    assert refused.value.reason == "too_many_pixels"
    assert (refused.value.params["width"], refused.value.params["height"]) == ("16384", "16000")
