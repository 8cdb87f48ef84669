"""Reading time and slot length."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import PROPERTY

from campaign.domain.durations import BASE_SECONDS, reading_seconds, slot_seconds


@pytest.mark.parametrize(
    ("words", "rate", "seconds"),
    [
        (0, 200, 2),  # finding the slide takes 2 s
        (1, 200, 3),  # 2.3 s rounds up
        (10, 200, 5),  # 2 + 3
        (20, 200, 8),  # 2 + 6
        (21, 200, 9),  # 2 + 6.3, rounded up
        (200, 200, 62),
        (10, 100, 8),
        (10, 60, 12),
    ],
)
def test_reading_seconds(words: int, rate: int, seconds: int) -> None:
    assert reading_seconds(words, rate) == seconds


def test_the_default_rate_is_200_words_a_minute() -> None:
    assert reading_seconds(100) == 32


@pytest.mark.parametrize("rate", [0, -200])
def test_the_rate_must_be_positive(rate: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        reading_seconds(10, rate)


def test_a_slot_never_ends_before_the_text_is_read() -> None:
    assert slot_seconds(10, 8) == 10  # 4.4 s to read: the booking's 10 s
    assert slot_seconds(10, 40) == 14  # 2 + 12
    assert slot_seconds(15, 40, words_per_minute=100) == 26  # 2 + 24


@PROPERTY
@given(st.integers(0, 2000), st.integers(1, 600), st.integers(0, 120))
def test_reading_and_slot_properties(words: int, rate: int, slot: int) -> None:
    seconds = reading_seconds(words, rate)
    assert seconds >= BASE_SECONDS + words * 60 / rate > seconds - 1  # rounded up, whole seconds
    assert seconds == math.ceil(BASE_SECONDS + words * 60 / rate)
    assert reading_seconds(words + 1, rate) >= seconds
    assert slot_seconds(slot, words, rate) == max(slot, seconds)
