"""Benchmark of the player poll under gunicorn, against a constant-body Flask app as control."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DURATION_S = 6.0
CLIENTS = 4
WORKERS = 2
WRK_CONNECTIONS = 8
ROUNDS = 3  # the three loads alternate, so drift on a shared machine touches them alike
TOKENS_USED = 200  # the 200-run spreads its requests over this many screens' tokens
PLAYLIST = "/api/v1/player/playlist"


def control_app() -> Any:
    """A minimal Flask app answering a constant body of the playlist's size (the control)."""
    from flask import Flask, Response

    app = Flask("control")
    body = b"x" * int(os.environ.get("BENCH_BODY_BYTES", "4000"))

    @app.get(PLAYLIST)
    def constant() -> Response:
        return Response(body, mimetype="application/json", headers={"Cache-Control": "no-cache"})

    return app


def _cheap_slide(message: Any, lang: str, width: int, height: int, *_: Any, **__: Any) -> bytes:
    """A small unique PNG: the bench measures polls, not drawing 1,000 text slides."""
    from PIL import Image

    out = BytesIO()
    image = Image.new("RGB", (64, 36), (hash(message.key) % 256, len(lang) * 40, 90))
    image.save(out, "PNG", pnginfo=None)
    return out.getvalue() + f"{message.key}{message.version}{lang}{width}x{height}".encode()


def _prepare(instance: Path) -> tuple[list[str], int]:
    """Load the synthetic network into SQLite, issue tokens, pre-render; tokens and body size."""
    import tomli_w

    from bench.engine import AT, synthetic_network
    from campaign import create_app
    from campaign.domain.plan_writer import plan_to_document
    from campaign.domain.plans import Plan, shift_plan
    from campaign.extensions import db
    from campaign.services import plans, playback, renditions, screens

    network = synthetic_network()
    # A plan load checks what the engine bench does not: lowercase keys, portrait screens taller
    # than wide, approved messages complete in every language.
    from campaign.domain.model import MessageStatus, Orientation

    portrait = Orientation.PORTRAIT
    plan = Plan(
        campaign=network.campaign,
        partners=(),
        hubs=tuple(network.hubs.values()),
        zones=tuple(network.zones.values()),
        screens=tuple(
            replace(s, width=s.height, height=s.width) if s.orientation == portrait else s
            for s in network.screens.values()
        ),
        phases=network.phases,
        messages=tuple(
            replace(
                m,
                key=m.key.lower(),
                status=m.status if len(m.texts) == 2 else MessageStatus.DRAFT,
            )
            for m in network.messages.values()
        ),
        bookings=tuple(
            replace(b, key=b.key.lower(), message_key=b.message_key.lower())
            for b in network.bookings
        ),
    )
    now = datetime.now(UTC)
    plan = shift_plan(plan, (now.date() - AT.date()).days)  # live today, as on AT
    app = create_app({"INSTANCE_PATH": instance, "SECRET_KEY": "bench", "TESTING": False})
    renditions.draw_slide = _cheap_slide  # type: ignore[assignment]
    with app.app_context():
        db.create_all()
        plans.load_plan(tomli_w.dumps(plan_to_document(plan)), "bench")
        codes = sorted(network.screens)[:: max(1, len(network.screens) // TOKENS_USED)]
        tokens = [screens.issue_token(code, now=now) for code in codes][:TOKENS_USED]
        prepared = playback.prepare_renditions(now)
        db.engine.dispose()
    client = app.test_client()
    body = client.get(PLAYLIST, headers={"Authorization": f"Bearer {tokens[0]}"}).data
    print(f"  prepared: {prepared}, body {len(body)} bytes", file=sys.stderr)
    return tokens, len(body)


# A worker serving the synthetic network may use at most this many times the control's memory.
MEMORY_GOAL_RATIO = 2.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(target: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    command = [
        sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers",
        str(WORKERS), "--worker-class", "sync", "--timeout", "30", "--keep-alive", "5",
        "--access-logfile", "/dev/null", target,
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"gunicorn for {target} did not start")


def _worker_peak_rss_kb(process: subprocess.Popen[bytes]) -> int:
    """The largest VmHWM among the master's children (the workers)."""
    peak = 0
    for pid in Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split():
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]))
    return peak


def _client(args: tuple[int, list[str], bool, float, str]) -> tuple[int, int]:
    port, tokens, conditional, duration, etag_of = args
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    etags: dict[str, str] = json.loads(etag_of)
    done = errors = 0
    deadline = time.monotonic() + duration
    i = 0
    while time.monotonic() < deadline:
        token = tokens[i % len(tokens)]
        i += 1
        headers = {"Authorization": f"Bearer {token}"}
        if conditional:
            headers["If-None-Match"] = etags.get(token, '"none"')
        connection.request("GET", PLAYLIST, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status in (200, 304):
            done += 1
        else:
            errors += 1
        if response.getheader("Connection", "").lower() == "close":
            connection.close()  # gunicorn's sync workers close after each request
    return done, errors


def _load(port: int, tokens: list[str], conditional: bool, etags: dict[str, str]) -> float:
    args = (port, tokens, conditional, DURATION_S, json.dumps(etags))
    # Warm every worker's caches (and tokens) before timing.
    _client((port, tokens, conditional, 1.0, json.dumps(etags)))
    with multiprocessing.get_context("fork").Pool(CLIENTS) as pool:
        results = pool.map(_client, [args] * CLIENTS)
    done = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    if errors:
        print(f"  {errors} errors", file=sys.stderr)
    return done / DURATION_S


_WRK_SCRIPT = """
local tokens = {%(tokens)s}
local etags = {%(etags)s}
local i = 0
request = function()
  i = i %% #tokens + 1
  local headers = {["Authorization"] = "Bearer " .. tokens[i]}
  if %(conditional)s then headers["If-None-Match"] = etags[i] end
  return wrk.format("GET", "%(path)s", headers)
end
"""


def _wrk(
    port: int, tokens: list[str], conditional: bool, etags: dict[str, str], workdir: Path
) -> float:
    """Requests per second measured by wrk, the requests rotating over the screens' tokens."""
    script = workdir / f"poll-{int(conditional)}.lua"
    script.write_text(
        _WRK_SCRIPT
        % {
            "tokens": ", ".join(json.dumps(t) for t in tokens),
            "etags": ", ".join(json.dumps(etags.get(t, '"none"')) for t in tokens),
            "conditional": "true" if conditional else "false",
            "path": PLAYLIST,
        }
    )
    url = f"http://127.0.0.1:{port}{PLAYLIST}"
    common = ["wrk", "-t", "1", "-c", str(WRK_CONNECTIONS), "-s", str(script), url]
    subprocess.run([*common, "-d", "1s"], check=True, capture_output=True)  # warm the workers
    out = subprocess.run(
        [*common, "-d", f"{DURATION_S:.0f}s"], check=True, capture_output=True, text=True
    ).stdout
    if "Non-2xx or 3xx responses" in out:
        print(f"  wrk saw errors:\n{out}", file=sys.stderr)
    return float(
        next(line for line in out.splitlines() if line.startswith("Requests/sec:")).split()[1]
    )


def _measure(
    port: int, tokens: list[str], conditional: bool, etags: dict[str, str], workdir: Path
) -> float:
    if shutil.which("wrk"):
        return _wrk(port, tokens, conditional, etags, workdir)
    return _load(port, tokens, conditional, etags)


def _etags(port: int, tokens: list[str]) -> dict[str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    etags = {}
    for token in tokens:
        connection.request("GET", PLAYLIST, headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        response.read()
        etags[token] = response.getheader("ETag") or ""
        connection.close()
    return etags


def _generation(instance: Path) -> int:
    """The content generation: if it moves during a run, caches were rebuilt mid-measure."""
    import sqlite3

    with sqlite3.connect(instance / "campaign.db") as connection:
        row = connection.execute("select generation from content_state where id = 1").fetchone()
    return int(row[0]) if row else 0


def _stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)


def run() -> dict[str, Any]:
    """Requests per second for the poll (200 and 304) and the control, and their ratios."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-player-"))
    try:
        instance = workdir / "instance"
        env = {**os.environ, "CAMPAIGN_INSTANCE": str(instance), "CAMPAIGN_SECRET_KEY": "bench"}
        env.pop("DATABASE_URL", None)
        env["PYTHONPATH"] = str(ROOT)
        tokens, body_bytes = _prepare(instance)
        app, port = _start("campaign:create_app()", env)
        # The same app with every poll through the Flask view, to show what the fast path saves.
        view_only, view_port = _start("campaign:create_app({'PLAYER_FAST_PATH': False})", env)
        control, control_port = _start(
            "bench.player:control_app()", {**env, "BENCH_BODY_BYTES": str(body_bytes)}
        )
        try:
            etags = _etags(port, tokens)
            generation_before = _generation(instance)
            runs: dict[str, list[float]] = {"200": [], "304": [], "control": [], "view": []}
            for _ in range(ROUNDS):
                runs["control"].append(_measure(control_port, tokens, False, {}, workdir))
                runs["200"].append(_measure(port, tokens, False, etags, workdir))
                runs["304"].append(_measure(port, tokens, True, etags, workdir))
                runs["view"].append(_measure(view_port, tokens, False, etags, workdir))
            rss_kb = _worker_peak_rss_kb(app)
            generation_moves = _generation(instance) - generation_before
            control_rss_kb = _worker_peak_rss_kb(control)
        finally:
            _stop(app)
            _stop(view_only)
            _stop(control)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    rps_200, rps_304, rps_control, rps_view = (
        max(runs[k]) for k in ("200", "304", "control", "view")
    )
    load = (
        f"wrk, 1 thread, {WRK_CONNECTIONS} connections"
        if shutil.which("wrk")
        else f"{CLIENTS} Python http.client processes"
    )
    return {
        "screens_polling": len(tokens),
        "body_bytes": body_bytes,
        "playlist_200_rps": round(rps_200, 1),
        "playlist_304_rps": round(rps_304, 1),
        "control_rps": round(rps_control, 1),
        "ratio_200": round(rps_200 / rps_control, 3),
        "ratio_304": round(rps_304 / rps_control, 3),
        "playlist_200_flask_view_only_rps": round(rps_view, 1),
        "ratio_200_flask_view_only": round(rps_view / rps_control, 3),
        "worker_peak_rss_mb": round(rss_kb / 1024, 1),
        "content_changes_during_load": generation_moves,
        "control_worker_peak_rss_mb": round(control_rss_kb / 1024, 1),
        "worker_memory_ratio": round(rss_kb / control_rss_kb, 2),
        "worker_memory_goal_ratio": MEMORY_GOAL_RATIO,
        "worker_memory_ok": rss_kb <= MEMORY_GOAL_RATIO * control_rss_kb,
        "load": f"{load}, best of {ROUNDS} alternating {DURATION_S:.0f} s runs, loopback",
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
