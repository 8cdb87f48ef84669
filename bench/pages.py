"""Benchmark of the managers' message list and editor pages on the synthetic 60-hub network."""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REQUESTS = 200  # per page; p95 of these is the figure
GOAL_P95_MS = 100.0
PASSWORD = "a long enough password"


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def _time(client: Any, paths: list[str]) -> dict[str, float]:
    """Server time per request in ms (in process: the test client adds microseconds)."""
    samples = []
    for i in range(REQUESTS):
        path = paths[i % len(paths)]
        started = time.perf_counter()
        answer = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            raise RuntimeError(f"{path} answered {answer.status_code}")
    return {"p50_ms": round(statistics.median(samples), 2), "p95_ms": round(_p95(samples), 2)}


def run() -> dict[str, Any]:
    """p50 and p95 server time of the list and editor pages, and of a constant page (control)."""
    from bench.player import _prepare
    from campaign import create_app
    from campaign.services import accounts, messages
    from campaign.services.records import PageRequest

    workdir = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    try:
        instance = workdir / "instance"
        _prepare(instance)
        app = create_app(
            {"INSTANCE_PATH": instance, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False}
        )

        @app.get("/bench-control")
        def control() -> str:  # the minimal work: routing, session and headers, no page
            return "ok"

        with app.app_context():
            user = accounts.add_user(
                "bench@example.org", "manager", PASSWORD, now=datetime.now(UTC)
            )
            page = messages.list_messages(user, PageRequest(per_page=200))
            ids = [m.id for m in page.items][:: max(1, len(page.items) // 20)]
            total = page.total
        client = app.test_client()
        client.post("/login", data={"email": "bench@example.org", "password": PASSWORD})
        figures = {
            "messages": total,
            "control": _time(client, ["/bench-control"]),
            "list": _time(client, ["/messages"]),
            "list_filtered": _time(
                client, ["/messages?status=approved", "/messages?completeness=incomplete"]
            ),
            "editor": _time(client, [f"/messages/{i}/edit" for i in ids]),
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for name in ("list", "list_filtered", "editor"):
        figures[name]["goal_p95_ms"] = GOAL_P95_MS
        figures[name]["ok"] = figures[name]["p95_ms"] <= GOAL_P95_MS
    print(f"  pages: {figures}", file=sys.stderr)
    return figures


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
