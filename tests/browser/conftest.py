"""A live server on a free loopback port and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from campaign.config import Environment
from campaign.extensions import db
from campaign.services.clock import clock_of
from campaign.services.plans import load_plan
from campaign.services.screens import issue_token
from tests.conftest import DEMO_PLAN, DEMO_TODAY, make_test_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# The instant the live app and the browser both start at: noon in Lima on the demo's day, so
# nothing in these tests depends on the wall clock (the pages' clock runs on from there).
LIVE_NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)


@pytest.fixture
def live_app(tmp_path: Path) -> Flask:
    # CSRF on, as in production: the sign-in form and the kiosk's reports must work with it.
    app = make_test_app(f"sqlite:///{tmp_path / 'live.db'}", tmp_path, WTF_CSRF_ENABLED=True)
    assert LIVE_NOW.date() == DEMO_TODAY
    clock_of(app).set(LIVE_NOW)
    with app.app_context():
        db.create_all()
        load_plan(DEMO_PLAN.read_text(encoding="utf-8"), demo_today=DEMO_TODAY)
    return app


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with live_app.app_context():
        db.engine.dispose()


@pytest.fixture
def screen_token(live_app: Flask) -> str:
    with live_app.app_context():
        return issue_token("LIM-ARR-01", now=LIVE_NOW)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        reason = "Debian's chromium is not installed (make test installs it as root)"
        if Environment.read().in_ci:
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
