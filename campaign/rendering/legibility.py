"""Legibility rules for screen text: WCAG contrast, minimum text size, and pixel checks."""

from __future__ import annotations

import math

from PIL import Image

from campaign.rendering.colours import RGB, contrast_ratio, parse_hex, relative_luminance

MIN_CONTRAST = 4.5  # WCAG 2 AA for normal text
MIN_TEXT_SHARE = 0.025  # smallest text: 2.5 % of the screen height

__all__ = [
    "MIN_CONTRAST",
    "MIN_TEXT_SHARE",
    "check_legibility",
    "contrast_ratio",
    "measure_contrast",
    "min_text_px",
    "parse_hex",
    "relative_luminance",
]


def min_text_px(screen_height: int, share: float = MIN_TEXT_SHARE) -> int:
    """The smallest font size (pixels per em) allowed on a screen of this height."""
    return max(1, math.ceil(screen_height * share - 1e-9))


def check_legibility(
    *,
    foreground: RGB,
    background: RGB,
    smallest_text_px: int,
    screen_height: int,
    fits: bool = True,
    min_contrast: float = MIN_CONTRAST,
    min_text_share: float = MIN_TEXT_SHARE,
) -> list[str]:
    """Every legibility problem of a slide, as sentences a person can act on; [] if none."""
    problems: list[str] = []
    ratio = contrast_ratio(foreground, background)
    if ratio < min_contrast:
        problems.append(
            f"The text colour has a contrast of {ratio:.1f}:1 against the background; "
            f"at least {min_contrast:g}:1 is needed — choose a darker or lighter colour."
        )
    smallest = min_text_px(screen_height, min_text_share)
    if smallest_text_px < smallest:
        problems.append(
            f"The smallest text is {smallest_text_px} px high; on a {screen_height} px high "
            f"screen it must be at least {smallest} px ({min_text_share:.1%} of the height) "
            "— shorten the text."
        )
    if not fits:
        problems.append("The text does not fit on the screen at a legible size; shorten it.")
    return problems


def measure_contrast(
    image: Image.Image,
    box: tuple[int, int, int, int],
    background: RGB | None = None,
) -> float:
    """Contrast between the text and the background as drawn in `box` of a rendered image.

    The background is the most common colour in the box unless given; the text colour is the
    colour that contrasts most with it among those covering at least 0.5 % of the box, so
    anti-aliased edge pixels do not count.
    """
    region = image.convert("RGB").crop(box)
    total = region.width * region.height
    colours = region.getcolors(maxcolors=total) or []
    if not colours:
        raise ValueError("The box is empty.")
    if background is None:
        background = max(colours)[1]
    floor = max(1, total // 200)
    candidates = [rgb for count, rgb in colours if count >= floor and rgb != tuple(background)]
    if not candidates:
        return 1.0
    return max(contrast_ratio(rgb, background) for rgb in candidates)
