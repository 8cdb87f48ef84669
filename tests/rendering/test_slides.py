"""Text slides, checked on the pixels: inside the safe margin, legible, ordered, reproducible."""

from __future__ import annotations

import math
from dataclasses import replace
from io import BytesIO

import pytest
from PIL import Image, ImageChops, ImageDraw

from campaign.domain.model import Campaign, MessageText
from campaign.rendering.fonts import FontBook
from campaign.rendering.legibility import measure_contrast, min_text_px
from campaign.rendering.qr import qr_image, qr_modules
from campaign.rendering.samples import SAMPLE_LONG_SPANISH
from campaign.rendering.slides import (
    SlideDoesNotFit,
    SlideNotLegible,
    SlideResult,
    render_text_slide,
)

SIZES = [(1920, 1080), (1080, 1920)]
LINK = "https://example.org/trata"
BLUE = (11, 61, 145)


def pixels(result: SlideResult) -> Image.Image:
    im = Image.open(BytesIO(result.image))
    assert im.format == "PNG"
    im.load()
    return im


def ink_bbox(im: Image.Image, background) -> tuple[int, int, int, int] | None:
    """Bounding box of every pixel that is not the background colour."""
    return ImageChops.difference(im, Image.new("RGB", im.size, background)).getbbox()


def inside(inner, outer) -> bool:
    return (
        inner[0] >= outer[0]
        and inner[1] >= outer[1]
        and inner[2] <= outer[2]
        and inner[3] <= outer[3]
    )


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.fixture(params=SIZES, ids=["landscape", "portrait"])
def slide(request, spanish, campaign, partners) -> SlideResult:
    width, height = request.param
    return render_text_slide(
        spanish, width=width, height=height, campaign=campaign, partners=partners, link=LINK
    )


def test_size_and_mode(slide: SlideResult):
    im = pixels(slide)
    assert im.mode == "RGB"
    assert im.size == (slide.width, slide.height)


def test_nothing_is_drawn_outside_the_safe_margin(slide: SlideResult):
    im = pixels(slide)
    margin = round(0.05 * min(im.size))
    assert slide.safe_box == (margin, margin, im.width - margin, im.height - margin)
    drawn = ink_bbox(im, BLUE)
    assert drawn is not None
    assert inside(drawn, slide.safe_box)


def test_every_text_box_holds_its_ink_and_none_overlap(slide: SlideResult):
    im = pixels(slide)
    boxes = [b.box for b in slide.boxes] + [slide.qr_box]
    for a in boxes:
        assert inside(a, slide.safe_box)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not overlap(a, b), (a, b)
    for text in slide.boxes:
        region = im.crop(text.box)
        drawn = ink_bbox(region, BLUE)
        assert drawn is not None, text.role
        # the ink fills the box across (to within a side bearing): the box is the real one
        slack = max(2, text.font_px // 10)
        assert drawn[0] <= slack and drawn[2] >= region.width - slack, text.role


def test_contrast_measured_on_the_image(slide: SlideResult):
    im = pixels(slide)
    assert slide.contrast_ratio >= 4.5
    for role in ("headline", "body", "call_to_action", "hotline", "partners"):
        (box,) = slide.boxes_for(role)
        assert measure_contrast(im, box.box, BLUE) >= 4.5, role


def test_smallest_text_is_legible(slide: SlideResult):
    smallest = min_text_px(slide.height)
    assert smallest == math.ceil(0.025 * slide.height)
    assert slide.smallest_text_px >= smallest
    assert all(b.font_px >= smallest for b in slide.boxes)
    (headline,) = slide.boxes_for("headline")
    (body,) = slide.boxes_for("body")
    (hotline,) = slide.boxes_for("hotline")
    assert headline.font_px > hotline.font_px > body.font_px  # a clear hierarchy


def test_hotline_is_drawn_in_the_accent_colour(slide: SlideResult):
    im = pixels(slide)
    (hotline,) = slide.boxes_for("hotline")
    colours = im.crop(hotline.box).getcolors(1 << 20)
    assert (255, 199, 44) in {rgb for _, rgb in colours}


def test_qr_code_is_big_enough_and_the_link_is_printed_beneath(slide: SlideResult):
    im = pixels(slide)
    qx0, _, qx1, qy1 = slide.qr_box
    module = (qx1 - qx0) // qr_modules(LINK)
    assert module >= min(slide.width, slide.height) / 60
    expected = qr_image(LINK, module, dark=BLUE)
    assert ImageChops.difference(im.crop(slide.qr_box), expected).getbbox() is None
    (link,) = slide.boxes_for("link")
    assert link.lines == ("example.org/trata",)
    assert link.box[1] > qy1


def test_only_partners_that_appear_on_slides_are_named(slide: SlideResult):
    (footer,) = slide.boxes_for("partners")
    assert "OIM\u00a0Perú" in " ".join(footer.lines)
    assert "Discreto" not in " ".join(footer.lines)
    assert footer.box[3] == max(b.box[3] for b in slide.boxes)  # at the bottom


def test_same_input_same_bytes(spanish, campaign, partners):
    def draw() -> bytes:
        return render_text_slide(
            spanish, width=1366, height=768, campaign=campaign, partners=partners, link=LINK
        ).image

    assert draw() == draw()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_bilingual_slide_puts_the_campaign_first_language_first(
    width, height, spanish, english, campaign
):
    short = [
        ("en", replace(english, body="Trafficking starts with a promise.")),
        ("es", replace(spanish, body="La trata empieza con una promesa.")),
    ]
    result = render_text_slide(
        short,
        width=width,
        height=height,
        campaign=campaign,
        lang_labels={"es": "Español", "en": "English"},
    )
    spanish_boxes = [b.box for b in result.boxes if b.lang == "es"]
    english_boxes = [b.box for b in result.boxes if b.lang == "en"]
    assert len(spanish_boxes) == len(english_boxes) == 5  # label, headline, body, cta, hotline
    assert max(b[3] for b in spanish_boxes) < min(b[1] for b in english_boxes)
    assert result.boxes_for("label", "es")[0].lines == ("Español",)
    im = pixels(result)
    assert inside(ink_bbox(im, BLUE), result.safe_box)
    # a rule in the accent colour runs between the two languages
    gap_top = max(b[3] for b in spanish_boxes)
    gap_bottom = min(b[1] for b in english_boxes)
    between = im.crop((result.safe_box[0], gap_top, result.safe_box[2], gap_bottom))
    assert (255, 199, 44) in {rgb for _, rgb in between.getcolors(1 << 20)}

    english_first = replace(campaign, languages=("en", "es"))
    flipped = render_text_slide(short, width=width, height=height, campaign=english_first)
    assert flipped.boxes[1].lang == "en"


def test_bilingual_full_texts_fit_landscape(spanish, english, campaign, partners):
    result = render_text_slide(
        [("es", spanish), ("en", english)],
        width=1920,
        height=1080,
        campaign=campaign,
        partners=partners,
        link=LINK,
    )
    assert result.smallest_text_px >= 27
    assert inside(ink_bbox(pixels(result), BLUE), result.safe_box)


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1366, 768), (1080, 1920)])
def test_long_spanish_text_fits_with_smaller_type(width, height, campaign):
    result = render_text_slide(SAMPLE_LONG_SPANISH, width=width, height=height, campaign=campaign)
    assert result.smallest_text_px >= min_text_px(height)
    assert inside(ink_bbox(pixels(result), BLUE), result.safe_box)
    words = " ".join(line for b in result.boxes for line in b.lines).split()
    assert len(words) == SAMPLE_LONG_SPANISH.words()  # nothing cut


def test_text_too_long_for_any_legible_size_raises(spanish, campaign):
    endless = replace(spanish, body=" ".join([spanish.body] * 30))
    with pytest.raises(SlideDoesNotFit) as info:
        render_text_slide(endless, width=1920, height=1080, campaign=campaign)
    assert "27 px" in info.value.message
    assert "shorten it by about" in info.value.message


def test_a_word_wider_than_the_screen_raises(spanish, campaign):
    huge = replace(spanish, headline="Anti" + "trata" * 30)
    with pytest.raises(SlideDoesNotFit, match="word is too long"):
        render_text_slide(huge, width=1366, height=768, campaign=campaign)


def test_low_contrast_colours_are_refused(spanish, campaign):
    grey = replace(campaign, background="#808080", foreground="#999999")
    with pytest.raises(SlideNotLegible) as info:
        render_text_slide(spanish, width=1920, height=1080, campaign=grey)
    assert "contrast" in info.value.message


def test_an_illegible_accent_falls_back_to_the_foreground_for_text(spanish, campaign):
    dull = replace(campaign, accent="#1A4AA0")  # too close to the blue background for text
    result = render_text_slide(spanish, width=1920, height=1080, campaign=dull)
    im = pixels(result)
    (hotline,) = result.boxes_for("hotline")
    assert measure_contrast(im, hotline.box, BLUE) >= 4.5
    assert result.contrast_ratio >= 4.5


def glyph(font, ch: str) -> bytes:
    im = Image.new("L", (120, 120))
    ImageDraw.Draw(im).text((20, 20), ch, font=font, fill=255)
    return im.tobytes()


@pytest.mark.parametrize("bold", [False, True])
def test_spanish_characters_all_have_glyphs(bold):
    font = FontBook().get(60, bold=bold)
    missing = glyph(font, "\uffff")  # a non-character: the "no glyph" box
    for ch in "áéíóúüñÁÉÍÓÚÜÑ¿¡“”«»–—€":
        drawn = glyph(font, ch)
        assert drawn != missing, ch
        assert any(drawn), ch


def test_a_long_link_wraps_beneath_the_qr_code(spanish, campaign):
    link = "https://example.org/campanas/peru-unido/aeropuertos/lima?lang=es"
    result = render_text_slide(spanish, width=1920, height=1080, campaign=campaign, link=link)
    (caption,) = result.boxes_for("link")
    assert len(caption.lines) >= 2
    assert "".join(caption.lines) == link.removeprefix("https://")
    assert caption.box[2] - caption.box[0] <= result.qr_box[2] - result.qr_box[0]


def test_message_text_only_slide_without_extras(campaign):
    result = render_text_slide(
        MessageText(headline="Hola", body="Texto breve."),
        width=800,
        height=600,
        campaign=Campaign(slug="x", names={}, languages=("es",)),
    )
    assert [b.role for b in result.boxes] == ["headline", "body"]
    assert result.qr_box is None


def test_a_message_without_any_text_is_refused(campaign):
    with pytest.raises(ValueError, match="needs some text"):
        render_text_slide(MessageText(" ", ""), width=800, height=600, campaign=campaign)
    with pytest.raises(ValueError, match="needs some text"):
        render_text_slide([], width=800, height=600, campaign=campaign)
