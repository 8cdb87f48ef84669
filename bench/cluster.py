"""Benchmark of polls at the edge: nginx serving a published playlist against nginx serving a
constant file of the same size, and two app nodes behind nginx against one."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import player as poll_bench

ROOT = Path(__file__).resolve().parent.parent
DURATION_S = 6.0
ROUNDS = 3
CONNECTIONS = 16
PUBLISH_URL = "/published"


def _nginx(workdir: Path, nodes: list[int], publish_dir: Path) -> tuple[subprocess.Popen, int]:
    """nginx with the deploy recipe's configuration, in front of `nodes`."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    run = workdir / f"nginx-{len(nodes)}"
    run.mkdir()
    port = poll_bench._free_port()
    servers = "\n        ".join(f"server 127.0.0.1:{n};" for n in nodes)
    config = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    for word, value in {
        "@NODES@": servers,
        "@LISTEN@": f"127.0.0.1:{port}",
        "@LOG_DIR@": str(run),
        "@RUN_DIR@": str(run),
        "@PUBLISH_URL@": PUBLISH_URL,
        "@PUBLISH_DIR@": str(publish_dir),
    }.items():
        config = config.replace(word, value)
    # The bench measures serving, not writing a log line per request.
    config = config.replace(f"access_log {run}/nginx-access.log nodes buffer=32k flush=1s;",
                            "access_log off;")  # fmt: skip
    (run / "nginx.conf").write_text(config, encoding="utf-8")
    command = [binary, "-p", str(run), "-c", str(run / "nginx.conf"), "-g", "daemon off;"]
    process = subprocess.Popen(command, start_new_session=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("nginx did not start")


def _wrk_path(port: int, path: str, headers: dict[str, str] | None = None) -> float:
    """Requests per second for one path, with keep-alive, measured by wrk."""
    extra = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    url = f"http://127.0.0.1:{port}{path}"
    common = ["wrk", "-t", "1", "-c", str(CONNECTIONS), *extra, url]
    subprocess.run([*common, "-d", "1s"], check=True, capture_output=True)
    out = subprocess.run(
        [*common, "-d", f"{DURATION_S:.0f}s"], check=True, capture_output=True, text=True
    ).stdout
    if "Non-2xx or 3xx responses" in out:
        raise RuntimeError(f"wrk saw errors on {path}:\n{out}")
    return float(next(x for x in out.splitlines() if x.startswith("Requests/sec:")).split()[1])


def _published_file(port: int, token: str, publish_dir: Path) -> tuple[str, bytes]:
    """Poll once through the app so that the screen's answer is published; its URL and bytes."""
    import json

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", poll_bench.PLAYLIST, headers={"Authorization": f"Bearer {token}"})
    answer = json.loads(connection.getresponse().read())
    url = answer.get("published_url")
    if not url:
        raise RuntimeError("the playlist answer has no published_url: is PUBLISH_DIR set?")
    name = url.rsplit("/", 1)[-1]
    deadline = time.monotonic() + 10
    while not (publish_dir / name).exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} was not published")
        time.sleep(0.1)
    return url, (publish_dir / name).read_bytes()


def run() -> dict[str, Any]:
    """Requests per second: published file and constant file through nginx; one node and two
    nodes behind nginx (one gunicorn worker each, so the nodes, not their workers, scale)."""
    if not shutil.which("wrk") or not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        return {"skipped": "needs wrk and nginx (make bench-tools, make nginx, as root)"}
    workdir = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    workdir.chmod(0o755)  # nginx's workers (another user than a root master) read from it
    processes: list[subprocess.Popen] = []
    try:
        instance = workdir / "instance"
        publish_dir = workdir / "published"
        publish_dir.mkdir()
        env = {**os.environ, "CAMPAIGN_INSTANCE": str(instance), "CAMPAIGN_SECRET_KEY": "bench",
               "CAMPAIGN_PUBLISH_DIR": str(publish_dir), "PYTHONPATH": str(ROOT)}  # fmt: skip
        env.pop("DATABASE_URL", None)
        tokens, body_bytes = poll_bench._prepare(instance)
        saved_workers = poll_bench.WORKERS
        poll_bench.WORKERS = 1
        try:
            node_a, port_a = poll_bench._start("campaign:create_app()", env)
            processes.append(node_a)
            node_b, port_b = poll_bench._start("campaign:create_app()", env)
            processes.append(node_b)
        finally:
            poll_bench.WORKERS = saved_workers
        url, published = _published_file(port_a, tokens[0], publish_dir)
        (publish_dir / "constant.json").write_bytes(b"x" * len(published))
        one, one_port = _nginx(workdir, [port_a], publish_dir)
        processes.append(one)
        two, two_port = _nginx(workdir, [port_a, port_b], publish_dir)
        processes.append(two)
        etags = poll_bench._etags(one_port, tokens)
        runs: dict[str, list[float]] = {"constant": [], "published": [], "one": [], "two": []}
        for _ in range(ROUNDS):
            runs["constant"].append(_wrk_path(two_port, f"{PUBLISH_URL}/constant.json"))
            runs["published"].append(_wrk_path(two_port, url))
            runs["one"].append(poll_bench._wrk(one_port, tokens, False, etags, workdir))
            runs["two"].append(poll_bench._wrk(two_port, tokens, False, etags, workdir))
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        shutil.rmtree(workdir, ignore_errors=True)
    best = {name: max(values) for name, values in runs.items()}
    return {
        "published_bytes": len(published),
        "poll_body_bytes": body_bytes,
        "nginx_constant_rps": round(best["constant"], 1),
        "nginx_published_rps": round(best["published"], 1),
        "ratio_published": round(best["published"] / best["constant"], 3),
        "published_goal_ratio": 0.8,
        "one_node_rps": round(best["one"], 1),
        "two_nodes_rps": round(best["two"], 1),
        "ratio_two_nodes": round(best["two"] / best["one"], 3),
        "two_nodes_goal_ratio": 1.7,
        "cores": os.cpu_count(),
        "load": f"wrk, 1 thread, {CONNECTIONS} connections (polls: {poll_bench.WRK_CONNECTIONS}),"
        f" best of {ROUNDS} alternating {DURATION_S:.0f} s runs, loopback; nginx, the nodes"
        " (one gunicorn worker each) and wrk share the machine's cores",
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2), file=sys.stdout)
