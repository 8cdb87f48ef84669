"""`campaign serve`'s process wiring: gunicorn workers and the scheduler process beside them."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from campaign.domain.url_secrets import MASK, is_secret_header, mask_query, mask_secrets

# The periodic jobs run in a process of their own, started and stopped with the server: a
# scheduler thread inside gunicorn's master would be forked into every worker mid-work (a lock
# it held stays held in the child forever, and the worker hangs on its first query). Several
# servers on one database each start one; the scheduler lock lets one run, the others wait.
SCHEDULER_COMMAND = [sys.executable, "-m", "campaign.cli", "scheduler"]


class MaskingLogger(Logger):  # type: ignore[misc]
    """gunicorn's access and error logs with every token masked: those of partner links and
    calendar feeds in paths, any a client puts in the query string, and credential headers,
    whatever the access_log_format names. A token is the key to what it opens, and logs are
    read by more people than the tokens are given to."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {key: _masked(key, value) for key, value in atoms.items()}

    # The error log too: "Error handling request GET /play?token=..." names the whole URI.
    def critical(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        super().critical(*_masked_message(msg, args), **kwargs)

    def error(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        super().error(*_masked_message(msg, args), **kwargs)

    def warning(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        super().warning(*_masked_message(msg, args), **kwargs)

    def info(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        super().info(*_masked_message(msg, args), **kwargs)

    def debug(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        super().debug(*_masked_message(msg, args), **kwargs)

    def exception(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        super().exception(*_masked_message(msg, args), **kwargs)

    def log(self, lvl: Any, msg: Any, *args: Any, **kwargs: Any) -> None:
        super().log(lvl, *_masked_message(msg, args), **kwargs)


def _masked_message(msg: Any, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """An error-log message and its arguments with the tokens in their text masked."""
    return tuple(mask_secrets(part) if isinstance(part, str) else part for part in (msg, *args))


# The atoms holding a bare query string (no "?" before it).
_QUERY_ATOMS = frozenset({"q", "{query_string}e"})


def _masked(key: str, value: Any) -> Any:
    """One atom as it may be logged: the request line, path, query, Referer and the environ and
    header atoms a custom format may name ("{raw_uri}e", "{referer}i", "{authorization}i")."""
    if not isinstance(value, str):
        return value
    if key == "u":  # the user name of an "Authorization: Basic" header: may be a token
        return value if value == "-" else MASK
    if key.startswith("{") and is_secret_header(key):
        return MASK
    if key in _QUERY_ATOMS:
        return mask_query(value)
    return mask_secrets(value)


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from campaign import create_app

        # `serve` checked the database before starting; if it goes missing later, a worker
        # must fail to open it rather than make an empty one (config.py, DATABASE_MUST_EXIST).
        return create_app({"DATABASE_MUST_EXIST": True})


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
        # Forwarded headers are trusted in one place only, the app's PROXY_HOPS (ProxyFix):
        # gunicorn's own default takes X-Forwarded-Proto from any local peer.
        "forwarded_allow_ips": "",
    }
    if scheduler:
        process = _SchedulerProcess()
        options["when_ready"] = process.start
        options["on_exit"] = process.stop
    _Gunicorn(options).run()
