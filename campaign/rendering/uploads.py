"""Validate an uploaded image and re-encode it clean: right type, sane size, no metadata."""

from __future__ import annotations

import hashlib
import struct
import threading
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO

from PIL import ExifTags, Image, ImageFile, UnidentifiedImageError

from campaign.rendering.refusals import UploadRejected

try:  # LittleCMS is optional in Pillow builds: without it ICC profiles are dropped, not applied.
    from PIL import ImageCms
except ImportError:  # pragma: no cover - depends on the Pillow build
    ImageCms = None  # type: ignore[assignment]

ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP")
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_BYTES = 25 * 1024 * 1024
JPEG_QUALITY = 90
WEBP_QUALITY = 90

_OUTPUT = {
    # Pillow format -> (our name, content type, file extension)
    "PNG": ("png", "image/png", "png"),
    "JPEG": ("jpeg", "image/jpeg", "jpg"),
    "WEBP": ("webp", "image/webp", "webp"),
}

# Everything that can go wrong while parsing a hostile file, beyond Pillow's own errors.
_DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    TypeError,
    IndexError,
    KeyError,
    EOFError,
    struct.error,
    zlib.error,
    MemoryError,
)


@dataclass(frozen=True)
class ProcessedImage:
    data: bytes  # the re-encoded image: these are the bytes to store and serve
    sha256: str
    width: int
    height: int
    format: str  # "png", "jpeg" or "webp"
    content_type: str
    ext: str  # "png", "jpg" or "webp"


# What a refused file really is, by a code the services translate, and its English name.
FILE_KINDS = {
    "gif": "a GIF image",
    "tiff": "a TIFF image",
    "psd": "a Photoshop (PSD) file",
    "pdf": "a PDF document",
    "bmp": "a BMP image",
    "heic": "a HEIC/AVIF image",
    "zip": "a ZIP archive (or an Office document)",
    "svg": "an SVG drawing",
    "html": "a web page (HTML/XML)",
    "unknown": "not an image we can read",
}


def _sniff(data: bytes) -> str:
    """Name what a refused file really is, from its first bytes, for the error message."""
    head = data[:512]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith(b"8BPS"):
        return "psd"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"BM"):
        return "bmp"
    if head[4:8] == b"ftyp":
        return "heic"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if stripped.startswith(b"<"):
        return "svg" if b"<svg" in data[:4096].lower() else "html"
    return "unknown"


def _rejected_type(data: bytes) -> UploadRejected:
    kind = _sniff(data)
    return UploadRejected(
        f"This file is {FILE_KINDS[kind]}, whatever its name says; only PNG, JPEG and WebP "
        "images are accepted — export it as PNG or JPEG and upload it again.",
        422,
        reason="wrong_type",
        params={"what": kind},
    )


def _damaged() -> UploadRejected:
    return UploadRejected(
        "This image is damaged or incomplete (it may have been cut off during the upload); "
        "open it in an image editor, save it again and upload the new file.",
        422,
        reason="damaged",
    )


def _too_many_pixels(width: int, height: int, max_pixels: int) -> UploadRejected:
    limit = f"{max_pixels / 1e6:g}"
    advice = "resize it (3840 × 2160 is plenty for any screen) and upload it again."
    if not width:
        return UploadRejected(
            f"This image is far too large; the limit is {limit} megapixels — {advice}",
            422,
            reason="far_too_many_pixels",
            params={"limit": limit},
        )
    megapixels = f"{width * height / 1e6:.0f}"
    return UploadRejected(
        f"This image is {width} × {height} pixels ({megapixels} megapixels); the limit is "
        f"{limit} megapixels — {advice}",
        422,
        reason="too_many_pixels",
        params={
            "width": str(width),
            "height": str(height),
            "megapixels": megapixels,
            "limit": limit,
        },
    )


def _open(data: bytes) -> Image.Image:
    """Open (header only) with the accepted decoders; refuse anything else by its content."""
    try:
        return Image.open(BytesIO(data), formats=list(ACCEPTED_FORMATS))
    except UnidentifiedImageError:
        raise _rejected_type(data) from None


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """Width and height from a JPEG's first start-of-frame marker."""
    pos = 2
    while pos + 9 <= len(data):
        if data[pos] != 0xFF:
            return (0, 0)
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            pos += 2
            continue
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return (width, height)
        pos += 2 + struct.unpack(">H", data[pos + 2 : pos + 4])[0]
    return (0, 0)


def _webp_size(data: bytes) -> tuple[int, int]:
    """Width and height from a WebP's first VP8X, VP8L or VP8 chunk."""
    pos = 12
    while pos + 8 <= len(data):
        kind, length = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        body = data[pos + 8 : pos + 8 + min(length, 16)]
        if kind == b"VP8X" and len(body) >= 10:
            return (
                int.from_bytes(body[4:7], "little") + 1,
                int.from_bytes(body[7:10], "little") + 1,
            )
        if kind == b"VP8L" and len(body) >= 5 and body[0] == 0x2F:
            bits = int.from_bytes(body[1:5], "little")
            return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        if kind == b"VP8 " and len(body) >= 10 and body[3:6] == b"\x9d\x01\x2a":
            width, height = struct.unpack("<HH", body[6:10])
            return (width & 0x3FFF, height & 0x3FFF)
        pos += 8 + length + (length & 1)
    return (0, 0)


def _header_size(data: bytes) -> tuple[int, int]:
    """Width and height from the header bytes alone, read here (Pillow's own reader refuses a
    bomb before it tells the size), for the message; (0, 0) if they cannot be read."""
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
            width, height = struct.unpack(">II", data[16:24])
            return (width, height)
        if data.startswith(b"\xff\xd8"):
            return _jpeg_size(data)
        if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
            return _webp_size(data)
    except (struct.error, IndexError):
        pass
    return (0, 0)


def _has_alpha(im: Image.Image) -> bool:
    return im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in im.info


def _to_srgb(im: Image.Image, icc: bytes, target: str) -> Image.Image | None:
    """Convert pixels from their embedded ICC profile to sRGB; None if that cannot be done."""
    if ImageCms is None:
        return None
    try:
        source = ImageCms.ImageCmsProfile(BytesIO(icc))
        srgb = ImageCms.createProfile("sRGB")
        return ImageCms.profileToProfile(im, source, srgb, outputMode=target)
    except (ImageCms.PyCMSError, *_DECODE_ERRORS):
        return None


_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _upright(im: Image.Image) -> Image.Image:
    """Apply the EXIF orientation, read alone; a broken EXIF block leaves the picture as stored.

    Not `ImageOps.exif_transpose`: it also re-writes the EXIF block, which raises on a damaged
    one (AttributeError, TypeError, ...), and every metadata block is dropped here anyway."""
    try:
        orientation = im.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # any damage to metadata we drop: keep the picture as stored
        return im
    method = _ORIENTATION.get(orientation) if isinstance(orientation, int) else None
    return im if method is None else im.transpose(method)


def _normalise(im: Image.Image) -> Image.Image:
    """Bring any decoded mode to sRGB "RGB" or "RGBA", applying an ICC profile if present."""
    icc = im.info.get("icc_profile")
    target = "RGBA" if _has_alpha(im) else "RGB"
    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        im = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")  # 16 bit -> 8 bit
    if im.mode in ("1", "P", "PA", "LA", "La", "RGBa"):
        im = im.convert(target)
    if icc:
        converted = _to_srgb(im, icc, target)
        if converted is not None:
            im = converted
    if im.mode != target:
        im = im.convert(target)
    if target == "RGBA" and im.getchannel("A").getextrema() == (255, 255):
        im = im.convert("RGB")  # an alpha channel that is opaque everywhere is just weight
    return im


def _encode(im: Image.Image, fmt: str) -> bytes:
    """Re-encode the pixels alone: the info dict is emptied so no metadata is carried over."""
    im.info = {}
    out = BytesIO()
    if fmt == "JPEG":
        im.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif fmt == "PNG":
        im.save(out, "PNG", optimize=True)
    else:
        im.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    return out.getvalue()


_STRICT_DECODING = threading.Lock()


@contextmanager
def _truncated_files_refused() -> Iterator[None]:
    """Decode with Pillow refusing truncated files, whatever the process set: WeasyPrint, once
    imported (for the PDF reports), sets ImageFile.LOAD_TRUNCATED_IMAGES for everyone, and a
    half-uploaded JPEG would then be stored padded with grey. Uploads take turns here."""
    with _STRICT_DECODING:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def process_upload(
    data: bytes,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ProcessedImage:
    """Check an uploaded file is a sane PNG, JPEG or WebP and return it re-encoded and clean.

    Raises UploadRejected (422 for bad content, 413 for too many bytes).
    """
    if not data:
        raise UploadRejected(
            "The file is empty; choose the image file again and upload it.",
            422,
            reason="empty",
        )
    if len(data) > max_bytes:
        size, limit = f"{len(data) / 1048576:.1f}", f"{max_bytes / 1048576:g}"
        raise UploadRejected(
            f"This file is {size} MB; the limit is {limit} MB — export a smaller image (JPEG at "
            "quality 90 is enough) and upload it again.",
            413,
            reason="too_many_bytes",
            params={"size": size, "limit": limit},
        )
    width = height = 0  # unknown until the header is read
    with _truncated_files_refused(), warnings.catch_warnings():
        # Pillow's own bomb check warns first: make that an error, here only. Other warnings
        # (a corrupt EXIF block, say) are moot: every metadata block is dropped anyway.
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with _open(data) as probe:
                width, height = probe.size
                fmt = probe.format
                if width * height > max_pixels:  # from the header: nothing decoded yet
                    raise _too_many_pixels(width, height, max_pixels)
                probe.verify()
            if fmt not in _OUTPUT:  # pragma: no cover - formats= already guarantees this
                raise _rejected_type(data)
            with _open(data) as im:
                im.load()
                clean = _normalise(_upright(im))
        except UploadRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            width, height = (width, height) if width else _header_size(data)
            raise _too_many_pixels(width, height, max_pixels) from None
        except _DECODE_ERRORS:
            raise _damaged() from None
    if fmt == "JPEG" and clean.mode == "RGBA":  # pragma: no cover - JPEG has no alpha
        clean = clean.convert("RGB")
    encoded = _encode(clean, fmt)
    name, content_type, ext = _OUTPUT[fmt]
    return ProcessedImage(
        data=encoded,
        sha256=hashlib.sha256(encoded).hexdigest(),
        width=clean.width,
        height=clean.height,
        format=name,
        content_type=content_type,
        ext=ext,
    )
