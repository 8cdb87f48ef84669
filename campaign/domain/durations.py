"""How long a traveller needs to read a slide, and so how long it must stay on screen."""

from __future__ import annotations

import math

DEFAULT_WORDS_PER_MINUTE = 200
BASE_SECONDS = 2


def reading_seconds(words: int, words_per_minute: int = DEFAULT_WORDS_PER_MINUTE) -> int:
    """2 s to find the slide plus the words at a reading rate, rounded up to whole seconds."""
    if words_per_minute <= 0:
        raise ValueError("the reading rate must be a positive number of words a minute")
    return math.ceil(BASE_SECONDS + words * 60 / words_per_minute)


def slot_seconds(
    slot_duration_s: int, words: int, words_per_minute: int = DEFAULT_WORDS_PER_MINUTE
) -> int:
    """A slot lasts the booking's duration, but never less than the reading time."""
    return max(slot_duration_s, reading_seconds(words, words_per_minute))
