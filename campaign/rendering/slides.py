"""Text slides: a message laid out for one screen, sized to fit, in the campaign's colours."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw

from campaign.domain.model import Campaign, MessageText, Partner
from campaign.rendering.colours import RGB, contrast_ratio, parse_hex
from campaign.rendering.column import (
    Column,
    ColumnSpec,
    Palette,
    Parts,
    fit_column,
)
from campaign.rendering.fonts import FONT_DIR, FontBook
from campaign.rendering.legibility import (
    MIN_CONTRAST,
    MIN_TEXT_SHARE,
    check_legibility,
    min_text_px,
)
from campaign.rendering.qr import qr_image, qr_modules
from campaign.rendering.refusals import SlideDoesNotFit, SlideNotLegible
from campaign.rendering.textfit import (
    Box,
    TextBlock,
    clear_ink_cache,
    make_block,
    wrap,
    wrap_url,
)

__all__ = [
    "SLIDE_LAYOUT_VERSION",
    "SlideCheck",
    "SlideDoesNotFit",
    "SlideNotLegible",
    "SlideResult",
    "TextBox",
    "check_text_slide",
    "render_text_slide",
]

# Bump when a change here or in the fonts changes the pixels of the same inputs, so that
# content hashes (and cached renditions) built from the inputs are made again.
SLIDE_LAYOUT_VERSION = 1

MARGIN_SHARE = 0.05  # safe margin: 5 % of the short side on every edge
MAX_BODY_SHARE = 0.06  # body text never larger than 6 % of the short side
QR_MODULE_SHARE = 1 / 60  # a QR module is at least 1/60 of the short side: scannable at metres
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)


@dataclass(frozen=True)
class TextBox:
    role: str  # "label", "headline", "body", "call_to_action", "hotline", "link", "partners"
    lang: str
    box: Box  # (left, top, right, bottom) around the ink, in pixels
    font_px: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class SlideResult:
    image: bytes  # PNG, RGB
    width: int
    height: int
    safe_box: Box  # nothing is drawn outside it
    boxes: tuple[TextBox, ...]  # top to bottom in the text column, then link and partners
    qr_box: Box | None
    smallest_text_px: int  # font size, pixels per em
    contrast_ratio: float  # the lowest contrast of any text colour on the background

    def boxes_for(self, role: str, lang: str | None = None) -> list[TextBox]:
        return [b for b in self.boxes if b.role == role and (lang is None or b.lang == lang)]


def _ordered(text: MessageText | Parts, campaign: Campaign) -> list[tuple[str, MessageText]]:
    """The languages to show, the campaign's first language first."""
    if isinstance(text, MessageText):
        return [(campaign.languages[0] if campaign.languages else "", text)]
    rank = {lang: i for i, lang in enumerate(campaign.languages)}
    return sorted(text, key=lambda pair: rank.get(pair[0], len(rank)))


def _palette(campaign: Campaign) -> tuple[Palette, float]:
    """Campaign colours; refused if the text colour is not legible on the background."""
    bg, fg, accent = (
        parse_hex(c) for c in (campaign.background, campaign.foreground, campaign.accent)
    )
    ratio = contrast_ratio(fg, bg)
    if ratio < MIN_CONTRAST:
        problems = check_legibility(
            foreground=fg, background=bg, smallest_text_px=1 << 30, screen_height=1
        )
        raise SlideNotLegible(problems[0], problems)
    accent_text = accent if contrast_ratio(accent, bg) >= MIN_CONTRAST else fg
    return Palette(bg, fg, accent, accent_text), min(ratio, contrast_ratio(accent_text, bg))


def _display_link(link: str) -> str:
    for scheme in ("https://", "http://"):
        if link.lower().startswith(scheme):
            link = link[len(scheme) :]
    return link.rstrip("/")


def _footer(
    partners: Sequence[Partner],
    book: FontBook,
    px: int,
    width: int,
    palette: Palette,
    max_lines: int,
) -> TextBlock | None:
    """Partners that appear on slides, named discreetly on a few lines."""
    names = [p.name for p in partners if p.appears_on_slides]
    if not names:
        return None
    font = book.get(px)
    # Keep each name on one line where the column allows; a long name in a narrow column breaks.
    lines = wrap("  ·  ".join(n.replace(" ", "\u00a0") for n in names), font, width)
    if lines is None or len(lines) > max_lines:
        lines = wrap("  ·  ".join(names), font, width)
    if lines is None or len(lines) > max_lines:
        raise SlideDoesNotFit("The partner names do not fit in the footer; shorten them.")
    return make_block(lines, font, role="partners", lang="", fill=palette.fg, leading=1.2)


@lru_cache(maxsize=256)
def _qr_side(link: str) -> int:
    """Modules across the link's QR code: making the symbol costs more than a fit test."""
    return qr_modules(link)


@dataclass(frozen=True)
class _QrPanel:
    link: str
    module: int
    dark: RGB
    caption: TextBlock
    gap: int

    @property
    def side(self) -> int:
        return _qr_side(self.link) * self.module  # what qr_image draws, without drawing it

    @property
    def height(self) -> int:
        return self.side + self.gap + self.caption.height

    @property
    def width(self) -> int:
        return max(self.side, self.caption.width)

    def picture(self) -> Image.Image:
        picture = qr_image(self.link, self.module, dark=self.dark)
        assert picture.size == (self.side, self.side)
        return picture


def _qr_panel(
    link: str, short: int, caption_width: int, book: FontBook, px: int, palette: Palette
) -> _QrPanel:
    """The link's QR code, modules of 1/60 of the short side, with the link beneath."""
    module = max(1, math.ceil(short * QR_MODULE_SHARE))
    font = book.get(px)
    caption_width = max(caption_width, _qr_side(link) * module)
    lines = wrap_url(_display_link(link), font, caption_width)
    if lines is None:  # pragma: no cover - a single character always fits
        raise SlideDoesNotFit("The link cannot be printed; shorten it.")
    caption = make_block(lines, font, role="link", lang="", fill=palette.fg, leading=1.2)
    dark = palette.bg if contrast_ratio(palette.bg, WHITE) >= 7 else BLACK
    return _QrPanel(link, module, dark, caption, round(px * 0.5))


@dataclass(frozen=True)
class _Layout:
    """Every decision about a slide, measured and checked for legibility, but not drawn."""

    palette: Palette
    ratio: float
    safe: Box
    area: Box  # the safe box less the footer: the column and the QR panel go in it
    col: Box
    spec: ColumnSpec
    column: Column
    panel: _QrPanel | None
    footer: TextBlock | None
    blocks: tuple[TextBlock, ...]  # every text block, in the order of SlideResult.boxes


def _lay_out(
    text: MessageText | Parts,
    *,
    width: int,
    height: int,
    campaign: Campaign,
    partners: Sequence[Partner],
    link: str,
    lang_labels: Mapping[str, str] | None,
    font_dir: Path,
    min_text_share: float,
    final: bool,
) -> _Layout:
    """The layout render_text_slide draws; `final` evens out the lines of the column."""
    parts = _ordered(text, campaign)
    fields = [f for _, t in parts for f in (t.headline, t.body, t.call_to_action, t.hotline)]
    if not any(f.strip() for f in fields):
        raise ValueError("A slide needs some text: the message has none.")
    palette, ratio = _palette(campaign)
    book = FontBook(font_dir)
    short = min(width, height)
    margin = round(short * MARGIN_SHARE)
    safe = (margin, margin, width - margin, height - margin)
    left, top, right, bottom = safe
    min_px = min_text_px(height, min_text_share)
    landscape = width >= height

    # A portrait column is narrow: the same names need twice the lines.
    footer_lines = 2 if width >= height else 6
    footer = _footer(partners, book, min_px, right - left, palette, footer_lines)
    if footer is not None:
        bottom -= footer.height + round(margin * 0.6)
    col = (left, top, right, bottom)
    panel = None
    if link:
        panel = _qr_panel(link, short, 0 if landscape else right - left, book, min_px, palette)
        if landscape:
            col = (left, top, right - panel.width - margin, bottom)
            room = col[2] - col[0] >= 0.4 * (right - left) and panel.height <= bottom - top
        else:
            col = (left, top, right, bottom - panel.height - margin)
            room = col[3] - col[1] >= 0.35 * (bottom - top)
        if not room:
            raise SlideDoesNotFit(
                "The link is too long for a QR code that can be scanned from a few metres; "
                "use a shorter link."
            )

    labels = dict(lang_labels or {}) if len(parts) > 1 else {}  # labels only when bilingual
    spec = ColumnSpec(parts, col[2] - col[0], col[3] - col[1], book, palette, labels, min_px)
    max_px = max(min_px, round(short * MAX_BODY_SHARE))
    column = fit_column(spec, max_px, (width, height), final=final)
    blocks = [item for _, item in column.items if isinstance(item, TextBlock)]
    blocks += [b for b in (panel and panel.caption, footer) if b is not None]
    problems = check_legibility(
        foreground=palette.fg,
        background=palette.bg,
        smallest_text_px=min(b.font_px for b in blocks),
        screen_height=height,
        min_text_share=min_text_share,
    )
    if problems:  # pragma: no cover - the layout above enforces every rule
        raise SlideNotLegible(problems[0], problems)
    area = (left, top, right, bottom)
    return _Layout(palette, ratio, safe, area, col, spec, column, panel, footer, tuple(blocks))


def render_text_slide(
    text: MessageText | Parts,
    *,
    width: int,
    height: int,
    campaign: Campaign,
    partners: Sequence[Partner] = (),
    link: str = "",
    lang_labels: Mapping[str, str] | None = None,
    font_dir: Path = FONT_DIR,
    min_text_share: float = MIN_TEXT_SHARE,
) -> SlideResult:
    """Draw a message (or several languages of it, stacked) as a PNG slide for one screen.

    Text is wrapped and sized to the largest size that fits inside the safe margin; the
    campaign's first language comes first, with `lang_labels` naming each language. A link
    adds a QR code with the link beneath it; partners that appear on slides are named in a
    footer. Same arguments, same bytes.
    Raises SlideDoesNotFit if the text cannot fit at the smallest legible size, and
    SlideNotLegible if the campaign colours do not contrast enough.
    """
    layout = _lay_out(
        text,
        width=width,
        height=height,
        campaign=campaign,
        partners=partners,
        link=link,
        lang_labels=lang_labels,
        font_dir=font_dir,
        min_text_share=min_text_share,
        final=True,
    )
    column, panel, footer, col = layout.column, layout.panel, layout.footer, layout.col
    left, top, right, bottom = layout.area
    image = Image.new("RGB", (width, height), layout.palette.bg)
    draw = ImageDraw.Draw(image)
    drawn = column.draw(draw, col[0], col[1] + (layout.spec.height - column.height) // 2)
    qr_box = None
    if panel is not None:
        picture = panel.picture()
        panel_w = panel.width
        if width >= height:
            px, py = right - panel_w, top + (bottom - top - panel.height) // 2
        else:
            px, py = left + (right - left - panel_w) // 2, bottom - panel.height
        qx = px + (panel_w - picture.width) // 2
        image.paste(picture, (qx, py))
        qr_box = (qx, py, qx + picture.width, py + picture.height)
        cx = px + (panel_w - panel.caption.width) // 2
        cy = qr_box[3] + panel.gap
        drawn.append((panel.caption, panel.caption.draw(draw, cx, cy, align="center")))
    if footer is not None:
        drawn.append((footer, footer.draw(draw, left, layout.safe[3] - footer.height)))

    boxes = tuple(TextBox(b.role, b.lang, box, b.font_px, b.lines) for b, box in drawn)
    smallest = min(b.font_px for b in boxes)
    out = BytesIO()
    image.save(out, "PNG", compress_level=6)
    return SlideResult(
        out.getvalue(), width, height, layout.safe, boxes, qr_box, smallest, round(layout.ratio, 2)
    )


@dataclass(frozen=True)
class SlideCheck:
    """What render_text_slide would decide for the same arguments, found without drawing."""

    width: int
    height: int
    body_px: int  # body size of the column: the largest that fits
    font_px: tuple[tuple[str, str, int], ...]  # (role, lang, size) in SlideResult.boxes order
    smallest_text_px: int
    contrast_ratio: float


def check_text_slide(
    text: MessageText | Parts,
    *,
    width: int,
    height: int,
    campaign: Campaign,
    partners: Sequence[Partner] = (),
    link: str = "",
    lang_labels: Mapping[str, str] | None = None,
    font_dir: Path = FONT_DIR,
    min_text_share: float = MIN_TEXT_SHARE,
) -> SlideCheck:
    """Whether render_text_slide can draw this slide, at a fraction of the cost: the same
    layout search, sizes and exceptions (same sentences), but nothing drawn or encoded.

    Only the final evening-out of line lengths is skipped: it keeps the sizes (and falls
    back to the plain lines when it would not fit), so it cannot change the verdict.
    """
    layout = _lay_out(
        text,
        width=width,
        height=height,
        campaign=campaign,
        partners=partners,
        link=link,
        lang_labels=lang_labels,
        font_dir=font_dir,
        min_text_share=min_text_share,
        final=False,
    )
    sizes = tuple((b.role, b.lang, b.font_px) for b in layout.blocks)
    smallest = min(px for _, _, px in sizes)
    return SlideCheck(width, height, layout.column.body_px, sizes, smallest, round(layout.ratio, 2))


def clear_caches() -> None:
    """Forget remembered text measurements and QR sizes (benchmarks time cold checks)."""
    clear_ink_cache()
    _qr_side.cache_clear()
