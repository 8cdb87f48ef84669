"""Geometry for the dashboard's SVG drawings: Peru's map with its hubs, and the phases' timeline."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from campaign.domain.geo import Bounds, Ring, bounds, fit

DATA_DIR = Path(__file__).resolve().parent / "data"
# Places this far outside Peru's box still widen the map (a border crossing's far side);
# further away they would shrink Peru to a corner, so they are listed as off the map instead.
MAP_REACH_DEGREES = 3.0
MAP_MARGIN = 16.0
LABEL_FONT = 13.0  # map units; the page's stylesheet sets the same size on the labels
LABEL_CHAR = 0.62  # an average DejaVu Sans character, in ems (codes: capitals and digits)
LABEL_GAP = 9.0


@functools.cache
def peru_outline() -> tuple[tuple[tuple[float, float], ...], ...]:
    """Peru's outline: rings of (longitude, latitude), Natural Earth 1:50m (see data/README.md)."""
    document = json.loads((DATA_DIR / "peru.json").read_text(encoding="utf-8"))
    return tuple(tuple((float(x), float(y)) for x, y in ring) for ring in document["rings"])


@dataclass(frozen=True)
class Place:
    key: str  # the hub's code, drawn as its label
    longitude: float
    latitude: float
    status: str


@dataclass(frozen=True)
class Marker:
    key: str
    status: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str  # "start" (label right of the point) or "end" (left of it)
    leader: bool  # the label was moved away from its point: a line joins them


@dataclass(frozen=True)
class MapDrawing:
    width: float
    height: float
    outline: str  # the SVG path of the country
    markers: tuple[Marker, ...]
    off_map: tuple[str, ...]  # keys of places too far away to draw


def _path(rings: Sequence[Ring], xy: Callable[[float, float], tuple[float, float]]) -> str:
    parts = []
    for ring in rings:
        points = [xy(lon, lat) for lon, lat in ring]
        head, *rest = points
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in rest)
        parts.append(f"M{head[0]:.1f},{head[1]:.1f} L{line} Z")
    return " ".join(parts)


def _label_width(text: str) -> float:
    return len(text) * LABEL_FONT * LABEL_CHAR


def _place_labels(points: list[tuple[Place, float, float]], width: float) -> list[Marker]:
    """Each label beside its point, right of it unless that runs off the map; a label that
    would cover one already placed moves down a line at a time (hubs in one city, such as an
    airport and the old town, sit on the same spot)."""
    placed: list[tuple[float, float, float, float]] = []
    markers = []
    line = LABEL_FONT * 1.25
    for place, x, y in sorted(points, key=lambda p: (p[2], p[1], p[0].key)):
        w = _label_width(place.key)
        right = x + LABEL_GAP + w <= width - 2
        left_edge = x + LABEL_GAP if right else x - LABEL_GAP - w
        baseline = y + LABEL_FONT * 0.35
        for _ in range(12):
            box = (left_edge, baseline - LABEL_FONT, left_edge + w, baseline + 2)
            if not any(
                box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed
            ):
                break
            baseline += line
        placed.append(box)
        moved = abs(baseline - (y + LABEL_FONT * 0.35)) > 1
        markers.append(
            Marker(
                key=place.key,
                status=place.status,
                x=round(x, 1),
                y=round(y, 1),
                label_x=round(x + LABEL_GAP if right else x - LABEL_GAP, 1),
                label_y=round(baseline, 1),
                anchor="start" if right else "end",
                leader=moved,
            )
        )
    return markers


def draw_map(places: Sequence[Place], width: float = 400.0) -> MapDrawing:
    """Peru with `places` where their coordinates put them, fitted `width` units wide."""
    outline = peru_outline()
    country = bounds(point for ring in outline for point in ring)
    reach = country.grown(MAP_REACH_DEGREES)
    near = [p for p in places if reach.holds(p.longitude, p.latitude)]
    box: Bounds = country
    if near:
        box = country.union(bounds((p.longitude, p.latitude) for p in near))
    projection = fit(box, width, MAP_MARGIN)
    points = [(p, *projection.xy(p.longitude, p.latitude)) for p in near]
    return MapDrawing(
        width=width,
        height=round(projection.height, 1),
        outline=_path(outline, projection.xy),
        markers=tuple(_place_labels(points, width)),
        off_map=tuple(sorted(p.key for p in places if p not in near)),
    )


@dataclass(frozen=True)
class Span:
    key: int  # the phase's number
    label: str
    starts_on: date
    ends_on: date  # inclusive
    status: str
    hubs: tuple[str, ...]


@dataclass(frozen=True)
class Bar:
    key: int
    status: str
    label: str  # shortened with "…" to fit the drawing's width
    x: float
    width: float
    y: float
    height: float
    label_y: float
    status_y: float
    hub_lines: tuple[tuple[float, str], ...]  # (baseline, codes) lines under the bar


@dataclass(frozen=True)
class Tick:
    x: float
    day: date
    labelled: bool
    with_year: bool


@dataclass(frozen=True)
class Timeline:
    width: float
    height: float
    axis_y: float
    chart_top: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    today: date
    today_x: float | None  # None: today is outside the drawing
    today_anchor: str


TITLE_FONT = 14.0
TEXT_FONT = 13.0
TEXT_CHAR = 0.6  # an average DejaVu Sans character of mixed text, in ems
TICK_MIN_GAP = 64.0  # map units between two month labels


def _fit_text(text: str, width: float, font: float) -> str:
    room = int(width / (font * TEXT_CHAR))
    return text if len(text) <= room else text[: max(1, room - 1)].rstrip() + "…"


def _wrap_codes(codes: Sequence[str], width: float) -> list[str]:
    lines: list[str] = []
    for code in codes:
        candidate = f"{lines[-1]}, {code}" if lines else code
        if lines and len(candidate) * TEXT_FONT * TEXT_CHAR <= width:
            lines[-1] = candidate
        else:
            if lines:
                lines[-1] += ","
            lines.append(code)
    return lines


def _month_starts(first: date, last: date) -> list[date]:
    day = date(first.year, first.month, 1)
    months = []
    while day <= last:
        if day >= first:
            months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def draw_timeline(spans: Sequence[Span], today: date, width: float = 800.0) -> Timeline:
    """One row per span: its label, a bar from its first to its last day on a shared axis of
    months, a line for its status, its hubs; and a line at `today` when it falls inside."""
    days = [d for s in spans for d in (s.starts_on, s.ends_on)] or [today]
    first, last = min(days), max(days) + timedelta(days=1)
    # Today just outside the phases still shows: the axis stretches to it, up to a month.
    if first - timedelta(days=31) <= today < first:
        first = today
    if last <= today <= last + timedelta(days=31):
        last = today + timedelta(days=1)
    total = max((last - first).days, 1)

    def x_of(day: date) -> float:
        return round(width * (day - first).days / total, 1)

    axis_y, top = 18.0, 44.0  # month labels, then a line for today's label, then the rows
    ticks, last_label = [], -TICK_MIN_GAP
    for n, day in enumerate(_month_starts(first, last)):
        x = x_of(day)
        labelled = x - last_label >= TICK_MIN_GAP and x <= width - 40
        ticks.append(Tick(x, day, labelled, labelled and (day.month == 1 or n == 0)))
        if labelled:
            last_label = x
    bars, y = [], top
    for span in spans:
        x0, x1 = x_of(span.starts_on), x_of(span.ends_on + timedelta(days=1))
        lines = _wrap_codes(span.hubs, width)
        hub_lines = tuple((y + 80 + 16 * i, text) for i, text in enumerate(lines))
        bars.append(
            Bar(
                key=span.key,
                status=span.status,
                label=_fit_text(f"{span.key} · {span.label}", width, TITLE_FONT),
                x=x0,
                width=round(max(x1 - x0, 2.0), 1),
                y=y + 22,
                height=24,
                label_y=y + 14,
                status_y=y + 64,
                hub_lines=hub_lines,
            )
        )
        y += 80 + 16 * len(lines) + 6
    inside = first <= today < last
    # The marker stands in the middle of today, so it reads as inside the day's phase.
    today_x = round(width * ((today - first).days + 0.5) / total, 1) if inside else None
    anchor = "end" if today_x is not None and today_x > width * 0.7 else "start"
    return Timeline(
        width=width,
        height=round(y, 1),
        axis_y=axis_y,
        chart_top=top,
        bars=tuple(bars),
        ticks=tuple(ticks),
        today=today,
        today_x=today_x,
        today_anchor=anchor,
    )
