"""Published playlists: each screen's poll answer as a static file, for nginx or a CDN to serve."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from flask import Flask, current_app
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.network import Screen
from campaign.services.atomic_files import remove_unkept, write_atomically
from campaign.services.generation import current_generation
from campaign.services.last_good_answers import LastGoodAnswers
from campaign.services.playback import NoCampaign, Playback
from campaign.services.poll_answers import Answer, build_answer, stamp

log = logging.getLogger(__name__)

# With PUBLISH_DIR set, a screen with a live token has a publish id (32 random bytes, URL-safe,
# made with each token, cleared when it is revoked) and its poll answer is kept, byte for byte as
# the API built it, in `<PUBLISH_DIR>/<publish_id>.json`, served at PUBLISH_URL. A file is
# rewritten only when what it says changes, so the static server's ETag changes only then: not
# for a new `generated_at`, nor for a later `valid_until` of the same version (an unchanged loop's
# horizon moves with each build; the file's own still holds, and the job rewrites it once it
# passes). It is written where the poll builds an answer, and by the `publish-playlists` job when
# the content generation moves or a file's `valid_until` passes; it is removed when its token is
# revoked or rotated, and by the job once no screen has its id. Writes are atomic (a temporary
# file, fsync, os.replace): a reader sees the previous body or the new one, never half of one.

ID_BYTES = 32  # token_urlsafe: 43 characters of A-Z a-z 0-9 - _
SUFFIX = ".json"
DEFAULT_URL = "/published"
# After the generation moves the job compares every file with its answer on disk this many
# runs: a web process still on the previous generation (for up to a second) may have written.
RECHECK_RUNS = 2
_ID = re.compile(r"[A-Za-z0-9_-]{43}")
_EXTENSION = "campaign.publishing"


def new_publish_id() -> str:
    """A fresh publish id: random, long, and saying nothing about the screen or its token."""
    return secrets.token_urlsafe(ID_BYTES)


def folder() -> Path | None:
    """Where playlists are published (PUBLISH_DIR); None: publishing is off."""
    value = current_app.config.get("PUBLISH_DIR", "")
    return Path(value) if value else None


def url_prefix() -> str | None:
    """Where the static server gives the published playlists (PUBLISH_URL); None: off."""
    if folder() is None:
        return None
    return str(current_app.config.get("PUBLISH_URL", DEFAULT_URL)).rstrip("/")


def published_url(publish_id: str | None) -> str | None:
    """The URL the static server gives the screen's published playlist at, if it is published."""
    prefix = url_prefix()
    if publish_id is None or prefix is None:
        return None
    return f"{prefix}/{publish_id}{SUFFIX}"


@dataclass
class _State:
    """This process's knowledge of the published files, per app."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    # publish id -> what this process wrote there: (digest, valid_until), see `_kept`
    written: dict[str, tuple[str, str]] = field(default_factory=dict)
    # The job's: the generation its answers are of, their playback, and each id's valid_until.
    generation: int | None = None
    playback: Playback | None = None
    due: dict[str, datetime] = field(default_factory=dict)
    rechecks: int = 0


def _state(app: Flask | None = None) -> _State:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(_EXTENSION)
    if found is None:
        found = app.extensions[_EXTENSION] = _State()
    return found  # type: ignore[no-any-return]


def _path(directory: Path, publish_id: str) -> Path:
    if not _ID.fullmatch(publish_id):
        raise ValueError("a published playlist is named by a publish id")
    return directory / f"{publish_id}{SUFFIX}"


def _kept(body: bytes) -> tuple[str, str] | None:
    """What a body says but its instants, as a digest, and its valid_until (a UTC stamp, which
    sorts as its instant); None if it is not an answer."""
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    if not isinstance(answer, dict) or not isinstance(answer.get("valid_until"), str):
        return None
    answer.pop("generated_at", None)
    valid_until = answer.pop("valid_until")
    canonical = json.dumps(answer, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest(), valid_until


@dataclass(frozen=True)
class Published:
    """The outcome of `publish`: whether the file was written, and the valid_until it says."""

    written: bool
    valid_until: datetime | None  # None: not published (off, no id, or the disk refused)


def publish(
    publish_id: str | None, answer: Answer, now: datetime, *, verify: bool = False
) -> Published:
    """Publish the screen's answer at `now` unless the file already says the same (the same
    version, its valid_until not passed and not later than the answer's). This process
    remembers what it wrote; with `verify`, or when that differs, the file on disk is read
    instead. A disk that refuses is logged, never raised."""
    directory = folder()
    if publish_id is None or directory is None:
        return Published(False, None)
    new = _kept(answer.body)
    assert new is not None, "an answer has a valid_until"
    state = _state()
    path = _path(directory, publish_id)

    def says_the_same(kept: tuple[str, str] | None) -> bool:
        return kept is not None and kept[0] == new[0] and stamp(now) < kept[1] <= new[1]

    with state.lock:
        known = None if verify else state.written.get(publish_id)
        if not says_the_same(known):
            # Another process may have published this answer since (after a content change
            # every worker builds each of its screens' answers): a read costs less than a
            # synced write.
            try:
                known = _kept(path.read_bytes())
            except OSError:
                known = None
        if known is not None and says_the_same(known):
            state.written[publish_id] = known
            return Published(False, _instant(known[1]))
        if not _write(directory, path, answer.body):
            state.written.pop(publish_id, None)
            return Published(False, None)
        state.written[publish_id] = new
    return Published(True, answer.valid_until)


def _instant(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _write(directory: Path, path: Path, body: bytes) -> bool:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        write_atomically(directory, path, body, mode=0o644)  # 0600 would keep nginx out
    except OSError as exc:
        log.warning("a screen's playlist was not published: %s", exc.strerror or exc)
        return False
    return True


def unpublish(publish_id: str | None) -> None:
    """Remove the screen's published playlist at once (its token was revoked or rotated)."""
    directory = folder()
    if publish_id is None or directory is None:
        return
    state = _state()
    with state.lock:
        state.written.pop(publish_id, None)
        state.due.pop(publish_id, None)
        try:
            _path(directory, publish_id).unlink(missing_ok=True)
        except (OSError, ValueError) as exc:
            log.warning("a revoked token's published playlist was not removed: %s", exc)


@dataclass(frozen=True)
class PublishRun:
    """What a run of the job did."""

    screens: int  # screens published
    written: int  # files written (their content changed)
    removed: int  # files removed (no screen has their id)

    def summary(self) -> str:
        # Empty when nothing changed, as most runs (every two seconds): not worth a log line.
        if not self.written and not self.removed:
            return ""
        return f"{self.written} published, {self.removed} removed, of {self.screens} screens"


class _Live(NamedTuple):
    """A screen with a live token and a publish id."""

    publish_id: str
    token_hash: str


def _live() -> dict[str, _Live]:
    """Every screen with a live token and a publish id, by code."""
    rows = db.session.execute(
        select(Screen.code, Screen.publish_id, Screen.token_hash).where(
            Screen.token_hash.is_not(None),
            Screen.token_revoked_at.is_(None),
            Screen.publish_id.is_not(None),
        )
    )
    return {code: _Live(publish_id, token_hash) for code, publish_id, token_hash in rows}


def _published_by_a_poll(
    directory: Path, screen: _Live, generation: int, now: datetime, kept: LastGoodAnswers
) -> datetime | None:
    """The valid_until of the screen's published file if it says what a poll answered on
    `generation` (the answer kept on disk for the screen's token, tagged with it) and still
    holds; None otherwise. A poll publishes before it keeps, so a file that a process still on
    an earlier generation wrote over it afterwards says something else, and is built again."""
    found = kept.load(screen.token_hash)
    if found is None or found.generation != generation:
        return None
    try:
        published = _kept(_path(directory, screen.publish_id).read_bytes())
    except OSError:
        return None
    answered = _kept(found.body)
    if published is None or answered is None or published[0] != answered[0]:
        return None
    return _instant(published[1]) if stamp(now) < published[1] else None


def publish_all(now: datetime) -> PublishRun:
    """The job: republish every screen whose answer may have changed since the last run (the
    content generation moved, or its `valid_until` passed) and remove the files of ids no
    screen has. Run twice for the same instant, it writes nothing the second time. A screen
    whose file a poll already published on this generation is not built again: after a change
    the screens' polls build their answers within a second, and the job would build them all
    again at the same moment, on the same cores."""
    directory = folder()
    if directory is None:
        return PublishRun(0, 0, 0)
    read_at = time.time()
    state = _state()
    generation = current_generation()
    live = _live()
    kept = LastGoodAnswers(Path(current_app.config["PLAYER_LAST_GOOD_DIR"]))
    if generation != state.generation:
        state.generation, state.playback, state.due = generation, None, {}
        state.rechecks = RECHECK_RUNS
    verify = state.rechecks > 0
    poll_seconds = int(current_app.config["PLAYER_POLL_SECONDS"])
    written = published = 0
    wrote: list[str] = []
    try:
        for code, screen in sorted(live.items()):
            publish_id = screen.publish_id
            due = state.due.get(publish_id)
            if not verify and due is not None and now < due:
                published += 1
                continue
            by_poll = _published_by_a_poll(directory, screen, generation, now, kept)
            if by_poll is not None:
                state.due[publish_id] = by_poll
                published += 1
                continue
            if state.playback is None:
                state.playback = Playback()
            try:
                playlist = state.playback.screen_playlist(code, now)
            except KeyError:  # a screen in no campaign's network: the poll has nothing either
                live.pop(code)
                continue
            answer = build_answer(playlist, now, poll_seconds, published_url(publish_id))
            done = publish(publish_id, answer, now, verify=verify)
            written += done.written
            if done.written:
                wrote.append(publish_id)
            # Rebuilt when the file's own valid_until passes (None: the disk refused; next run).
            if done.valid_until is not None:
                state.due[publish_id] = done.valid_until
            published += 1
    except NoCampaign:  # the poll answers 404: no file should say otherwise
        live = {}
    state.rechecks = max(0, state.rechecks - 1)
    if wrote:
        live = _revoked_meanwhile(wrote, live)
    ids = {screen.publish_id for screen in live.values()}
    state.due = {key: due for key, due in state.due.items() if key in ids}
    removed = _prune(directory, ids, read_at, state)
    return PublishRun(published, written, removed)


def _revoked_meanwhile(wrote: list[str], live: dict[str, _Live]) -> dict[str, _Live]:
    """Remove what this run wrote for tokens revoked while it ran (their `unpublish` may have
    come before the write); the screens still live. Read again after the writes, so a token
    revoked later has its own `unpublish` after them."""
    db.session.commit()  # the run's reads end here: what follows sees the revocations since
    still = {screen.publish_id for screen in _live().values()}
    for publish_id in wrote:
        if publish_id not in still:
            unpublish(publish_id)
    return {code: screen for code, screen in live.items() if screen.publish_id in still}


def _prune(directory: Path, ids: set[str], read_at: float, state: _State) -> int:
    """Remove the files of ids not in `ids` (as read at `read_at`, a time.time()), and temporary
    files left by writers that died. A file written since `read_at` is kept: another process may
    have read a token issued meanwhile."""
    removed, keys = remove_unkept(
        directory, SUFFIX, lambda key: key in ids or not _ID.fullmatch(key), read_at
    )
    with state.lock:
        for key in keys:
            state.written.pop(key, None)
    return removed
