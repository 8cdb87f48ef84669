"""Word wrapping and measuring of text blocks against a width, from the fonts' real ink boxes."""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from PIL import ImageDraw, ImageFont

from campaign.rendering.colours import RGB

Font = ImageFont.FreeTypeFont
Box = tuple[int, int, int, int]

_SPACES = re.compile(r"[ \t]+")  # not str.split(): a no-break space must keep words together
_URL_PIECES = re.compile(r"[^/.\-?&=_#]*[/.\-?&=_#]?")

# Measuring is the cost of fitting (FreeType loads and hints every glyph of the string each
# time), and fitting measures the same strings again and again: keep the boxes, keyed on the
# font's file and size (fonts.BookFont.measure_key) rather than on a face, so entries outlive
# the per-rendering FontBook and hold no face alive. Plain values: safe to share by threads.
INK_CACHE_SIZE = 32768
_ink_cache: OrderedDict[tuple[object, str], Box] = OrderedDict()
_ink_lock = threading.Lock()


def _measure(font: Font, text: str) -> Box:
    return tuple(int(v) for v in font.getbbox(text, anchor="ls"))  # type: ignore[return-value]


def ink(font: Font, text: str) -> Box:
    """Box of `text` drawn with its baseline-left at (0, 0), from FreeType's glyph metrics.

    Never smaller than the ink (it may include a side bearing), so keeping these boxes inside
    an area keeps every drawn pixel inside it. Remembered for fonts from a FontBook.
    """
    font_key = getattr(font, "measure_key", None)
    if font_key is None:
        return _measure(font, text)
    key = (font_key, text)
    with _ink_lock:
        box = _ink_cache.get(key)
        if box is not None:
            _ink_cache.move_to_end(key)
            return box
    box = _measure(font, text)  # outside the lock: other threads measure meanwhile
    with _ink_lock:
        _ink_cache[key] = box
        if len(_ink_cache) > INK_CACHE_SIZE:
            _ink_cache.popitem(last=False)
    return box


def clear_ink_cache() -> None:
    """Forget every remembered measurement (benchmarks time cold fits with it)."""
    with _ink_lock:
        _ink_cache.clear()


def ink_cache_size() -> int:
    """How many measurements are remembered."""
    return len(_ink_cache)


def ink_width(font: Font, text: str) -> int:
    """Width the text takes when its ink is kept right of the drawing origin."""
    left, _, right, _ = ink(font, text)
    return right - min(0, left)


def _words(paragraph: str) -> list[str]:
    return [w for w in _SPACES.split(paragraph.strip()) if w]


def _greedy(
    words: list[str], font: Font, max_width: int, max_lines: int | None = None
) -> list[str] | None:
    """Greedy lines; with `max_lines`, stops once it has finished more lines than that."""
    lines: list[str] = []
    current = words[0]
    if ink_width(font, current) > max_width:
        return None
    for word in words[1:]:
        trial = f"{current} {word}"
        if ink_width(font, trial) <= max_width:
            current = trial
            continue
        if ink_width(font, word) > max_width:
            return None
        lines.append(current)
        if max_lines is not None and len(lines) > max_lines:
            return lines
        current = word
    lines.append(current)
    return lines


def wrap(
    text: str, font: Font, max_width: int, *, max_lines: int | None = None
) -> list[str] | None:
    """Greedy word wrap; None when a single word is wider than `max_width`.

    With `max_lines`, wrapping stops as soon as the text is known to need more lines: the
    result then has max_lines + 1 lines and is not the whole text (for fit tests, which
    only need to know that it is too tall).
    """
    lines: list[str] = []
    for paragraph in text.splitlines():
        words = _words(paragraph)
        if words:
            room = None if max_lines is None else max_lines - len(lines)
            greedy = _greedy(words, font, max_width, room)
            if greedy is None:
                return None
            lines.extend(greedy)
            if max_lines is not None and len(lines) > max_lines:
                return lines[: max_lines + 1]
    return lines


def _even(words: list[str], font: Font, max_width: int, count: int, balance: bool) -> list[str]:
    """Break into at most `count` lines with the least raggedness (sum of squared slack).

    With `balance` the last line counts too (headlines: lines of even length); otherwise
    only a last line shorter than half the width is penalised (no lone last word).
    """
    n = len(words)
    widths: dict[tuple[int, int], int] = {}

    def width(i: int, j: int) -> int:
        if (i, j) not in widths:
            widths[i, j] = ink_width(font, " ".join(words[i:j]))
        return widths[i, j]

    best: dict[tuple[int, int], tuple[float, tuple[int, ...]]] = {}

    def solve(i: int, k: int) -> tuple[float, tuple[int, ...]]:
        if i == n:
            return (0.0, ())
        if k == 0:
            return (math.inf, ())
        if (i, k) in best:
            return best[i, k]
        result: tuple[float, tuple[int, ...]] = (math.inf, ())
        for j in range(i + 1, n + 1):
            w = width(i, j)
            if w > max_width:
                break
            slack = max_width - w
            if j == n and not balance:
                slack = max(0, slack - max_width // 2)
            cost, rest = solve(j, k - 1)
            if slack * slack + cost < result[0]:
                result = (slack * slack + cost, (j, *rest))
        best[i, k] = result
        return result

    breaks = solve(0, count)[1]
    starts = (0, *breaks[:-1])
    return [" ".join(words[a:b]) for a, b in zip(starts, breaks, strict=True)]


def wrap_even(text: str, font: Font, max_width: int, *, balance: bool = False) -> list[str] | None:
    """Word wrap into as few lines as greedy wrapping, but with evenly filled lines."""
    lines: list[str] = []
    for paragraph in text.splitlines():
        words = _words(paragraph)
        if not words:
            continue
        greedy = _greedy(words, font, max_width)
        if greedy is None:
            return None
        if len(greedy) < 2:
            lines.extend(greedy)
        else:
            lines.extend(_even(words, font, max_width, len(greedy), balance))
    return lines


def wrap_url(text: str, font: Font, max_width: int) -> list[str] | None:
    """Wrap a link with no spaces, breaking after / . - ? & = _ # (or anywhere if it must)."""
    pieces = [p for p in _URL_PIECES.findall(text) if p]
    lines: list[str] = []
    current = ""
    for piece in pieces:
        if ink_width(font, current + piece) <= max_width:
            current += piece
            continue
        if current:
            lines.append(current)
            current = ""
        for ch in piece:
            if ink_width(font, current + ch) <= max_width:
                current += ch
            elif current:
                lines.append(current)
                current = ch
            else:
                return None
    if current:
        lines.append(current)
    return lines


@dataclass(frozen=True)
class TextBlock:
    """Lines of one style, measured: `width` × `height` is the ink box when drawn."""

    role: str
    lang: str
    lines: tuple[str, ...]
    font: Font
    font_px: int
    fill: RGB
    line_height: int
    top: int  # from the block top to the first baseline
    width: int
    height: int

    def draw(self, draw: ImageDraw.ImageDraw, x: int, y: int, *, align: str = "left") -> Box:
        """Draw at (x, y) = top-left of the block; returns the box around the ink."""
        baseline = y + self.top
        ink_left, ink_right = x + self.width, x
        for line in self.lines:
            left, _, right, _ = ink(self.font, line)
            line_x = x - min(0, left)
            if align == "center":
                line_x += (self.width - (right - min(0, left))) // 2
            draw.text((line_x, baseline), line, font=self.font, fill=self.fill, anchor="ls")
            ink_left, ink_right = min(ink_left, line_x + left), max(ink_right, line_x + right)
            baseline += self.line_height
        return (ink_left, y, ink_right, y + self.height)


def make_block(
    lines: list[str],
    font: Font,
    *,
    role: str,
    lang: str,
    fill: RGB,
    leading: float,
) -> TextBlock:
    """Measure wrapped lines: line height `leading` em, ink boxes fully inside the block."""
    size = int(font.size)
    ascent, descent = font.getmetrics()
    boxes = [ink(font, line) for line in lines]
    line_height = round(size * leading)
    top = max([ascent, *(-b[1] for b in boxes[:1])])
    bottom = max([descent, *(b[3] for b in boxes[-1:])])
    width = max((b[2] - min(0, b[0]) for b in boxes), default=0)
    height = top + line_height * (len(lines) - 1) + bottom if lines else 0
    return TextBlock(role, lang, tuple(lines), font, size, fill, line_height, top, width, height)
