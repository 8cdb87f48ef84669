"""Colour values: parse campaign hex colours and compute WCAG luminance and contrast."""

from __future__ import annotations

import re

RGB = tuple[int, int, int]

_HEX = re.compile(r"\A#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})\Z")


def parse_hex(value: str) -> RGB:
    """Turn "#0B3D91" (or "#FC0", with or without "#") into an (r, g, b) tuple of 0..255."""
    match = _HEX.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a colour; write it as #RRGGBB, for example #0B3D91.")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: RGB) -> float:
    """WCAG 2 relative luminance of an sRGB colour, from 0 (black) to 1 (white)."""
    r, g, b = rgb[:3]
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast_ratio(rgb1: RGB, rgb2: RGB) -> float:
    """WCAG 2 contrast ratio between two colours, from 1.0 to 21.0 (order does not matter)."""
    l1, l2 = relative_luminance(rgb1), relative_luminance(rgb2)
    lighter, darker = max(l1, l2), min(l1, l2)
    return (lighter + 0.05) / (darker + 0.05)
