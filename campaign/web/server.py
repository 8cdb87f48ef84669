"""Runs the app under gunicorn, configured from the command line rather than a file."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from campaign import create_app

        return create_app()


def _start_scheduler(_arbiter: Any) -> None:
    """Periodic jobs run once per server, in gunicorn's master, not once per worker."""
    from campaign import create_app
    from campaign.jobs.scheduler import background_scheduler

    background_scheduler(create_app()).start()


def serve(*, host: str, port: int, workers: int, jobs: bool = True) -> None:
    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "timeout": 30,
        "keepalive": 5,
        "accesslog": "-",
        "preload_app": False,
    }
    if jobs:
        options["when_ready"] = _start_scheduler
    _Gunicorn(options).run()
