"""`campaign serve` as `make run` starts it: gunicorn workers, the scheduler, a real sign-in."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

CAMPAIGN = str(Path(sys.executable).with_name("campaign"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [CAMPAIGN, *args], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout


@pytest.mark.slow
def test_served_app_signs_people_in_and_answers_screens(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(CAMPAIGN_INSTANCE=str(tmp_path), CAMPAIGN_SECRET_KEY="served", PORT=str(port))
    _run(env, "db", "upgrade")
    _run(env, "load", "--demo", "--no-prepare")
    welcome = _run(env, "demo")
    password = re.search(r"password (\S+)", welcome).group(1)
    token = re.search(r"#token=(\S+)", welcome).group(1)
    server = subprocess.Popen(
        [CAMPAIGN, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):  # not up yet
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        # Every worker must answer a sign-in (a query) promptly, not only the first one.
        for _ in range(4):
            form = browser.open(f"{base}/login", timeout=10).read().decode()
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
            fields = {"csrf_token": csrf, "email": "demo-admin@example.org", "password": password}
            page = browser.open(
                f"{base}/login", data=urllib.parse.urlencode(fields).encode(), timeout=20
            )
            assert page.status == 200 and "LIM-ARR-01" in page.read().decode()
        poll = urllib.request.Request(
            f"{base}/api/v1/player/playlist", headers={"Authorization": f"Bearer {token}"}
        )
        assert urllib.request.urlopen(poll, timeout=10).status == 200
        scheduler = subprocess.run(
            ["pgrep", "-f", "campaign.cli scheduler"], capture_output=True, text=True, check=False
        )
        assert scheduler.stdout.strip(), "the scheduler runs beside the server"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    time.sleep(0.5)
    leftover = subprocess.run(
        ["pgrep", "-f", f"CAMPAIGN_INSTANCE={tmp_path}"], capture_output=True, check=False
    )
    assert leftover.returncode != 0 or not leftover.stdout
