"""A message's text stacked in a column, with the largest type at which the column still fits."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from PIL import ImageDraw

from campaign.domain.model import MessageText
from campaign.rendering.colours import RGB
from campaign.rendering.fonts import FontBook
from campaign.rendering.refusals import SlideDoesNotFit
from campaign.rendering.textfit import Box, TextBlock, make_block, wrap, wrap_even

# role: (size in body sizes, size when space is short, bold, line height in em, accent colour)
STYLES: dict[str, tuple[float, float, bool, float, bool]] = {
    "label": (0.6, 0.6, True, 1.2, True),
    "headline": (1.75, 1.25, True, 1.12, False),
    "body": (1.0, 1.0, False, 1.3, False),
    "call_to_action": (1.1, 1.0, True, 1.25, False),
    "hotline": (1.5, 1.2, True, 1.15, True),
}
ROLES = tuple(STYLES)
# space above a block, in body sizes, after the block before it (or after a bar or rule)
GAP_AFTER = {
    "bar": 0.7,
    "rule": 0.9,
    "label": 0.35,
    "headline": 0.55,
    "body": 0.6,
    "call_to_action": 0.35,
    "hotline": 0.6,
}
EMPHASIS_STEPS = 8  # how finely headline and hotline shrink once the body is at its smallest

Parts = Sequence[tuple[str, MessageText]]


@dataclass(frozen=True)
class Palette:
    bg: RGB
    fg: RGB
    accent: RGB  # for the bar and the rules between languages
    accent_text: RGB  # the accent if it is legible as text, else the foreground


@dataclass(frozen=True)
class Rule:
    """A filled bar: the accent bar on top, or the rule between two languages."""

    width: int
    height: int
    fill: RGB

    def draw(self, draw: ImageDraw.ImageDraw, x: int, y: int) -> None:
        draw.rectangle((x, y, x + self.width - 1, y + self.height - 1), fill=self.fill)


@dataclass(frozen=True)
class Column:
    """What to draw, top to bottom, as (space above, item)."""

    items: tuple[tuple[int, TextBlock | Rule], ...]
    body_px: int

    @property
    def height(self) -> int:
        return sum(gap + item.height for gap, item in self.items)

    def draw(self, draw: ImageDraw.ImageDraw, x: int, y: int) -> list[tuple[TextBlock, Box]]:
        """Draw from (x, y); returns each text block with the box of its ink."""
        drawn: list[tuple[TextBlock, Box]] = []
        for gap, item in self.items:
            y += gap
            if isinstance(item, Rule):
                item.draw(draw, x, y)
            else:
                drawn.append((item, item.draw(draw, x, y)))
            y += item.height
        return drawn


@dataclass(frozen=True)
class ColumnSpec:
    """Everything that stays the same while the type size is searched."""

    parts: Parts
    width: int
    height: int
    book: FontBook
    palette: Palette
    labels: Mapping[str, str]
    min_px: int

    def build(self, body_px: int, emphasis: float = 1.0, *, final: bool = False) -> Column | None:
        """The column at this body size; None if a word is wider than the column.

        `final` evens out the line lengths (same line count, so the same height).
        """
        return self._layout(body_px, emphasis, final, None)

    def fits(self, body_px: int, emphasis: float = 1.0) -> bool:
        """Whether the column at this size fits: build()'s answer, but it stops measuring
        as soon as the column is sure to be too tall (most sizes a search tries are)."""
        column = self._layout(body_px, emphasis, False, self.height)
        return column is not None and column.height <= self.height

    def _layout(
        self, body_px: int, emphasis: float, final: bool, limit: int | None
    ) -> Column | None:
        """The column, or None if a word is too wide or (with `limit`) it is taller than that.

        Every item adds a height and a gap that are never negative, and a block of n lines is
        at least ascent + (n - 1) line heights + descent tall: so once the items so far, or
        a lower bound of the next block, pass `limit`, the whole column would too.
        """
        items: list[tuple[int, TextBlock | Rule]] = []
        used = 0

        def add(gap: int, item: TextBlock | Rule) -> bool:
            nonlocal used
            items.append((gap, item))
            used += gap + item.height
            return limit is None or used <= limit

        if not add(
            0, Rule(round(body_px * 2.2), max(4, round(body_px * 0.14)), self.palette.accent)
        ):
            return None
        previous = "bar"
        for index, (lang, text) in enumerate(self.parts):
            if index:
                rule = Rule(self.width, max(3, round(body_px * 0.1)), self.palette.accent)
                if not add(round(body_px * 0.9), rule):
                    return None
                previous = "rule"
            fields = (
                self.labels.get(lang, ""),
                text.headline,
                text.body,
                text.call_to_action,
                text.hotline,
            )
            for role, words in zip(ROLES, fields, strict=True):
                if not words.strip():
                    continue
                gap = round(body_px * GAP_AFTER[previous])
                room = None if limit is None else limit - used - gap
                block = self._block(role, lang, words, body_px, emphasis, final, room)
                if block is None or not add(gap, block):
                    return None
                previous = role
        return Column(tuple(items), body_px)

    def _block(
        self,
        role: str,
        lang: str,
        words: str,
        body_px: int,
        emphasis: float,
        final: bool,
        room: int | None = None,
    ) -> TextBlock | None:
        """The block of one role; None if a word is too wide or it cannot be `room` tall."""
        full, floor, bold, leading, accent = STYLES[role]
        px = max(self.min_px, round(body_px * (floor + (full - floor) * emphasis)))
        font = self.book.get(px, bold=bold)
        max_lines = None
        if room is not None:
            ascent, descent = font.getmetrics()
            if room < ascent + descent:
                return None
            max_lines = (room - ascent - descent) // round(px * leading) + 1
        if final:
            lines = wrap_even(words, font, self.width, balance=role == "headline")
        else:
            lines = wrap(words, font, self.width, max_lines=max_lines)
        if lines is None or (max_lines is not None and len(lines) > max_lines):
            return None
        fill = self.palette.accent_text if accent else self.palette.fg
        return make_block(lines, font, role=role, lang=lang, fill=fill, leading=leading)


def _largest(lo: int, hi: int, ok: Callable[[int], bool]) -> int:
    """Largest n in [lo, hi] with ok(n), given ok(lo) and ok falling from true to false."""
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if ok(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def fit_column(
    spec: ColumnSpec, max_px: int, screen: tuple[int, int], *, final: bool = True
) -> Column:
    """The column at the largest body size that fits (binary search from the minimum).

    If even the smallest body size does not fit, the headline and hotline give up some of
    their extra size; if that is not enough, SlideDoesNotFit says how much to cut.
    Without `final` the lines are not evened out: the sizes and the verdict are the same,
    the line breaks may differ, for checks that draw nothing.
    """
    if spec.fits(spec.min_px):
        px, emphasis = _largest(spec.min_px, max(spec.min_px, max_px), spec.fits), 1.0
    elif spec.fits(spec.min_px, 0.0):
        step = _largest(0, EMPHASIS_STEPS - 1, lambda n: spec.fits(spec.min_px, n / EMPHASIS_STEPS))
        px, emphasis = spec.min_px, step / EMPHASIS_STEPS
    else:
        raise _does_not_fit(spec, spec.build(spec.min_px, 0.0), screen)
    if final:
        even = spec.build(px, emphasis, final=True)
        if even is not None and even.height <= spec.height:
            return even
    greedy = spec.build(px, emphasis)  # evening out changed an ink box: keep what was measured
    assert greedy is not None
    return greedy


def _does_not_fit(
    spec: ColumnSpec, smallest: Column | None, screen: tuple[int, int]
) -> SlideDoesNotFit:
    w, h = screen
    if smallest is None:
        return SlideDoesNotFit(
            f"A word is too long to fit a {w} × {h} screen at the smallest legible size "
            f"({spec.min_px} px); shorten it or split it with a space."
        )
    words = sum(text.words() for _, text in spec.parts)
    needed = smallest.height
    cut = max(1, math.ceil(words * (1 - spec.height / needed)))
    return SlideDoesNotFit(
        f"The text does not fit a {w} × {h} screen even at the smallest legible size "
        f"({spec.min_px} px): it needs {needed} px of height and has {spec.height}; "
        f"shorten it by about {cut} of its {words} words."
    )
