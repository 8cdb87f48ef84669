"""Upload validation: hostile files refused with the right status, good files re-encoded clean."""

from __future__ import annotations

import hashlib
from io import BytesIO
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageCms, ImageFile

from campaign.rendering.uploads import ProcessedImage, UploadRejected, process_upload

from . import hostile


def rejected(data: bytes, **kwargs) -> UploadRejected:
    with pytest.raises(UploadRejected) as info:
        process_upload(data, **kwargs)
    err = info.value
    assert err.message == str(err)
    assert err.message.endswith(".")  # one full sentence a person can act on
    return err


def reopen(result: ProcessedImage) -> Image.Image:
    im = Image.open(BytesIO(result.data))
    im.load()
    return im


# --- refused ----------------------------------------------------------------------------------


def test_png_bomb_of_20000_squared_is_a_few_kilobytes_and_refused_422():
    bomb = hostile.png_bomb(20_000, 20_000)
    assert len(bomb) < 100_000
    err = rejected(bomb)
    assert err.status == 422
    assert "megapixels" in err.message


def test_12000_squared_image_is_refused_422():
    err = rejected(hostile.png_bomb(12_000, 12_000))
    assert err.status == 422
    assert "12000 × 12000" in err.message


def test_our_pixel_limit_is_checked_from_the_header_before_decoding(monkeypatch):
    """7000 × 7000 is under Pillow's bomb threshold but over ours: refused, nothing decoded."""
    assert Image.MAX_IMAGE_PIXELS > 7000 * 7000
    loads = []
    original = ImageFile.ImageFile.load

    def spy(self):
        loads.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    err = rejected(hostile.png_bomb(7000, 7000))
    assert err.status == 422
    assert "40 megapixels" in err.message
    assert loads == []


def test_the_pixel_limit_is_a_parameter():
    assert rejected(hostile.jpeg(600, 400), max_pixels=100_000).status == 422
    assert process_upload(hostile.jpeg(600, 400), max_pixels=240_000).width == 600


def test_pillow_global_limit_is_left_alone():
    before = Image.MAX_IMAGE_PIXELS
    rejected(hostile.png_bomb(12_000, 12_000))
    assert before == Image.MAX_IMAGE_PIXELS


def test_too_many_bytes_is_413():
    err = rejected(hostile.jpeg(), max_bytes=1000)
    assert err.status == 413
    assert "MB" in err.message


def test_empty_file_is_422():
    err = rejected(b"")
    assert err.status == 422
    assert "empty" in err.message


def test_truncated_jpeg_is_422():
    err = rejected(hostile.truncated_jpeg())
    assert err.status == 422
    assert "damaged or incomplete" in err.message


def test_truncated_jpeg_is_422_after_the_pdf_library_is_loaded(monkeypatch):
    # WeasyPrint sets this for the whole process when the PDF reports import it.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    err = rejected(hostile.truncated_jpeg())
    assert err.status == 422
    assert "damaged or incomplete" in err.message
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # left as the process had it


def test_png_text_chunk_bomb_is_422():
    bomb = hostile.png_text_bomb()
    assert len(bomb) < 20_000
    assert rejected(bomb).status == 422


def test_png_with_a_broken_checksum_is_422():
    assert rejected(hostile.corrupt_png()).status == 422


@pytest.mark.parametrize(
    ("name", "make", "says"),
    [
        ("page.png", lambda: hostile.HTML, "web page"),
        ("drawing.png", lambda: hostile.SVG, "SVG"),
        ("polyglot.png", lambda: hostile.GIF_JS_POLYGLOT, "GIF"),
        ("anim.jpg", hostile.gif, "GIF"),
        ("scan.png", hostile.tiff, "TIFF"),
        ("poster.jpg", hostile.psd_header, "Photoshop"),
        ("notes.webp", lambda: b"just some text, not an image", "not an image"),
    ],
)
def test_wrong_types_are_refused_whatever_the_name(tmp_path: Path, name, make, says):
    path = tmp_path / name
    path.write_bytes(make())
    err = rejected(path.read_bytes())
    assert err.status == 422
    assert says in err.message
    assert "PNG, JPEG and WebP" in err.message


# --- accepted and cleaned ---------------------------------------------------------------------


def test_jpeg_payloads_in_comment_exif_and_xmp_are_stripped():
    original = hostile.jpeg_with_payload()
    assert original.count(b"script") >= 3
    result = process_upload(original)
    assert result.data != original
    assert b"script" not in result.data
    assert b"Exif" not in result.data
    assert b"xmpmeta" not in result.data
    im = reopen(result)
    assert dict(im.getexif()) == {}
    assert im.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert not {"exif", "xmp", "comment", "icc_profile"} & set(im.info)


def test_exif_orientation_is_applied():
    """Stored 400 × 200 with orientation 6 (rotate 90° clockwise): comes out 200 × 400."""
    result = process_upload(hostile.jpeg_with_payload())
    assert (result.width, result.height) == (200, 400)
    im = reopen(result)
    assert im.size == (200, 400)
    top = im.getpixel((100, 50))
    bottom = im.getpixel((100, 350))
    assert top[0] > 200 and top[2] < 60  # the left (red) half is now on top
    assert bottom[2] > 200 and bottom[0] < 60


def test_png_polyglot_is_re_encoded_without_the_script():
    original = hostile.png_with_payload()
    result = process_upload(original)
    assert result.format == "png"
    assert result.data != original
    assert b"script" not in result.data
    assert b"html" not in result.data
    assert b"tEXt" not in result.data


@pytest.mark.parametrize(
    ("fmt", "name", "content_type", "ext"),
    [
        ("JPEG", "jpeg", "image/jpeg", "jpg"),
        ("PNG", "png", "image/png", "png"),
        ("WEBP", "webp", "image/webp", "webp"),
    ],
)
def test_format_is_kept_and_described(fmt, name, content_type, ext):
    result = process_upload(hostile.encode(hostile.photo(), fmt))
    assert (result.format, result.content_type, result.ext) == (name, content_type, ext)
    assert (result.width, result.height) == (600, 400)
    assert result.sha256 == hashlib.sha256(result.data).hexdigest()
    im = reopen(result)
    assert im.format == fmt
    assert im.mode == "RGB"


def test_icc_profile_is_applied_then_dropped():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = hostile.encode(hostile.photo(), "JPEG", quality=95, icc_profile=srgb)
    im = reopen(process_upload(data))
    assert "icc_profile" not in im.info
    before = Image.open(BytesIO(data)).convert("RGB").getpixel((300, 200))
    after = im.getpixel((300, 200))
    assert all(abs(a - b) <= 6 for a, b in zip(before, after, strict=True))


def test_a_broken_icc_profile_is_dropped_not_fatal():
    data = hostile.encode(hostile.photo(), "PNG", icc_profile=b"not a profile at all")
    im = reopen(process_upload(data))
    assert "icc_profile" not in im.info


@pytest.mark.parametrize(
    ("im", "mode"),
    [
        (Image.new("L", (50, 40), 128), "RGB"),
        (Image.new("1", (50, 40), 1), "RGB"),
        (Image.new("I;16", (50, 40), 40_000), "RGB"),
        (Image.new("LA", (50, 40), (10, 100)), "RGBA"),
        (Image.new("RGBA", (50, 40), (10, 20, 30, 255)), "RGB"),  # opaque alpha is dropped
        (Image.new("RGBA", (50, 40), (10, 20, 30, 100)), "RGBA"),
    ],
)
def test_modes_are_normalised_to_rgb_or_rgba(im, mode):
    out = reopen(process_upload(hostile.encode(im, "PNG")))
    assert out.mode == mode


def test_sixteen_bit_grey_keeps_its_brightness():
    out = reopen(process_upload(hostile.encode(Image.new("I;16", (8, 8), 40_000), "PNG")))
    assert out.getpixel((0, 0)) == (156, 156, 156)


def test_palette_with_transparency_becomes_rgba():
    im = Image.new("P", (20, 20), 0)
    im.putpalette([255, 0, 0, 0, 255, 0])
    im.info["transparency"] = 0
    out = reopen(process_upload(hostile.encode(im, "PNG", transparency=0)))
    assert out.mode == "RGBA"
    assert out.getpixel((0, 0))[3] == 0


def test_same_upload_gives_same_bytes():
    data = hostile.jpeg()
    assert process_upload(data).data == process_upload(data).data
