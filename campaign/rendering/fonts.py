"""The fonts the project ships (assets/fonts), loaded per size; never the host's fonts."""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from PIL import ImageFont

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
REGULAR = "DejaVuSans.ttf"
BOLD = "DejaVuSans-Bold.ttf"


@lru_cache(maxsize=8)
def _font_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(
            f"The font {path.name} is missing from {path.parent}; the slides need the fonts "
            "shipped in assets/fonts."
        ) from None


class BookFont(ImageFont.FreeTypeFont):
    """A font of a book; `measure_key` names its file and size, so that measurements of it
    can be shared with any other face of the same file and size (textfit caches them)."""

    measure_key: tuple[str, int, int]


class FontBook:
    """Fonts of one family at any pixel size, cached for the life of the book.

    Make one book per rendering: FreeType faces are not shared between threads.
    """

    def __init__(self, font_dir: Path = FONT_DIR) -> None:
        self.font_dir = Path(font_dir)
        self._cache: dict[tuple[int, bool], BookFont] = {}

    def get(self, size: int, *, bold: bool = False) -> BookFont:
        key = (size, bold)
        font = self._cache.get(key)
        if font is None:
            path = self.font_dir / (BOLD if bold else REGULAR)
            data = _font_bytes(path)
            # BASIC layout: the same glyph positions whether or not libraqm is installed,
            # so the same slide gives the same bytes everywhere (Spanish needs no shaping).
            font = BookFont(BytesIO(data), size, layout_engine=ImageFont.Layout.BASIC)
            # The hash of the bytes (computed once per bytes object) tells a changed file apart.
            font.measure_key = (str(path), hash(data), size)
            self._cache[key] = font
        return font
