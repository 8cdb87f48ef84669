"""The poll's answers: each screen's playlist as JSON bytes, built once per content generation."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app

from campaign.services import publishing, served_versions
from campaign.services.clock import clock_of
from campaign.services.generation import current_generation
from campaign.services.last_good_answers import KeptAnswer, LastGoodAnswers
from campaign.services.playback import NoCampaign, Playback, ScreenPlaylist
from campaign.services.poll_answers import JITTER, Answer, build_answer, poll_after
from campaign.services.screens import ScreenRef, hash_token, screens_by_token_hash

# How often a process reads the generation counter (one row): a change reaches the screens of
# every node within this plus their next poll.
CHECK_EVERY_S = 0.25
# Answers kept per process: one per screen polling this worker; a bound, not a working size.
MAX_ANSWERS = 20_000
# A served version the database would not take is noted again at most this often; a screen
# keeps at most this many of them waiting.
NOTE_RETRY_S = 5.0
MAX_UNNOTED = 8
# After the database failed a poll, polls are answered from disk this long before it is tried
# again: a database that does not answer can take seconds to say so, on every request.
OUTAGE_RETRY_S = 5.0
_EXTENSION = "campaign.player"

__all__ = [
    "JITTER",
    "Answer",
    "NoCampaign",
    "PlayerCache",
    "ScreenRef",
    "build_answer",
    "cache",
    "poll_after",
]


@dataclass(frozen=True)
class _Unnoted:
    """A served version not recorded yet (the database refused): noted again before it counts."""

    screen_id: int
    version: str
    items: dict[str, str | None]
    at: datetime
    retry_at: float  # monotonic


class PlayerCache:
    """Per-process caches for the player API: tokens, the network's playback and every answer.

    All of it is dropped when the content generation moves; the counter is read at most once
    every CHECK_EVERY_S. The instant is the app's clock; `monotonic` can be replaced in tests.
    Each answer built is recorded as served to its screen (`served_versions`), which is what the
    screen's plays are checked against; one the database would not take is kept off the fast
    path and noted again at the screen's next poll. Each token's answer is also kept on disk
    (`last_good`), written when its version changes, to answer while the database is unusable.
    With publishing on, each answer built is also published for its screen (`publishing`): the
    warm paths never write.
    """

    def __init__(self, app: Flask) -> None:
        self.clock = clock_of(app)
        self.monotonic: Callable[[], float] = self.clock.monotonic
        self.generation: int | None = None
        self.checked_at = float("-inf")
        self.tokens: dict[str, ScreenRef] | None = None
        self.playback: Playback | None = None
        self.answers: dict[str, Answer] = {}
        # Servings the database refused, by screen code, oldest first: kept across content
        # changes (they happened all the same), noted again at the screen's next poll.
        self.unnoted: dict[str, list[_Unnoted]] = {}
        self.refs: tuple[dict[str, ScreenRef], dict[str, ScreenRef]] | None = None  # by code
        self.last_good = LastGoodAnswers(Path(app.config["PLAYER_LAST_GOOD_DIR"]))
        self.kept: dict[str, str] = {}  # token hash -> the version this process wrote to disk
        self.unusable_until = float("-inf")  # monotonic: polls skip the database until then
        # Rebuilding is rare; a lock keeps threaded servers from building the same thing twice.
        self.lock = threading.RLock()

    def sync(self) -> None:
        """Drop every cache if the content generation moved (read at most every CHECK_EVERY_S)."""
        moment = self.monotonic()
        if moment - self.checked_at < CHECK_EVERY_S:
            return
        generation = current_generation()
        with self.lock:
            self.checked_at = moment
            if generation != self.generation:
                self.generation, self.tokens, self.playback = generation, None, None
                self.answers = {}

    def screen_for(self, token: str) -> ScreenRef | None:
        tokens = self.tokens
        if tokens is None:
            with self.lock:
                read_at = time.time()
                tokens = self.tokens = screens_by_token_hash()
                # Revoked and rotated tokens lose their answer on disk (on every content
                # change: revoking one is one); while the database is down, disk is the check.
                self.last_good.prune(tokens, read_at)
                self.kept = {key: v for key, v in self.kept.items() if key in tokens}
        key = hash_token(token)
        screen = tokens.get(key)
        if screen is None:
            self.last_good.forget(key)
        return screen

    def warm_answer(self, token: str) -> Answer | None:
        """The token's answer when everything it takes is cached and fresh, without touching the
        database or the app; None means the request must take the full path (which warms it)."""
        if self.monotonic() - self.checked_at >= CHECK_EVERY_S:
            return None
        tokens, answers = self.tokens, self.answers
        if tokens is None:  # dropped with the answers and the playback, in one statement
            return None
        screen = tokens.get(hash_token(token))
        answer = None if screen is None else answers.get(screen.code)
        if answer is None or self.clock.now() >= answer.valid_until:
            return None
        if self.unnoted and screen.code in self.unnoted:  # type: ignore[union-attr]
            return None
        return answer

    def answer(self, code: str, token: str | None = None) -> Answer:
        """The screen's current answer: cached until its valid_until or a content change. With
        the `token` that asked, the answer is kept on disk whenever its version changes."""
        cached = self.answers.get(code)
        now = self.clock.now()
        if cached is not None and now < cached.valid_until and self.tokens is not None:
            if self.unnoted and code in self.unnoted:
                self._note_again(code)
            return self._keep(token, cached)
        with self.lock:
            cached = self.answers.get(code)  # another thread may have built it meanwhile
            if cached is not None and now < cached.valid_until and self.tokens is not None:
                return self._keep(token, cached)
            # What the disk keeps for the token, read once for this cold poll.
            found = None if token is None else self.last_good.load(hash_token(token))
            settings = _settings_digest()
            shared = self._built_elsewhere(code, found, now, settings)
            if shared is not None:
                self.answers[code] = shared
                return self._keep(token, shared, found, settings)
            if self.playback is None:
                self.playback = Playback()
            playlist = self.playback.screen_playlist(code, now)
            ref = self._ref(code)
            publish_id = None if ref is None else ref.publish_id
            answer = build_answer(
                playlist,
                now,
                current_app.config["PLAYER_POLL_SECONDS"],
                publishing.published_url(publish_id),
            )
            if len(self.answers) >= MAX_ANSWERS:
                self.answers = {}
            self.answers[code] = answer
            if code in self.unnoted or not self._kept_already(token, answer, found):
                self._note(code, playlist, now)
            publishing.publish(publish_id, answer, now)  # if changed; never fails the poll
        return self._keep(token, answer, found, settings)

    def _keep(
        self,
        token: str | None,
        answer: Answer,
        found: KeptAnswer | None = None,
        settings: str | None = None,
    ) -> Answer:
        """Write the answer to disk unless this version is kept there already (looked at once per
        process and version: the warm path never comes here, a cold one compares two strings).
        `found` is what the disk was seen to keep, if this poll read it already; `settings`, the
        digest of the settings the answer was built with."""
        if token is None:
            return answer
        key = hash_token(token)
        kept = self.kept.get(key)
        if kept == answer.version:
            return answer
        # Noted even if the disk refused (logged): tried again at the next version.
        self.kept[key] = answer.version
        # Another process may have kept this version already (the node's other workers, other
        # nodes on a shared folder, this one before a restart): a read costs less than a synced
        # write, and after a content change every worker comes here for each of its screens.
        if found is None:
            found = self.last_good.load(key)
        if found is not None and found.etag == answer.etag:
            return answer
        kept_answer = KeptAnswer(
            answer.etag,
            answer.body,
            self.generation,
            answer.valid_until,
            settings or _settings_digest(),
        )
        self.last_good.save(key, kept_answer)
        return answer

    def _built_elsewhere(
        self, code: str, found: KeptAnswer | None, now: datetime, settings: str
    ) -> Answer | None:
        """The answer another process (the node's other workers, another node on a shared
        folder) built for this token on this content generation with the same settings, kept on
        disk (`found`) and still valid: served as it is, for that process noted it as served and
        published it. Its content is of that generation or a later one (the generation is read
        before the content). A process with other settings (publishing newly turned on, another
        poll interval: a node restarted with a new configuration) builds its own."""
        if found is None or self.generation is None or code in self.unnoted:
            return None
        if found.generation != self.generation or found.valid_until is None:
            return None
        if found.settings != settings:
            return None
        if now >= found.valid_until:
            return None
        return Answer(found.etag.strip('"'), found.etag, found.body, found.valid_until)

    def _kept_already(self, token: str | None, answer: Answer, found: KeptAnswer | None) -> bool:
        """Whether this version is kept for the token already, by this process or another (the
        node's other workers, other nodes on a shared folder; `found` is what the disk keeps).
        It was noted as served when it was first kept (a note the database refused is retried by
        the process that made it), so it is not noted again: after a content change every worker
        builds each of its screens' answers, and a note is most of what a cold answer costs."""
        if token is None:
            return False
        if self.kept.get(hash_token(token)) == answer.version:
            return True
        return found is not None and found.etag == answer.etag

    def last_good_answer(self, token: str) -> KeptAnswer | None:
        """The token's last good answer on disk (the database is not asked), or None."""
        return self.last_good.load(hash_token(token))

    def database_failed(self) -> None:
        """A poll found the database unusable: answer polls from disk for a while."""
        self.unusable_until = self.monotonic() + OUTAGE_RETRY_S

    def database_presumed_down(self) -> bool:
        return self.monotonic() < self.unusable_until

    def _note(self, code: str, playlist: ScreenPlaylist, now: datetime) -> None:
        """Record the version as served to the screen, after any earlier serving not recorded
        yet (so the first serving is the one kept); what the database refuses is kept for later."""
        screen_id = self._screen_id(code)
        if screen_id is None:  # the screen went away meanwhile: nobody can report plays on it
            self.unnoted.pop(code, None)
            return
        items = served_versions.playlist_items(playlist)
        served = _Unnoted(screen_id, playlist.version, items, now, retry_at=0.0)
        self._flush(code, [*self.unnoted.pop(code, []), served])

    def _note_again(self, code: str) -> None:
        with self.lock:
            pending = self.unnoted.get(code)
            if not pending or self.monotonic() < pending[0].retry_at:
                return
            self._flush(code, self.unnoted.pop(code))

    def _flush(self, code: str, pending: list[_Unnoted]) -> None:
        """Note the servings in order; at the first refusal (the database is busy or down) keep
        it and the rest for later, so one poll makes at most one attempt that fails."""
        for n, served in enumerate(pending):
            if not served_versions.note_served(
                served.screen_id, served.version, served.items, served.at
            ):
                retry_at = self.monotonic() + NOTE_RETRY_S
                left = pending[n:][-MAX_UNNOTED:]
                self.unnoted[code] = [replace(s, retry_at=retry_at) for s in left]
                return

    def _ref(self, code: str) -> ScreenRef | None:
        """The screen `code` as the tokens read name it (None: not read, or no live token)."""
        tokens = self.tokens
        if tokens is None:
            return None
        refs = self.refs
        if refs is None or refs[0] is not tokens:  # made again whenever the tokens are read
            refs = self.refs = (tokens, {ref.code: ref for ref in tokens.values()})
        return refs[1].get(code)

    def _screen_id(self, code: str) -> int | None:
        ref = self._ref(code)
        if ref is not None:
            return ref.id
        return served_versions.screen_id_for(code)


def _settings_digest() -> str:
    """A digest of the app's settings that shape an answer's body besides the content."""
    config = current_app.config
    shaped_by = [config["PLAYER_POLL_SECONDS"], publishing.url_prefix()]
    return hashlib.sha256(repr(shaped_by).encode()).hexdigest()[:16]


def cache(app: Flask | None = None) -> PlayerCache:
    """The app's player cache (one per app per process)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(_EXTENSION)
    if found is None:
        found = app.extensions[_EXTENSION] = PlayerCache(app)
    return found  # type: ignore[no-any-return]
