"""A restartable live app on one loopback port, a short-item plan, and a player page driven by
the browser's clock control, with the server's clock kept in step with it."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask, request
from sqlalchemy import func, select
from werkzeug.serving import BaseWSGIServer, make_server

from campaign.extensions import db
from campaign.persistence.player import PlayRecord, RejectedPlay
from campaign.services.clock import clock_of
from campaign.services.plans import load_plan
from tests.browser.conftest import LIVE_NOW
from tests.conftest import DEMO_PLAN, DEMO_TODAY, make_test_app

# Reading time then rounds up to its 2 s base plus one: every slot lasts what its booking says.
FAST_READERS = 1_000_000


def short_plan(slot_seconds: int) -> str:
    """The demo plan with every booking's slot this many seconds long."""
    text = DEMO_PLAN.read_text(encoding="utf-8")
    for seconds in (10, 12, 15):
        text = text.replace(f"slot_seconds = {seconds}\n", f"slot_seconds = {slot_seconds}\n")
    return text


def player_app(tmp_path: Path, slot_seconds: int) -> Flask:
    app = make_test_app(
        f"sqlite:///{tmp_path / 'player.db'}",
        tmp_path,
        WTF_CSRF_ENABLED=True,
        WORDS_PER_MINUTE=FAST_READERS,
        # The limit counts real minutes; here an hour of the page's clock passes in seconds.
        PLAYS_RATE_LIMIT="100000 per minute",
    )
    clock_of(app).set(LIVE_NOW)
    app.config["PLAYS_RECEIVED"] = received = {"accepted": 0, "duplicates": 0, "rejected": 0}

    @app.after_request
    def count_plays(response):  # what the server answered to each batch, summed
        if request.path == "/api/v1/player/plays" and response.status_code == 200:
            answer = response.get_json()
            for key in received:
                received[key] += answer[key] if key != "rejected" else len(answer[key])
        return response

    with app.app_context():
        db.create_all()
        load_plan(short_plan(slot_seconds), demo_today=DEMO_TODAY)
    return app


class LiveApp:
    """The app served on one fixed port, which can be stopped (connections refused) and
    started again: the player's origin, its service worker and its storage stay the same."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        # socketserver listens with a backlog of 5; the worker fetches its files all at once.
        self._server.socket.listen(128)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def plays(self) -> tuple[int, int, int]:
        """(plays stored, distinct play ids, plays rejected)."""
        with self.app.app_context():
            stored = db.session.scalar(select(func.count()).select_from(PlayRecord)) or 0
            distinct = db.session.scalar(select(func.count(func.distinct(PlayRecord.play_id))))
            rejected = db.session.scalar(select(func.count()).select_from(RejectedPlay)) or 0
            db.session.remove()
        return stored, distinct or 0, rejected

    def durations(self) -> list[float]:
        with self.app.app_context():
            found = list(db.session.scalars(select(PlayRecord.duration_s)))
            db.session.remove()
        return found


class PlayerPage:
    """A player page on the browser's clock, with the server's clock moved along with it."""

    def __init__(self, page, live: LiveApp) -> None:
        self.page = page
        self.live = live
        # Paused: the page's time moves only when a test runs it, so no item ends on its own
        # between two steps (and durations are exact).
        page.clock.install(time=LIVE_NOW - timedelta(seconds=1))
        page.clock.pause_at(LIVE_NOW)

    def wait_shown(self, timeout_s: float = 20) -> None:
        """Runs the paused clock a little at a time until a slide is on screen (a start: its
        first poll, pictures and decoding take real time too)."""
        deadline = datetime.now(UTC) + timedelta(seconds=timeout_s)
        while not self.page.locator("img.slide.shown").count():
            if datetime.now(UTC) > deadline:
                raise AssertionError("no slide was shown")
            self.page.clock.run_for(100)
            self.page.wait_for_timeout(50)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.page.evaluate("Date.now()") / 1000, UTC)

    def settle(self) -> None:
        self.page.wait_for_function("() => window.campaignPlayer !== undefined", polling=50)
        self.page.evaluate("() => window.campaignPlayer.settled()")

    def run(self, seconds: float) -> None:
        """Let `seconds` pass on the page's clock (and the server's), then let it settle."""
        self.page.clock.run_for(int(seconds * 1000))
        clock_of(self.live.app).set(self.now())
        self.settle()

    def shown(self) -> str | None:
        return self.page.evaluate(
            "() => document.querySelector('img.slide.shown')?.dataset.item ?? null"
        )

    def playlist(self) -> dict:
        return self.page.evaluate("() => window.campaignPlayer.loop.playlist")

    def queued(self) -> int:
        return self.page.evaluate("() => window.campaignPlayer.queue.length()")

    def drain(self, tries: int = 50) -> int:
        """Has the player send what it has queued, now (the clock stays put: no new play is
        made meanwhile), until its queue is empty or `tries` are spent: the queue's length."""
        for _ in range(tries):
            self.page.evaluate("() => window.campaignPlayer.reporter.send()")
            if self.queued() == 0:
                return 0
            self.page.wait_for_timeout(100)
        return self.queued()

    def run_until_stored(self, plays: int, seconds: float = 5, steps: int = 100) -> int:
        """Lets the clock run until the server has stored `plays` plays: how many it has."""
        for _ in range(steps):
            stored = self.live.plays()[0]
            if stored >= plays:
                return stored
            self.run(seconds)
        return self.live.plays()[0]


def until(check, page, timeout_s: float = 15) -> None:
    """Waits in real time (the page's clock stays put) for `check()` to hold."""
    deadline = datetime.now(UTC) + timedelta(seconds=timeout_s)
    while not check():
        if datetime.now(UTC) > deadline:
            raise AssertionError("timed out waiting")
        page.wait_for_timeout(50)
