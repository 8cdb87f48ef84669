"""Property tests: whatever the text and screen, a slide fits its safe area or says it cannot."""

from __future__ import annotations

from io import BytesIO

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops

from campaign.domain.model import Campaign, MessageText
from campaign.rendering.fonts import FontBook
from campaign.rendering.slides import SlideDoesNotFit, render_text_slide
from campaign.rendering.textfit import ink_width, wrap, wrap_even

CAMPAIGN = Campaign(slug="p", names={}, languages=("es", "en"))
BLUE = (11, 61, 145)
LETTERS = "abcdefghijklmnñopqrstuvwxyzáéíóúüABCDEFGHIJKLMNÑOPQRSTUVWXYZÁÉÍÓÚ¿?¡!«»“”.,;:–0123456789"
words = st.text(alphabet=LETTERS, min_size=1, max_size=14)
sentences = st.lists(words, min_size=1, max_size=40).map(" ".join)
screens = st.sampled_from([(1920, 1080), (1080, 1920), (1366, 768), (1280, 1024), (768, 1366)])
FONT = FontBook().get(40)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    headline=sentences,
    body=sentences,
    cta=st.one_of(st.just(""), sentences),
    hotline=st.one_of(st.just(""), words),
    screen=screens,
    link=st.sampled_from(["", "https://example.org/trata"]),
)
def test_a_slide_fits_its_safe_area_or_raises(headline, body, cta, hotline, screen, link):
    text = MessageText(headline, body, cta, hotline)
    try:
        result = render_text_slide(
            text, width=screen[0], height=screen[1], campaign=CAMPAIGN, link=link
        )
    except SlideDoesNotFit as exc:
        assert "shorten" in exc.message
        event("does not fit")
        return
    event("fits")
    im = Image.open(BytesIO(result.image)).convert("RGB")
    drawn = ImageChops.difference(im, Image.new("RGB", im.size, BLUE)).getbbox()
    x0, y0, x1, y1 = result.safe_box
    assert drawn is not None
    assert drawn[0] >= x0 and drawn[1] >= y0 and drawn[2] <= x1 and drawn[3] <= y1
    shown = " ".join(line for b in result.boxes if b.role != "link" for line in b.lines).split()
    assert shown == " ".join([headline, body, cta, hotline]).split()  # nothing lost or cut


@settings(max_examples=60, deadline=None)
@given(text=sentences, width=st.integers(min_value=200, max_value=1600))
def test_wrapping_keeps_every_word_and_stays_within_the_width(text, width):
    greedy = wrap(text, FONT, width)
    even = wrap_even(text, FONT, width, balance=True)
    if greedy is None:
        assert even is None
        assert any(ink_width(FONT, w) > width for w in text.split())
        return
    assert even is not None and len(even) == len(greedy)
    for lines in (greedy, even):
        assert " ".join(lines).split() == text.split()
        assert all(ink_width(FONT, line) <= width for line in lines)
