"""Whether a screen is online, from its heartbeats, and whether it plays the current loop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from campaign.persistence.network import Screen
from campaign.services.playback import NoCampaign, Playback

# A screen polls every PLAYER_POLL_SECONDS and sends a heartbeat as often; three missed in a
# row is more than a slow network or a restart: it is offline.
MISSED_POLLS = 3

ONLINE, OFFLINE, NEVER_SEEN = "online", "offline", "never_seen"


@dataclass(frozen=True)
class Health:
    """A screen's health at an instant."""

    state: str  # ONLINE, OFFLINE or NEVER_SEEN
    last_seen_at: datetime | None
    threshold_s: int  # seen within this many seconds: online
    playing_version: str | None  # what its last heartbeat said it plays
    # The version of the loop it should play now; None: no campaign plays on it; "": some
    # slide of it is not drawn yet (a poll draws before answering, so no screen has it yet).
    current_version: str | None
    has_token: bool
    # When the scheduler marked it offline (its last heartbeat + the threshold); None while it
    # is online, or before the sweep has noticed.
    offline_since: datetime | None = None

    @property
    def behind(self) -> bool:
        """It reported playing a loop other than the current one."""
        if self.playing_version is None or self.current_version is None:
            return False
        return self.playing_version != self.current_version

    @property
    def up_to_date(self) -> bool:
        return self.playing_version is not None and self.playing_version == self.current_version


def threshold_seconds() -> int:
    """Seen within this many seconds: online (MISSED_POLLS poll intervals)."""
    return MISSED_POLLS * int(current_app.config["PLAYER_POLL_SECONDS"])


def offline_after(last_seen_at: datetime) -> datetime:
    """The instant a screen last heard from at `last_seen_at` counts as offline."""
    return last_seen_at + timedelta(seconds=threshold_seconds())


def is_online(last_seen_at: datetime | None, now: datetime) -> bool:
    """Heard from within the threshold: the one rule of "online" for every page and job."""
    return last_seen_at is not None and now - last_seen_at <= timedelta(seconds=threshold_seconds())


def health(row: Screen, current_version: str | None, now: datetime) -> Health:
    """The health of the screen `row` at `now`, given the version it should play."""
    limit = threshold_seconds()
    seen = row.last_seen_at
    if seen is None:
        state = NEVER_SEEN
    elif is_online(seen, now):
        state = ONLINE
    else:
        state = OFFLINE
    return Health(
        state=state,
        last_seen_at=seen,
        threshold_s=limit,
        playing_version=row.playing_version,
        current_version=current_version,
        has_token=row.token_hash is not None and row.token_revoked_at is None,
        offline_since=row.offline_since,
    )


def current_versions(codes: list[str], now: datetime) -> dict[str, str | None]:
    """The version each screen should play at `now` (as its poll would answer), without
    drawing anything: "" where a slide is not drawn yet, None where no campaign plays."""
    try:
        playback = Playback()
    except NoCampaign:
        return dict.fromkeys(codes)
    versions: dict[str, str | None] = {}
    for code in codes:
        if code not in playback.screens:
            versions[code] = None
            continue
        versions[code] = playback.screen_playlist(code, now, draw=False).version
    return versions
