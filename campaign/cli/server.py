"""`campaign serve`'s process wiring: gunicorn workers and the scheduler process beside them."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from campaign.domain.url_secrets import mask_secrets

# The periodic jobs run in a process of their own, started and stopped with the server: a
# scheduler thread inside gunicorn's master would be forked into every worker mid-work (a lock
# it held stays held in the child forever, and the worker hangs on its first query). Several
# servers on one database each start one; the scheduler lock lets one run, the others wait.
SCHEDULER_COMMAND = [sys.executable, "-m", "campaign.cli", "scheduler"]


class MaskingLogger(Logger):  # type: ignore[misc]
    """gunicorn's access log with the tokens of partner links and calendar feeds masked: the
    token is the key to what it opens, and logs are read by more people than the links are."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        # The request line, the path and the Referer, and the environ and header atoms a custom
        # format may name ("{raw_uri}e", "{referer}i").
        return {k: mask_secrets(v) if isinstance(v, str) else v for k, v in atoms.items()}


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


class _SchedulerProcess:
    """The `campaign scheduler` process beside the server, once per server."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, _arbiter: Any) -> None:
        self.process = subprocess.Popen(SCHEDULER_COMMAND)

    def stop(self, _arbiter: Any) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def serve(*, host: str, port: int, workers: int, scheduler: bool = True) -> None:
    """Run gunicorn in the foreground (configured here, not from a file) until it is stopped."""
    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "timeout": 30,
        "keepalive": 5,
        "accesslog": "-",
        "logger_class": MaskingLogger,
        "preload_app": False,
    }
    if scheduler:
        process = _SchedulerProcess()
        options["when_ready"] = process.start
        options["on_exit"] = process.stop
    _Gunicorn(options).run()
