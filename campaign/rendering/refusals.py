"""What the imaging layer refuses, and screen sizes: plain types, importable without Pillow."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from campaign.domain.model import Orientation


class SlideNotLegible(ValueError):
    """The slide would not be legible; `problems` lists why, each a sentence to act on."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = tuple(problems) or (message,)


class SlideDoesNotFit(SlideNotLegible):
    """The text does not fit the screen even at the smallest legible size."""


class UploadRejected(Exception):
    """An upload we refuse; `message` tells the person what to do, `status` is the HTTP status.

    `reason` names the refusal and `params` holds the values in its message, so the services
    can say the same sentence in the reader's language (this layer knows no languages)."""

    def __init__(
        self,
        message: str,
        status: int = 422,
        *,
        reason: str = "",
        params: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.reason = reason
        self.params = dict(params or {})


@dataclass(frozen=True)
class ScreenClass:
    """A screen size that renditions are made for, e.g. 1920 × 1080."""

    width: int
    height: int

    def __post_init__(self) -> None:
        if self.width < 1 or self.height < 1:
            raise ValueError("A screen class needs a positive width and height.")

    @property
    def orientation(self) -> Orientation:
        return Orientation.PORTRAIT if self.height > self.width else Orientation.LANDSCAPE

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    def __str__(self) -> str:
        return f"{self.width}x{self.height}"
