"""Benchmark of the managers' pages (message list, editor, dashboard, a hub's booking timeline)
on the synthetic 60-hub network."""

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
GOAL_P95_MS = {"list": 100.0, "list_filtered": 100.0, "editor": 100.0}
GOAL_P95_MS |= {"dashboard": 150.0, "timeline": 150.0, "timeline_zone": 150.0}
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
    """p50 and p95 server time of each page, and of a constant route of the app (control)."""
    from sqlalchemy import select

    from bench.player import _prepare
    from campaign import create_app
    from campaign.extensions import db
    from campaign.persistence.network import Hub, Zone
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
            hubs = list(db.session.scalars(select(Hub.code).order_by(Hub.code)))
            zone = db.session.execute(
                select(Hub.code, Zone.code).join(Zone, Zone.hub_id == Hub.id).limit(1)
            ).one()
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
            "dashboard": _time(client, ["/dashboard"]),
            # A hub's week, all its screens (every hub in turn), and one zone's.
            "timeline": _time(client, [f"/bookings/timeline?hub={hub}" for hub in hubs]),
            "timeline_zone": _time(client, [f"/bookings/timeline?hub={zone[0]}&zone={zone[1]}"]),
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for name, goal in GOAL_P95_MS.items():
        figures[name]["goal_p95_ms"] = goal
        figures[name]["ok"] = figures[name]["p95_ms"] <= goal
    print(f"  pages: {figures}", file=sys.stderr)
    return figures


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
