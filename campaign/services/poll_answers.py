"""The poll's answer as bytes: what the playlist poll sends and a published file holds."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from campaign.services.playback import ScreenPlaylist

JITTER = 0.2  # poll_after_s is the base interval ± 20 %, so a fleet spreads its polls


@dataclass(frozen=True)
class Answer:
    """A screen's prebuilt playlist response."""

    version: str
    etag: str
    body: bytes
    valid_until: datetime


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def poll_after(code: str, version: str, base: int) -> int:
    """The base interval ± JITTER, fixed for a screen and version so a cached body stays valid."""
    fraction = int.from_bytes(hashlib.sha256(f"{code}/{version}".encode()).digest()[:4]) / 2**32
    return max(1, round(base * (1 - JITTER + 2 * JITTER * fraction)))


def build_answer(
    playlist: ScreenPlaylist, now: datetime, poll_seconds: int, published_url: str | None = None
) -> Answer:
    """A screen's playlist as the poll's body (docs/player-protocol.md), built once. The
    `published_url` is where the same body is published, if it is (not part of the version)."""
    code, version = playlist.screen.code, playlist.version
    body: dict[str, object] = {
        "screen": playlist.screen_json(),
        "version": version,
        "generated_at": stamp(now),
        "valid_until": stamp(playlist.valid_until),
        "poll_after_s": poll_after(code, version, poll_seconds),
        "items": [shown.as_json() for shown in playlist.items],
        "fallback": [shown.as_json() for shown in playlist.fallback],
    }
    if published_url is not None:
        body["published_url"] = published_url
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Answer(version, f'"{version}"', data, playlist.valid_until)
