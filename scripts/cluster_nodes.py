"""The cluster the fault test runs: a throwaway PostgreSQL database, a shared folder, two
`campaign serve` nodes with their schedulers, and nginx in front (deploy/nginx.conf)."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
CAMPAIGN = [sys.executable, "-m", "campaign.cli"]
ADMIN_URL = os.environ.get("CLUSTER_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_DB = 13
# One gunicorn worker per node: this machine's two cores also run PostgreSQL, nginx, both
# schedulers and the players, and more workers would each build every answer again after a
# change (on a node of its own, give `campaign serve` a worker or two per core).
WORKERS = 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if Path(p).exists()), None
    )
    if found is None:
        sys.exit("nginx is not installed: `make cluster-test` installs Debian's nginx as root")
    return found


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


class Cluster:
    """The throwaway database, the shared folder, the two nodes and nginx."""

    def __init__(self, work: Path, players: int) -> None:
        self.work = work
        self.players = players
        self.database = f"campaign_cluster_{os.getpid()}"
        self.url = ADMIN_URL.rsplit("/", 1)[0] + f"/{self.database}"
        self.ports = {"A": free_port(), "B": free_port()}
        self.front = free_port()
        self.nodes: dict[str, subprocess.Popen[bytes]] = {}
        self.nginx: subprocess.Popen[bytes] | None = None
        self.extra: list = []  # a screen outside the fleet: its id and token
        self.shared = work / "shared"  # the folder every node mounts: pictures, last answers
        self.publish = self.shared / "published"
        self.env = {
            **os.environ,
            "DATABASE_URL": self.url.replace("postgresql://", "postgresql+psycopg://", 1),
            "CAMPAIGN_SECRET_KEY": uuid.uuid4().hex * 2,
            "CAMPAIGN_INSTANCE": str(self.shared),
            "CAMPAIGN_PROXY_HOPS": "1",
            "CAMPAIGN_PUBLISH_DIR": str(self.publish),
            "CAMPAIGN_SCHEDULER_LOCK_RETRY_S": "1",
            # Rate limits counted once for both nodes (a Redis database of this run's own).
            "CAMPAIGN_RATELIMIT_STORAGE": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "CI": "",
        }

    def campaign(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [*CAMPAIGN, *args], env=self.env, input=stdin, capture_output=True, text=True
        )
        if done.returncode:
            raise RuntimeError(f"campaign {' '.join(args)} failed:\n{done.stderr}")
        return done.stdout

    def create(self) -> None:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.database}"')
        self.publish.mkdir(parents=True)
        self.campaign("db", "upgrade")
        self.campaign("load", "--demo")

    def drop(self) -> None:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def start_node(self, name: str) -> None:
        log = (self.work / f"node-{name}.log").open("ab")
        self.nodes[name] = subprocess.Popen(
            [
                *CAMPAIGN,
                "serve",
                *("--host", "127.0.0.1", "--port", str(self.ports[name])),
                *("--workers", str(WORKERS)),
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: gunicorn, workers and scheduler
        )
        wait_for(lambda: healthy(self.ports[name]), 30, f"node {name} to answer /healthz")

    def kill_node(self, name: str) -> None:
        process = self.nodes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def node_of(self, pid: int) -> str | None:
        for name, process in self.nodes.items():
            try:
                if os.getpgid(pid) == process.pid:
                    return name
            except ProcessLookupError:
                return None
        return None

    def start_nginx(self) -> None:
        run = self.work / "nginx"
        run.mkdir()
        nodes = "\n        ".join(
            f"server 127.0.0.1:{port} max_fails=1 fail_timeout=3s;" for port in self.ports.values()
        )
        config = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
        for word, value in {
            "@NODES@": nodes,
            "@LISTEN@": f"127.0.0.1:{self.front}",
            "@LOG_DIR@": str(run),
            "@RUN_DIR@": str(run),
            "@PUBLISH_URL@": "/published",
            "@PUBLISH_DIR@": str(self.publish),
        }.items():
            config = config.replace(word, value)
        (run / "nginx.conf").write_text(config, encoding="utf-8")
        command = [nginx_binary(), "-p", str(run), "-c", str(run / "nginx.conf")]
        subprocess.run([*command, "-t", "-q"], check=True, capture_output=True)
        self.nginx = subprocess.Popen([*command, "-g", "daemon off;"], start_new_session=True)
        wait_for(lambda: healthy(self.front), 15, "nginx to answer")

    def access_log(self) -> Path:
        return self.work / "nginx" / "nginx-access.log"

    def stop(self) -> None:
        for name in list(self.nodes):
            self.kill_node(name)
        if self.nginx is not None:
            os.killpg(self.nginx.pid, signal.SIGTERM)
            self.nginx.wait(timeout=10)

    def sql(self, query: str, *args: object) -> list[tuple]:
        with psycopg.connect(self.url) as connection:
            return list(connection.execute(query, args))

    def scheduler_holder(self) -> str | None:
        """Which node's scheduler holds the lock, if any."""
        rows = self.sql(
            "SELECT a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE "
            "'campaign scheduler %%'"
        )
        if not rows:
            return None
        holders = self.sql(
            "SELECT application_name FROM pg_stat_activity WHERE pid = %s", rows[0][0]
        )
        if not holders:
            return None
        pid = int(holders[0][0].rsplit(":", 1)[-1])
        return self.node_of(pid)


def healthy(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False


def wait_for(check, seconds: float, what: str) -> float:  # type: ignore[no-untyped-def]
    """Seconds until `check()` held; fails the test past `seconds`."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > seconds:
            raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")
        time.sleep(0.1)
    return time.monotonic() - start
