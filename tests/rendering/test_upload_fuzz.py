"""Fuzz the upload check: mutated PNG, JPEG and WebP files are stored clean or refused, never 500.

`make test` runs a bounded number of examples; `make fuzz` sets CAMPAIGN_FUZZ_EXAMPLES higher."""

from __future__ import annotations

import os
import struct
import zlib
from io import BytesIO

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image

from campaign.rendering.refusals import ScreenClass, UploadRejected
from campaign.rendering.renditions import render_renditions
from campaign.rendering.uploads import ProcessedImage, process_upload

EXAMPLES = int(os.environ.get("CAMPAIGN_FUZZ_EXAMPLES", "60"))
SCREEN = ScreenClass(32, 18)


def _picture(mode: str) -> Image.Image:
    im = Image.linear_gradient("L").resize((24, 16)).convert(mode)
    im.paste((0, 0, 255, 128)[: len(mode)] if mode != "L" else 30, (12, 0, 24, 16))
    return im


def _encode(im: Image.Image, fmt: str, **params: object) -> bytes:
    out = BytesIO()
    im.save(out, fmt, **params)
    return out.getvalue()


def _exif() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.ImageDescription] = "poster"
    return exif.tobytes()


SEEDS = {
    "png-rgba": _encode(_picture("RGBA"), "PNG"),
    "png-palette": _encode(_picture("RGB").convert("P"), "PNG"),
    "jpeg-exif": _encode(_picture("RGB"), "JPEG", quality=80, exif=_exif()),
    "jpeg-progressive": _encode(_picture("L"), "JPEG", progressive=True),
    "webp-lossless": _encode(_picture("RGBA"), "WEBP", lossless=True),
    "webp-lossy": _encode(_picture("RGB"), "WEBP", quality=60, exif=_exif()),
}


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _riff_chunk(kind: bytes, payload: bytes) -> bytes:
    return kind + struct.pack("<I", len(payload)) + payload + b"\x00" * (len(payload) & 1)


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def _vp8x(width: int, height: int, flags: int) -> bytes:
    """A WebP extended-header chunk declaring a canvas of width × height."""
    size = (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return _riff_chunk(b"VP8X", bytes((flags, 0, 0, 0)) + size)


dimension = st.one_of(st.integers(1, 64), st.just(1 << 14), st.integers(1, 1 << 14))
payload = st.binary(max_size=64)
chunks = st.one_of(
    st.builds(
        _png_chunk, st.sampled_from([b"IHDR", b"IDAT", b"PLTE", b"tRNS", b"eXIf", b"iCCP"]), payload
    ),
    st.builds(_vp8x, dimension, dimension, st.integers(0, 255)),
    st.builds(_riff_chunk, st.sampled_from([b"VP8 ", b"VP8L", b"ALPH", b"EXIF", b"ICCP"]), payload),
    st.builds(
        lambda h, w: _jpeg_segment(0xC0, struct.pack(">BHHB", 8, h, w, 1) + b"\x01\x11\x00"),
        dimension,
        dimension,
    ),
    st.builds(_jpeg_segment, st.sampled_from([0xE1, 0xE2, 0xDB, 0xC4, 0xDD, 0xFE]), payload),
    payload,
)
mutation = st.one_of(
    st.tuples(st.just("flip"), st.floats(0, 1, exclude_max=True), st.integers(1, 255)),
    st.tuples(st.just("cut"), st.floats(0, 1, exclude_max=True)),
    st.tuples(st.just("insert"), st.floats(0, 1), chunks),
    st.tuples(st.just("insert"), st.sampled_from(["after-header"]), chunks),
)
# Where the first chunk starts: after PNG's IHDR, after JPEG's start marker, after "WEBP".
HEADER = {b"\x89P": 33, b"\xff\xd8": 2, b"RI": 12}


def mutate(data: bytes, mutations: list[tuple]) -> bytes:
    """Apply byte flips, truncations and chunk insertions, each at a share of the length."""
    buf = bytearray(data)
    for kind, where, *rest in mutations:
        at = HEADER.get(data[:2], 0) if where == "after-header" else int(where * len(buf))
        if kind == "flip" and buf:
            buf[min(at, len(buf) - 1)] ^= rest[0]
        elif kind == "cut":
            del buf[at:]
        elif kind == "insert":
            buf[at:at] = rest[0]
    return bytes(buf)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@example(seed="webp-lossless", mutations=[("insert", "after-header", _vp8x(16383, 16383, 16))])
@given(seed=st.sampled_from(sorted(SEEDS)), mutations=st.lists(mutation, min_size=1, max_size=4))
def test_a_mutated_upload_is_stored_clean_or_refused_with_4xx(
    seed: str, mutations: list[tuple]
) -> None:
    data = mutate(SEEDS[seed], mutations)
    try:
        image = process_upload(data)
    except UploadRejected as refused:
        assert 400 <= refused.status < 500, refused
        assert refused.reason and refused.message
        return
    assert isinstance(image, ProcessedImage)
    with Image.open(BytesIO(image.data)) as stored:  # what is stored is a clean, whole image
        stored.load()
        assert stored.size == (image.width, image.height)
        assert not stored.getexif()
    assert render_renditions(image.data, [SCREEN])[SCREEN]  # and the screens can draw it


def test_the_seeds_are_stored_unmutated() -> None:
    for name, data in SEEDS.items():
        assert process_upload(data).width in (16, 24), name
