"""The rules a reported play must pass to count: pure, so a batch is judged without the database.

A play is believed only for an item in a playlist version served to that screen, starting after
that version was first served (less the clock skew) and not after now (plus the skew), and not
overlapping another of the screen's plays by more than a transition. The database work (which
versions were served, which plays are stored) is `campaign.services.player`'s.
"""

from __future__ import annotations

import bisect
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from campaign.domain.item_ids import parse_item_id

MAX_BATCH = 1000
MAX_DURATION_S = 3600

# The reasons a play is rejected for, as the API and the pages name them.
MALFORMED = "malformed"
NOT_SERVED = "not-served"
BEFORE_SERVED = "before-served"
FUTURE = "future"
OVERLAP = "overlap"
REASONS = (MALFORMED, NOT_SERVED, BEFORE_SERVED, FUTURE, OVERLAP)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Rules:
    """What a screen's clock may be off by, and how much two plays may overlap (a cross-fade)."""

    skew_s: float = 120.0
    transition_s: float = 1.5


@dataclass(frozen=True, slots=True)
class Play:
    """A reported play that has the protocol's shape."""

    index: int  # its place in the batch
    play_id: uuid.UUID
    item_id: str
    started_at: datetime
    duration_s: float
    campaign: str | None
    message_key: str
    message_version: int | None
    lang: str | None

    @property
    def start(self) -> float:
        """Seconds since the epoch."""
        return (self.started_at - _EPOCH).total_seconds()

    def row(
        self, screen_id: int, booking_key: str | None, received_at: datetime
    ) -> dict[str, object]:
        """The play as a `play_records` row."""
        return {
            "screen_id": screen_id,
            "play_id": self.play_id,
            "item_id": self.item_id,
            "campaign": self.campaign,
            "message_key": self.message_key,
            "message_version": self.message_version,
            "lang": self.lang,
            "booking_key": booking_key,
            "started_at": self.started_at,
            "duration_s": self.duration_s,
            "received_at": received_at,
        }


@dataclass(frozen=True, slots=True)
class Rejection:
    """A reported play that does not count, with its reason code and what is wrong."""

    index: int
    reason: str
    detail: str
    play_id: uuid.UUID | None = None
    item_id: str = ""
    started_at: datetime | None = None
    duration_s: float | None = None

    def answer(self) -> dict[str, object]:
        """The rejection as the plays endpoint lists it."""
        return {"index": self.index, "detail": self.detail, "reason": self.reason}

    def row(self, screen_id: int, received_at: datetime) -> dict[str, object]:
        """The rejection as a `rejected_plays` row."""
        return {
            "screen_id": screen_id,
            "play_id": self.play_id,
            "item_id": self.item_id[:200],
            "started_at": self.started_at,
            "duration_s": self.duration_s,
            "reason": self.reason,
            "detail": self.detail[:300],
            "received_at": received_at,
        }


def parse_instant(value: object, name: str = "started_at") -> datetime:
    """A reported instant, in UTC; ValueError says what is wrong with the field `name`."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be an ISO 8601 string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} is not an ISO 8601 instant") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} needs a UTC offset (e.g. 'Z' or '-05:00')")
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{name} is out of range") from None


def parse_play(record: object, index: int = 0) -> Play:
    """One reported play, if it has the protocol's shape; ValueError says what is wrong."""
    if not isinstance(record, dict):
        raise ValueError("a play must be a JSON object")
    try:
        play_id = uuid.UUID(str(record.get("id")))
    except ValueError:
        raise ValueError("id must be a UUID") from None
    item_id = record.get("item_id")
    if not isinstance(item_id, str) or not item_id.strip() or len(item_id) > 200:
        raise ValueError("item_id must be a non-empty string of at most 200 characters")
    if not item_id.isprintable():
        raise ValueError("item_id must not contain control characters")
    started_at = parse_instant(record.get("started_at"))
    duration = record.get("duration_s")
    if isinstance(duration, bool) or not isinstance(duration, int | float):
        raise ValueError("duration_s must be a number")
    if not 0 < duration <= MAX_DURATION_S:
        raise ValueError(f"duration_s must be more than 0 and at most {MAX_DURATION_S}")
    ref = parse_item_id(item_id)
    return Play(
        index=index,
        play_id=play_id,
        item_id=item_id,
        started_at=started_at,
        duration_s=float(duration),
        campaign=(ref.campaign[:80] or None) if ref else None,
        message_key=(ref.message_key if ref else item_id)[:80],
        message_version=ref.message_version if ref else None,
        lang=ref.lang if ref else None,
    )


def malformed(record: object, index: int, detail: str) -> Rejection:
    """A record without the protocol's shape, kept with whatever of it can be read."""
    fields = record if isinstance(record, dict) else {}
    try:
        play_id: uuid.UUID | None = uuid.UUID(str(fields.get("id")))
    except ValueError:
        play_id = None
    item = fields.get("item_id")
    try:
        started_at: datetime | None = parse_instant(fields.get("started_at"))
    except ValueError:
        started_at = None
    duration = fields.get("duration_s")
    readable = isinstance(duration, int | float) and not isinstance(duration, bool)
    return Rejection(
        index,
        MALFORMED,
        detail,
        play_id=play_id,
        item_id="".join(c for c in item if c.isprintable()) if isinstance(item, str) else "",
        started_at=started_at,
        duration_s=float(duration) if readable and abs(duration) < 1e12 else None,  # type: ignore[arg-type]
    )


def _rejection(play: Play, reason: str, detail: str) -> Rejection:
    return Rejection(
        play.index,
        reason,
        detail,
        play_id=play.play_id,
        item_id=play.item_id,
        started_at=play.started_at,
        duration_s=play.duration_s,
    )


class ServedHistory:
    """The versions served to one screen, by item: since when each item could be played, and
    under which booking at any instant."""

    def __init__(self, versions: Iterable[tuple[datetime, Mapping[str, str | None]]]) -> None:
        by_item: dict[str, list[tuple[float, str | None]]] = {}
        for first_served_at, items in versions:
            at = (first_served_at - _EPOCH).total_seconds()
            for item_id, booking_key in items.items():
                by_item.setdefault(item_id, []).append((at, booking_key))
        self._times: dict[str, list[float]] = {}
        self._bookings: dict[str, list[str | None]] = {}
        for item_id, servings in by_item.items():
            servings.sort(key=lambda serving: serving[0])
            self._times[item_id] = [at for at, _ in servings]
            self._bookings[item_id] = [key for _, key in servings]

    def first_served(self, item_id: str) -> float | None:
        """When a version holding the item was first served (epoch seconds); None: never."""
        times = self._times.get(item_id)
        return times[0] if times else None

    def booking(self, item_id: str, at: float) -> str | None:
        """The booking of the latest version holding the item served by `at` (else the first)."""
        times = self._times[item_id]
        found = bisect.bisect_right(times, at) - 1
        return self._bookings[item_id][max(found, 0)]


class Timeline:
    """The plays a screen has been believed to show, by start: does a new one overlap them?"""

    def __init__(self, plays: Iterable[tuple[float, float]], transition_s: float) -> None:
        ordered = sorted(plays)
        self._starts = [start for start, _ in ordered]
        self._ends = [start + duration for start, duration in ordered]
        self._longest = max((duration for _, duration in ordered), default=0.0)
        self.transition_s = transition_s

    def overlaps(self, start: float, duration: float) -> bool:
        """Whether [start, start + duration) overlaps a play by more than the transition."""
        end, starts, ends, transition = (
            start + duration,
            self._starts,
            self._ends,
            self.transition_s,
        )
        # A play overlapping this one starts before its end, and at most the longest play's
        # duration before its start (so a loop of short slides looks at a neighbour or two).
        low = bisect.bisect_left(starts, start - self._longest)
        high = bisect.bisect_left(starts, end)
        for n in range(low, high):
            other_end = ends[n]
            other_start = starts[n]
            if (end if end < other_end else other_end) - (
                start if start > other_start else other_start
            ) > transition:
                return True
        return False

    def add(self, start: float, duration: float) -> None:
        at = bisect.bisect_right(self._starts, start)
        self._starts.insert(at, start)
        self._ends.insert(at, start + duration)
        self._longest = max(self._longest, duration)


def check_served(
    play: Play, history: ServedHistory, now: datetime, rules: Rules
) -> Rejection | str | None:
    """The rules on what was served, for one play: its rejection, or the booking it counts for
    (None: a fallback item)."""
    first = history.first_served(play.item_id)
    if first is None:
        return _rejection(
            play, NOT_SERVED, f"{play.item_id} was never in a playlist served to this screen"
        )
    start = play.start
    if start < first - rules.skew_s:
        served = (_EPOCH + timedelta(seconds=first)).isoformat().replace("+00:00", "Z")
        return _rejection(
            play,
            BEFORE_SERVED,
            f"started_at is before this screen was first served {play.item_id} (at {served})",
        )
    if play.started_at > now + timedelta(seconds=rules.skew_s):
        return _rejection(
            play, FUTURE, f"started_at is more than {rules.skew_s:g} s ahead of the server's clock"
        )
    return history.booking(play.item_id, start + rules.skew_s)


def overlap(play: Play, rules: Rules) -> Rejection:
    """The rejection of a play overlapping another of the screen's plays."""
    return _rejection(
        play,
        OVERLAP,
        f"the play overlaps another play of this screen by more than {rules.transition_s:g} s",
    )


def windows(plays: Iterable[Play]) -> list[tuple[datetime, datetime]]:
    """The spans of start instants where a stored play could overlap one of `plays`, merged: one
    overlapping [start, end) starts before `end`, and at most MAX_DURATION_S before `start`."""
    spans = sorted(
        (
            p.started_at - timedelta(seconds=MAX_DURATION_S),
            p.started_at + timedelta(seconds=p.duration_s),
        )
        for p in plays
    )
    merged: list[tuple[datetime, datetime]] = []
    for low, high in spans:
        if merged and low <= merged[-1][1]:
            if high > merged[-1][1]:
                merged[-1] = (merged[-1][0], high)
        else:
            merged.append((low, high))
    return merged
