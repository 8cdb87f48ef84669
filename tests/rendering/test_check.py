"""check_text_slide decides what drawing decides, unseen; the fitting shortcuts change nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from campaign.domain.model import Campaign, MessageText, Partner, PartnerRole
from campaign.rendering import textfit
from campaign.rendering.column import ColumnSpec, Palette
from campaign.rendering.fonts import FontBook
from campaign.rendering.slides import (
    SlideDoesNotFit,
    SlideNotLegible,
    check_text_slide,
    clear_caches,
    render_text_slide,
)
from campaign.rendering.textfit import clear_ink_cache, ink, ink_cache_size, wrap

CAMPAIGN = Campaign(slug="p", names={}, languages=("es", "en"))
LABELS = {"es": "ESPAÑOL", "en": "ENGLISH"}
PARTNERS = [
    Partner("oim", "OIM Perú", PartnerRole.AGENCY, appears_on_slides=True),
    Partner("mimp", "Ministerio de la Mujer y Poblaciones Vulnerables", PartnerRole.AGENCY, True),
]
LETTERS = "abcdefghijklmnñopqrstuvwxyzáéíóúüABCDEFGHIJKLMNÑOPQRSTUVWXYZÁÉÍÓÚ¿?¡!«»“”.,;:–0123456789"
WHITE, BLUE = (255, 255, 255), (11, 61, 145)

words = st.text(alphabet=LETTERS, min_size=1, max_size=16)
# From a few words to far more than any screen holds, so both verdicts come up often.
sentences = st.lists(words, min_size=1, max_size=12).map(" ".join)
bodies = st.lists(words, min_size=1, max_size=400).map(" ".join)
texts = st.builds(
    MessageText,
    headline=sentences,
    body=bodies,
    call_to_action=st.one_of(st.just(""), sentences),
    hotline=st.one_of(st.just(""), words),
)
screens = st.sampled_from(
    [(1920, 1080), (1080, 1920), (3840, 2160), (1366, 768), (1280, 1024), (768, 1366), (640, 480)]
)
links = st.sampled_from(["", "https://example.org/trata", "https://www.gob.pe/" + "denuncia/" * 30])


@dataclass(frozen=True)
class Outcome:
    """What a slide call decided: the exception and its sentences, or the sizes it chose."""

    raised: str
    sentences: tuple[str, ...]
    sizes: tuple[tuple[str, str, int], ...] = ()
    smallest: int = 0
    contrast: float = 0.0


def _raised(exc: Exception) -> Outcome:
    return Outcome(type(exc).__name__, (str(exc), *getattr(exc, "problems", ())))


def _drawn(text, screen, **kwargs) -> Outcome:  # type: ignore[no-untyped-def]
    try:
        result = render_text_slide(text, width=screen[0], height=screen[1], **kwargs)
    except (SlideNotLegible, ValueError) as exc:
        return _raised(exc)
    sizes = tuple((b.role, b.lang, b.font_px) for b in result.boxes)
    return Outcome("", (), sizes, result.smallest_text_px, result.contrast_ratio)


def _checked(text, screen, **kwargs) -> Outcome:  # type: ignore[no-untyped-def]
    try:
        check = check_text_slide(text, width=screen[0], height=screen[1], **kwargs)
    except (SlideNotLegible, ValueError) as exc:
        return _raised(exc)
    return Outcome("", (), check.font_px, check.smallest_text_px, check.contrast_ratio)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    first=texts,
    second=st.one_of(st.none(), texts),
    screen=screens,
    link=links,
    partners=st.sampled_from([(), tuple(PARTNERS)]),
    share=st.sampled_from([0.025, 0.02, 0.04]),
    warm=st.booleans(),
)
def test_the_check_decides_what_drawing_decides(first, second, screen, link, partners, share, warm):
    text = first if second is None else [("es", first), ("en", second)]
    kwargs = {
        "campaign": CAMPAIGN,
        "partners": partners,
        "link": link,
        "lang_labels": LABELS,
        "min_text_share": share,
    }
    if not warm:  # the check on its own, as approval runs it, and after a drawing
        clear_caches()
    checked = _checked(text, screen, **kwargs)
    drawn = _drawn(text, screen, **kwargs)
    event(drawn.raised or "drawn")
    assert checked == drawn
    assert _checked(text, screen, **kwargs) == drawn  # and again, from the caches


def test_the_check_reports_the_body_size_the_drawing_uses(spanish, english, campaign):
    pair = [("es", spanish), ("en", english)]
    check = check_text_slide(pair, width=1920, height=1080, campaign=campaign, lang_labels=LABELS)
    slide = render_text_slide(pair, width=1920, height=1080, campaign=campaign, lang_labels=LABELS)
    body = {b.lang: b.font_px for b in slide.boxes if b.role == "body"}
    assert body == {"es": check.body_px, "en": check.body_px}
    assert check.smallest_text_px == slide.smallest_text_px >= 27  # 2.5 % of 1080


def test_the_check_raises_the_drawings_sentences(spanish, campaign):
    endless = MessageText(spanish.headline, " ".join([spanish.body] * 40))
    for call in (check_text_slide, render_text_slide):
        with pytest.raises(SlideDoesNotFit, match=r"shorten it by about \d+ of its \d+ words"):
            call(endless, width=1920, height=1080, campaign=campaign)
    grey = Campaign(slug="g", names={}, background="#777777", foreground="#888888")
    with pytest.raises(SlideNotLegible, match="contrast"):
        check_text_slide(spanish, width=1920, height=1080, campaign=grey)
    with pytest.raises(ValueError, match="needs some text"):
        check_text_slide(MessageText(" ", ""), width=800, height=600, campaign=campaign)


@settings(max_examples=40, deadline=None)
@given(
    body=bodies,
    headline=sentences,
    px=st.integers(min_value=12, max_value=90),
    emphasis=st.sampled_from([0.0, 0.375, 1.0]),
    size=st.tuples(st.integers(300, 2000), st.integers(200, 1200)),
)
def test_fits_stops_early_but_answers_what_a_full_build_does(body, headline, px, emphasis, size):
    palette = Palette(BLUE, WHITE, WHITE, WHITE)
    parts = [("es", MessageText(headline, body, "", "1818")), ("en", MessageText(headline, ""))]
    spec = ColumnSpec(parts, size[0], size[1], FontBook(), palette, LABELS, 12)
    column = spec.build(px, emphasis)
    assert spec.fits(px, emphasis) == (column is not None and column.height <= spec.height)


@settings(max_examples=60, deadline=None)
@given(
    text=st.lists(sentences, min_size=1, max_size=4).map("\n".join),
    width=st.integers(min_value=100, max_value=900),
    max_lines=st.integers(min_value=0, max_value=8),
)
def test_wrap_with_a_line_limit_is_wrap_or_says_too_many(text, width, max_lines):
    font = FontBook().get(30)
    full = wrap(text, font, width)
    limited = wrap(text, font, width, max_lines=max_lines)
    if full is not None and len(full) <= max_lines:
        assert limited == full
    else:  # too many lines (then cut short), or a word too wide: either way no fit
        assert limited is None or len(limited) == max_lines + 1
        assert full is None or len(full) > max_lines


@settings(max_examples=100, deadline=None)
@given(
    text=st.text(alphabet=LETTERS + " ", min_size=0, max_size=60),
    size=st.integers(min_value=6, max_value=140),
    bold=st.booleans(),
)
def test_remembered_measurements_are_freetypes(text, size, bold):
    font = FontBook().get(size, bold=bold)
    expected = tuple(int(v) for v in font.getbbox(text, anchor="ls"))
    assert ink(font, text) == expected
    assert ink(FontBook().get(size, bold=bold), text) == expected  # another book, same entry
    other = FontBook().get(size, bold=not bold)  # same text, other face: its own entry
    assert ink(other, text) == tuple(int(v) for v in other.getbbox(text, anchor="ls"))


def test_the_measurement_cache_is_bounded_and_clearable(monkeypatch):
    clear_ink_cache()
    monkeypatch.setattr(textfit, "INK_CACHE_SIZE", 5)
    font = FontBook().get(20)
    for n in range(12):
        ink(font, "x" * (n + 1))
    assert ink_cache_size() == 5
    assert ink(font, "xxxxxxxxxxxx") == tuple(int(v) for v in font.getbbox("x" * 12, anchor="ls"))
    clear_ink_cache()
    assert ink_cache_size() == 0


def test_fonts_outside_a_book_are_measured_but_not_remembered():
    from io import BytesIO

    from PIL import ImageFont

    from campaign.rendering.fonts import FONT_DIR, REGULAR

    clear_ink_cache()
    loose = ImageFont.truetype(BytesIO((FONT_DIR / REGULAR).read_bytes()), 24)
    assert ink(loose, "Hola") == tuple(int(v) for v in loose.getbbox("Hola", anchor="ls"))
    assert ink_cache_size() == 0
