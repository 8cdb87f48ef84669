"""Server-side SVG charts for the reports: columns per day, horizontal bars per hub or message."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

WIDTH = 400.0  # viewBox units; the SVG is 100% wide: on a 390 px phone it is drawn about 1:1
FONT = 14.0
SMALL = 13.0
INK = "#1d2433"  # the pages' text colour: 15:1 on white
MUTED = "#4f586b"  # 7:1 on white
BAR = "#0b3d91"  # 10:1 on white (non-text contrast needs 3:1)
GRID = "#cfd5df"
CHAR = 0.6  # an average DejaVu Sans character, in ems
MAX_LABEL = 40  # characters of a bar's label before it is cut (the full one is its <title>)
MAX_TICKS = 6  # labels along the day axis


@dataclass(frozen=True)
class Bar:
    label: str  # what the bar is (a day, a hub, a message)
    value: float
    shown: str  # the value as the reader writes numbers ("1.234" / "1,234")


@dataclass(frozen=True)
class ChartText:
    """Every word of a chart, already in the reader's language."""

    title: str
    desc: str  # a sentence that says what the chart shows, for screen readers
    x_label: str
    y_label: str


def _text(
    x: float, y: float, body: str, *, size: float = FONT, fill: str = INK, **attrs: str
) -> str:
    extra = "".join(f" {k.replace('_', '-')}={quoteattr(v)}" for k, v in attrs.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" fill="{fill}"{extra}>'
        f"{escape(body)}</text>"
    )


def _cut(label: str, limit: int = MAX_LABEL) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def nice_ceiling(value: float) -> float:
    """The round number at or above `value` the value axis ends at (1, 2, 2.5 or 5 x 10^n)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)  # pragma: no cover (10 x power always reaches it)


def _open(chart_id: str, height: float, text: ChartText) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:g} {height:g}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'class="chart" font-family="DejaVu Sans, sans-serif">',
        f'<title id="{chart_id}-title">{escape(text.title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(text.desc)}</desc>',
        f'<rect width="{WIDTH:g}" height="{height:g}" fill="#fff"/>',
    ]


def column_chart(chart_id: str, bars: Sequence[Bar], text: ChartText, shown_top: str) -> str:
    """Vertical columns in order (plays per day): a value axis from 0 to a round top (written
    as `shown_top`, the reader's number for nice_ceiling(max)), a few labels along the days."""
    height, left, right, top, bottom = 250.0, 56.0, 10.0, 16.0, 62.0
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    ceiling = nice_ceiling(max((b.value for b in bars), default=0))
    parts = _open(chart_id, height, text)
    base = top + plot_h
    parts.append(_text(left - 6, top + 4, shown_top, size=SMALL, fill=MUTED, text_anchor="end"))
    parts.append(_text(left - 6, base + 4, "0", size=SMALL, fill=MUTED, text_anchor="end"))
    parts.append(
        f'<line x1="{left:g}" y1="{top:g}" x2="{WIDTH - right:g}" y2="{top:g}" '
        f'stroke="{GRID}" stroke-width="1"/>'
    )
    slot = plot_w / max(len(bars), 1)
    gap = min(slot * 0.2, 4.0)
    parts.append('<g class="bars">')
    for n, bar in enumerate(bars):
        h = plot_h * bar.value / ceiling
        x = left + n * slot + gap / 2
        parts.append(
            f'<rect x="{x:.2f}" y="{base - h:.2f}" width="{max(slot - gap, 0.5):.2f}" '
            f'height="{h:.2f}" fill="{BAR}"><title>{escape(f"{bar.label}: {bar.shown}")}</title>'
            "</rect>"
        )
    parts.append("</g>")
    parts.append(
        f'<line x1="{left:g}" y1="{base:g}" x2="{WIDTH - right:g}" y2="{base:g}" '
        f'stroke="{MUTED}" stroke-width="1.5"/>'
    )
    parts.append(
        f'<line x1="{left:g}" y1="{top:g}" x2="{left:g}" y2="{base:g}" '
        f'stroke="{MUTED}" stroke-width="1.5"/>'
    )
    if bars:
        every = max(1, math.ceil(len(bars) / MAX_TICKS))
        chosen = list(range(0, len(bars), every))
        for n in chosen:
            x, anchor = left + (n + 0.5) * slot, "middle"
            if len(chosen) > 1 and n == chosen[0]:
                x, anchor = left + n * slot, "start"
            elif len(chosen) > 1 and n == chosen[-1] and x + 36 > WIDTH - right:
                x, anchor = left + (n + 1) * slot, "end"
            label = _cut(bars[n].label, 12)
            parts.append(_text(x, base + 18, label, size=SMALL, text_anchor=anchor))
    parts.append(_text(left + plot_w / 2, height - 10, text.x_label, text_anchor="middle"))
    parts.append(
        _text(
            14,
            top + plot_h / 2,
            text.y_label,
            text_anchor="middle",
            transform=f"rotate(-90 14 {top + plot_h / 2:.1f})",
        )
    )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(chart_id: str, bars: Sequence[Bar], text: ChartText) -> str:
    """Horizontal bars, one a row, as given (plays by hub or by message): each row its label
    on a line of its own above the bar, so long names fit a phone, the value after the bar."""
    row, top, left, value_room = 46.0, 30.0, 4.0, 84.0
    height = top + row * max(len(bars), 1) + 36
    longest = max((b.value for b in bars), default=0) or 1.0
    room = WIDTH - left - value_room
    parts = _open(chart_id, height, text)
    parts.append(_text(left, 18, text.y_label, fill=MUTED))
    parts.append('<g class="bars">')
    for n, bar in enumerate(bars):
        y = top + n * row
        w = max(room * bar.value / longest, 0.0)
        parts.append(_text(left, y + 14, _cut(bar.label)))
        parts.append(
            f'<rect x="{left:g}" y="{y + 20:.1f}" width="{w:.2f}" height="16" fill="{BAR}">'
            f"<title>{escape(f'{bar.label}: {bar.shown}')}</title></rect>"
        )
        parts.append(_text(left + w + 6, y + 33, bar.shown, size=SMALL))
    parts.append("</g>")
    parts.append(_text(left, height - 12, text.x_label, fill=MUTED))
    parts.append("</svg>")
    return "".join(parts)
