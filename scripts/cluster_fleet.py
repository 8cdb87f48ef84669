"""The simulated players of `make cluster-test`: each polls through nginx, plays its first item
every two seconds and reports its plays every ten until the server has acknowledged them."""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

PLAYLIST = "/api/v1/player/playlist"


@dataclass
class Player:
    """One simulated screen: polls through nginx, plays its first item, reports its plays."""

    token: str
    port: int
    versions: list[tuple[float, str]] = field(default_factory=list)
    answered: list[float] = field(default_factory=list)  # when polls were answered (monotonic)
    failures: list[float] = field(default_factory=list)
    made: set[str] = field(default_factory=set)  # play ids made
    acknowledged: set[str] = field(default_factory=set)
    pending: list[dict] = field(default_factory=list)
    item: str | None = None
    connection: http.client.HTTPConnection | None = None

    def call(self, method: str, path: str, body: dict | None = None, etag: str | None = None):  # type: ignore[no-untyped-def]
        headers = {"Authorization": f"Bearer {self.token}"}
        if etag:
            headers["If-None-Match"] = etag
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = None
            raise

    def poll(self) -> None:
        version = self.versions[-1][1] if self.versions else None
        try:
            status, body = self.call("GET", PLAYLIST, etag=f'"{version}"' if version else None)
        except (OSError, http.client.HTTPException):
            self.failures.append(time.monotonic())
            return
        if status == 200:
            answer = json.loads(body)
            self.item = answer["items"][0]["id"]
            if answer["version"] != version:
                self.versions.append((time.monotonic(), answer["version"]))
        elif status != 304:
            self.failures.append(time.monotonic())
            return
        self.answered.append(time.monotonic())

    def play(self) -> None:
        if self.item is None:
            return
        play_id = str(uuid.uuid4())
        self.made.add(play_id)
        started = datetime.now(UTC).isoformat()
        self.pending.append(
            {"id": play_id, "item_id": self.item, "started_at": started, "duration_s": 1}
        )

    def report(self) -> bool:
        """Send what is pending; True when the server has answered all of it."""
        if not self.pending:
            return True
        batch = list(self.pending)
        try:
            status, body = self.call("POST", "/api/v1/player/plays", {"plays": batch})
        except (OSError, http.client.HTTPException):
            return False
        if status != 200:
            return False
        answer = json.loads(body)
        if answer["rejected"]:
            raise AssertionError(f"plays rejected: {answer['rejected'][:3]}")
        self.acknowledged.update(p["id"] for p in batch)
        self.pending = [p for p in self.pending if p["id"] not in self.acknowledged]
        return True


class Fleet:
    """The players, each on its own thread: a poll every half second, a play every two, a report
    every ten. Each starts at its own moment, as screens switched on one by one do: a fleet in
    lockstep would send 200 reports in the same instant, every time (the reference web player
    reports every 15 s)."""

    POLL_S = 0.5
    PLAY_EVERY = 4  # polls
    REPORT_EVERY = 20  # polls

    def __init__(self, tokens: list[str], port: int) -> None:
        self.players = [Player(token, port) for token in tokens]
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(p,)) for p in self.players]

    def _run(self, player: Player) -> None:
        jitter = random.Random(player.token)
        if self.stop.wait(jitter.uniform(0, self.POLL_S)):
            return
        step = jitter.randrange(self.REPORT_EVERY)
        while not self.stop.is_set():
            player.poll()
            if step % self.PLAY_EVERY == 0:
                player.play()
            if step % self.REPORT_EVERY == 0:
                player.report()
            step += 1
            self.stop.wait(self.POLL_S)
        deadline = time.monotonic() + 30  # what is still pending goes before the player stops
        while not player.report() and time.monotonic() < deadline:
            time.sleep(0.5)

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()
