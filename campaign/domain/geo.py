"""Places on a flat map: an equirectangular projection, and points against an outline's rings."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# A ring is a closed line of (longitude, latitude) points in degrees; the last joins the first.
Ring = Sequence[tuple[float, float]]
KM_PER_DEGREE = 111.195  # of latitude, on a sphere of the Earth's mean radius


@dataclass(frozen=True)
class Bounds:
    west: float
    south: float
    east: float
    north: float

    def grown(self, degrees: float) -> Bounds:
        return Bounds(
            self.west - degrees, self.south - degrees, self.east + degrees, self.north + degrees
        )

    def holds(self, longitude: float, latitude: float) -> bool:
        return self.west <= longitude <= self.east and self.south <= latitude <= self.north

    def union(self, other: Bounds) -> Bounds:
        return Bounds(
            min(self.west, other.west),
            min(self.south, other.south),
            max(self.east, other.east),
            max(self.north, other.north),
        )


def bounds(points: Iterable[tuple[float, float]]) -> Bounds:
    """The smallest box holding every (longitude, latitude) point; there must be one."""
    lons, lats = zip(*points, strict=True)
    return Bounds(min(lons), min(lats), max(lons), max(lats))


@dataclass(frozen=True)
class Projection:
    """Equirectangular with the scale of the box's middle latitude: near the equator, as in
    Peru, shapes keep their proportions well enough for a map of places."""

    west: float
    north: float
    x_scale: float  # map units per degree of longitude (narrower away from the equator)
    y_scale: float  # map units per degree of latitude
    margin: float
    width: float
    height: float

    def xy(self, longitude: float, latitude: float) -> tuple[float, float]:
        x = self.margin + (longitude - self.west) * self.x_scale
        y = self.margin + (self.north - latitude) * self.y_scale
        return x, y


def fit(box: Bounds, width: float, margin: float = 0.0) -> Projection:
    """The projection that draws `box` `width` units wide (margins included), as tall as its
    proportions make it."""
    middle = math.radians((box.north + box.south) / 2)
    lon_span = max(box.east - box.west, 1e-9) * math.cos(middle)
    y_scale = (width - 2 * margin) / lon_span
    x_scale = y_scale * math.cos(middle)
    height = (box.north - box.south) * y_scale + 2 * margin
    return Projection(box.west, box.north, x_scale, y_scale, margin, width, height)


def contains(rings: Iterable[Ring], longitude: float, latitude: float) -> bool:
    """Whether the point is inside the outline (even-odd rule over every ring, so holes work)."""
    inside = False
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
            if (y0 > latitude) != (y1 > latitude):
                crossing = x0 + (latitude - y0) * (x1 - x0) / (y1 - y0)
                if longitude < crossing:
                    inside = not inside
    return inside


def distance_to_edge_km(rings: Iterable[Ring], longitude: float, latitude: float) -> float:
    """How far the point is from the outline's nearest edge, in kilometres (flat-earth
    approximation around the point: good to a few per cent over a few hundred kilometres)."""
    squeeze = math.cos(math.radians(latitude))
    best = math.inf
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
            ax, ay = (x0 - longitude) * squeeze, y0 - latitude
            bx, by = (x1 - longitude) * squeeze, y1 - latitude
            dx, dy = bx - ax, by - ay
            length = dx * dx + dy * dy
            t = 0.0 if length == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length))
            best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best * KM_PER_DEGREE
