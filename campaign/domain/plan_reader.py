"""A checked walk over a parsed TOML document that collects every problem with its key path."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, time
from typing import Any, TypeVar

T = TypeVar("T")
_MISSING = object()
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
# An OpenOOH venue type code, e.g. "transit.airports.departures": what a venue target names.
_VENUE_TYPE = re.compile(r"^[a-z0-9_]{1,40}(\.[a-z0-9_]{1,40}){0,5}$")
MAX_VENUE_TYPE = 80
VENUE_TYPE_HINT = (
    'not a venue type code like "transit.airports.departures" '
    "(lowercase letters, digits and '_', parts joined by '.')"
)


class PlanError(ValueError):
    """A plan that cannot be loaded; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class Problems:
    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.lines.append(f"{self.source}: {path}: {message}")

    def raise_if_any(self) -> None:
        if self.lines:
            raise PlanError(self.lines)


class Node:
    """A table of the document at a key path, read field by field."""

    def __init__(self, data: dict[str, Any], path: str, problems: Problems) -> None:
        self.data = data
        self.path = path
        self.problems = problems
        self.read: set[str] = set()

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _get(self, key: str, required: bool) -> Any:
        self.read.add(key)
        value = self.data.get(key, _MISSING)
        if value is _MISSING and required:
            self.problems.add(self.at(key), "is required")
        return value

    def typed(self, key: str, kind: type[T], label: str, default: Any = _MISSING) -> Any:
        value = self._get(key, required=default is _MISSING)
        if value is _MISSING:
            return default if default is not _MISSING else None
        if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
            self.problems.add(self.at(key), f"expected {label}, got {value!r}")
            return default if default is not _MISSING else None
        return value

    def text(self, key: str, default: Any = _MISSING, max_length: int = 500) -> Any:
        value = self.typed(key, str, "text", default)
        if isinstance(value, str) and len(value) > max_length:
            self.problems.add(self.at(key), f"is {len(value)} characters; at most {max_length}")
        return value

    def code(self, key: str, pattern: str = r"^[A-Z0-9][A-Z0-9_-]{0,39}$") -> str | None:
        value = self.typed(key, str, "a code")
        if isinstance(value, str) and not re.match(pattern, value):
            self.problems.add(
                self.at(key),
                f"{value!r} is not a valid code (capital letters, digits, '-' and '_')",
            )
            return None
        return value

    def slug(self, key: str) -> str | None:
        value = self.typed(key, str, "a key")
        if isinstance(value, str) and not re.match(r"^[a-z0-9][a-z0-9-]{0,79}$", value):
            self.problems.add(
                self.at(key), f"{value!r} is not a valid key (lowercase letters, digits and '-')"
            )
            return None
        return value

    def integer(self, key: str, default: Any = _MISSING, minimum: int | None = None) -> Any:
        value = self.typed(key, int, "a whole number", default)
        if isinstance(value, int) and minimum is not None and value < minimum:
            self.problems.add(self.at(key), f"must be at least {minimum}, got {value}")
            return None
        return value

    def number(self, key: str) -> float | None:
        value = self._get(key, required=False)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problems.add(self.at(key), f"expected a number, got {value!r}")
            return None
        return float(value)

    def positive_number(
        self, key: str, maximum: float, default: Any = _MISSING, minimum: float = 0.001
    ) -> Any:
        """A finite number from `minimum` (above 0) to `maximum`, as a float (TOML 2 and 2.0
        alike)."""
        value = self._get(key, required=default is _MISSING)
        if value is _MISSING:
            return default if default is not _MISSING else None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not minimum <= value <= maximum  # nan compares false; inf is over any maximum
        ):
            self.problems.add(
                self.at(key),
                f"must be a positive number from {minimum:g} up to {maximum:g}, not {value!r}",
            )
            return default if default is not _MISSING else None
        return float(value)

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.typed(key, bool, "true or false", default)
        return bool(value)

    def day(self, key: str, required: bool = True) -> date | None:
        value = self._get(key, required=required)
        if value is _MISSING:
            return None
        if not isinstance(value, date) or hasattr(value, "hour"):
            self.problems.add(self.at(key), f"expected a date like 2026-09-01, got {value!r}")
            return None
        return value

    def choice(
        self, key: str, choices: Callable[[str], T], allowed: list[str], default: Any = _MISSING
    ) -> Any:
        value = self.typed(key, str, "text", default)
        if value is None or value is default:
            return default if default is not _MISSING else None
        try:
            return choices(value)
        except ValueError:
            self.problems.add(self.at(key), f"{value!r} is not one of {', '.join(allowed)}")
            return None

    def table(self, key: str, required: bool = False) -> Node | None:
        value = self._get(key, required=required)
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            self.problems.add(self.at(key), "expected a table")
            return None
        return Node(value, self.at(key), self.problems)

    def tables(self, key: str, label: Callable[[dict[str, Any], int], str]) -> Iterator[Node]:
        value = self._get(key, required=False)
        if value is _MISSING:
            return
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problems.add(self.at(key), f"expected an array of tables ([[{key}]])")
            return
        for index, item in enumerate(value):
            yield Node(item, f"{self.at(key)}[{label(item, index)}]", self.problems)

    def strings(self, key: str, default: Any = _MISSING) -> Any:
        value = self._get(key, required=default is _MISSING)
        if value is _MISSING:
            return default
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problems.add(self.at(key), f"expected a list of text values, got {value!r}")
            return default if default is not _MISSING else []
        return value

    def raw(self, key: str) -> Any:
        value = self._get(key, required=False)
        return None if value is _MISSING else value

    def finish(self) -> None:
        """Report keys nobody read: almost always a typing mistake in the file."""
        for key in self.data:
            if key not in self.read:
                self.problems.add(self.at(key), "is not a known setting here")


def parse_window(text: str) -> tuple[time, time]:
    """'22:00-02:00' → (22:00, 02:00); a window may cross midnight but not be empty."""
    start, sep, end = text.partition("-")
    starts, ends = _TIME.match(start.strip()), _TIME.match(end.strip())
    if not sep or not starts or not ends:
        raise ValueError(f'{text!r} is not a daily window like "06:00-22:00"')
    window = (
        time(int(starts[1]), int(starts[2])),
        time(int(ends[1]), int(ends[2])),
    )
    if window[0] == window[1]:
        raise ValueError(
            f"{text!r} starts and ends at the same time: leave 'window' out for all day"
        )
    return window


def is_venue_type(text: str) -> bool:
    """Whether `text` is written as a venue type code (not whether any zone has it)."""
    return len(text) <= MAX_VENUE_TYPE and _VENUE_TYPE.match(text) is not None


def format_window(start: time, end: time) -> str:
    return f"{start:%H:%M}-{end:%H:%M}"


def label_by(key: str) -> Callable[[dict[str, Any], int], str]:
    """Label array items by a stable key where they have one, else by position."""

    def label(item: dict[str, Any], index: int) -> str:
        value = item.get(key)
        return (
            str(value)
            if isinstance(value, str | int) and not isinstance(value, bool)
            else str(index)
        )

    return label
