"""`make cluster-test`: two app nodes on one PostgreSQL database behind nginx, with a fleet of
simulated players; node A is changed through, killed (-9) and restarted, and what the players
saw is measured. Loopback only; everything it starts it stops, and its database is dropped."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from cluster_fleet import PLAYLIST, Fleet
from cluster_nodes import (
    ADMIN_URL,
    CAMPAIGN,
    REDIS_DB,
    WORKERS,
    Cluster,
    free_port,
    say,
    wait_for,
)

ZONE = ("LIM", "ARR")
BOOKING = "arrivals-tourism"  # booked on LIM/ARR: a change to it reaches every player's loop

# ------------------------------------------------------------------------------ the test


def prepare(cluster: Cluster) -> tuple[list[str], str]:
    """Screens for the fleet (with their tokens) and a manager's API token, made through the
    services as `campaign` commands would."""
    script = f"""
import json, sys
from datetime import UTC, datetime
from sqlalchemy import select
from campaign import create_app
from campaign.extensions import db
from campaign.persistence.network import Hub, Zone
from campaign.services import accounts, auth, places
app = create_app()
now = datetime.now(UTC)
with app.app_context():
    zone = db.session.scalar(select(Zone).join(Zone.hub).where(
        Hub.code == {ZONE[0]!r}, Zone.code == {ZONE[1]!r}))
    tokens = []
    for n in range({cluster.players}):
        _, token = places.create_screen(
            {{"zone_id": zone.id, "code": f"LIM-ARR-F{{n:03d}}", "orientation": "landscape",
             "width": 1920, "height": 1080}}, now=now)
        tokens.append(token)
    extra, extra_token = places.create_screen(
        {{"zone_id": zone.id, "code": "LIM-ARR-PUB", "orientation": "landscape",
         "width": 1920, "height": 1080}}, now=now)
    user = accounts.add_user("cluster@example.org", "manager", "a long enough password", now=now)
    _, secret = auth.create_token(user, "cluster test", now=now)
    json.dump({{"tokens": tokens, "api": secret, "extra": [extra.id, extra_token]}}, sys.stdout)
"""
    made = json.loads(
        subprocess.run(
            [sys.executable, "-c", script],
            env=cluster.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    cluster.extra = made["extra"]
    return made["tokens"], made["api"]


def change_booking(port: int, api: str) -> float:
    """A manager changes the arrivals booking through this node's own port; the monotonic
    instant the change was sent (the booking read before it is not counted)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Bearer {api}", "Content-Type": "application/json"}
    connection.request("GET", "/api/v1/bookings?per_page=100", headers=headers)
    response = connection.getresponse()
    listed = json.loads(response.read())
    if response.status != 200:
        raise AssertionError(f"the bookings could not be read: {response.status} {listed}")
    found = listed["items"]
    booking = next(b for b in found if b["key"] == BOOKING)
    change = {"version": booking["version"], "weight": booking["weight"] + 3}
    sent_at = time.monotonic()
    connection.request("PATCH", f"/api/v1/bookings/{booking['id']}", json.dumps(change), headers)
    response = connection.getresponse()
    if response.status != 200:
        raise AssertionError(f"the change was refused: {response.status} {response.read()!r}")
    return sent_at


def get(port: int, path: str, token: str | None = None, method: str = "GET"):  # type: ignore[no-untyped-def]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def published_files(cluster: Cluster, api: str) -> dict[str, object]:
    """A screen's published playlist through nginx; unknown ids, the folder itself and paths out
    of it are 404; revoking the token removes the file at once."""
    screen_id, token = cluster.extra
    status, body = get(cluster.front, PLAYLIST, token)
    answer = json.loads(body)
    url = answer["published_url"]
    wait_for(lambda: get(cluster.front, url)[0] == 200, 10, "the published file")
    published = json.loads(get(cluster.front, url)[1])
    unknown = [
        get(cluster.front, path)[0]
        for path in (
            "/published/",
            "/published",
            f"/published/{'A' * 43}.json",
            "/published/../node.env",
            "/published/%2e%2e/nginx.conf",
        )
    ]
    status, _ = get(cluster.ports["A"], f"/api/v1/screens/{screen_id}/token", api, "DELETE")
    if status != 200:
        raise AssertionError(f"the token could not be revoked: {status}")
    after = get(cluster.front, url)[0]
    say(f"published file: {url[:20]}..., unknown paths {unknown}, after revoking: {after}")
    return {
        "published_same_version": published["version"] == answer["version"],
        "published_unknown_statuses": unknown,
        "published_after_revoke": after,
    }


def stale_schema_refused(cluster: Cluster) -> str:
    """A node on a database at another schema version refuses to start, in one line."""
    stale = f"{cluster.database}_stale"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{stale}"')
    try:
        url = cluster.env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{stale}"
        env = {**cluster.env, "DATABASE_URL": url}
        subprocess.run(
            [*CAMPAIGN, "db", "upgrade", "c3f9a1d27e58"], env=env, check=True, capture_output=True
        )
        done = subprocess.run(
            [*CAMPAIGN, "serve", "--port", str(free_port())],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)')
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    if done.returncode == 0 or len(lines) != 1:
        raise AssertionError(f"a node on an older schema started, or said more: {done.stderr}")
    say(f"a node on an older schema refused: {lines[0]}")
    return lines[0]


def requests_to(cluster: Cluster, port: int, since_line: int) -> int:
    lines = cluster.access_log().read_text(encoding="utf-8").splitlines()[since_line:]
    return sum(f"node=127.0.0.1:{port}" in line for line in lines)


def log_length(cluster: Cluster) -> int:
    time.sleep(1.2)  # nginx flushes its log buffer every second
    return len(cluster.access_log().read_text(encoding="utf-8").splitlines())


def run(players: int) -> dict[str, object]:
    figures: dict[str, object] = {
        "players": players,
        "cores": os.cpu_count(),
        "workers_per_node": WORKERS,
    }
    with tempfile.TemporaryDirectory(prefix="campaign-cluster-") as folder:
        # nginx's workers run as another user than its master (root, here): they must be able
        # to reach the published files.
        os.chmod(folder, 0o755)
        cluster = Cluster(Path(folder), players)
        cluster.create()
        try:
            tokens, api = prepare(cluster)
            cluster.start_node("A")
            wait_for(lambda: cluster.scheduler_holder() == "A", 30, "node A's scheduler")
            cluster.start_node("B")
            cluster.start_nginx()
            fleet = Fleet(tokens, cluster.front)
            fleet.start()
            try:
                figures.update(scenario(cluster, fleet, api))
            finally:
                fleet.finish()
            figures.update(plays_counted(cluster, fleet))
            figures["rate_limit_counters_in_redis"] = shared_limits()
        finally:
            cluster.stop()
            cluster.drop()
    return figures


def scenario(cluster: Cluster, fleet: Fleet, api: str) -> dict[str, object]:
    found: dict[str, object] = {}
    wait_for(lambda: all(p.versions for p in fleet.players), 60, "every player's first answer")
    say(f"{len(fleet.players)} players polling through nginx")

    # 1. A change through node A reaches every player through nginx.
    time.sleep(2)
    before = {id(p): p.versions[-1][1] for p in fleet.players}
    changed_at = change_booking(cluster.ports["A"], api)
    wait_for(
        lambda: all(p.versions[-1][1] != before[id(p)] for p in fleet.players),
        20,
        "every player to see the change",
    )
    delays = [
        next(t for t, v in p.versions if t >= changed_at and v != before[id(p)]) - changed_at
        for p in fleet.players
    ]
    found["change_seen_s"] = {
        "max": round(max(delays), 2),
        "median": round(statistics.median(delays), 2),
    }
    say(f"the change reached every player within {max(delays):.2f} s")

    found.update(published_files(cluster, api))
    found["stale_schema_refusal"] = stale_schema_refused(cluster)

    # 2. Node A dies: the players go on through node B, whose scheduler takes over.
    killed_at = time.monotonic()
    cluster.kill_node("A")
    takeover = wait_for(lambda: cluster.scheduler_holder() == "B", 60, "node B's scheduler")
    time.sleep(max(0.0, 5 - (time.monotonic() - killed_at)))
    after = [[t for t in p.answered if t > killed_at] for p in fleet.players]
    failures = sum(1 for p in fleet.players for t in p.failures if t > killed_at)
    answered = sum(len(a) for a in after)
    found["after_kill"] = {
        "polls_answered": answered,
        "polls_failed": failures,
        "players_answered": sum(1 for a in after if a),
        "scheduler_takeover_s": round(takeover, 2),
    }
    say(
        f"node A killed: {answered} polls answered, {failures} failed; "
        f"node B's scheduler took over in {takeover:.2f} s"
    )

    # 3. Node A comes back and is given requests again.
    mark = log_length(cluster)
    restarted_at = time.monotonic()
    cluster.start_node("A")
    wait_for(
        lambda: requests_to(cluster, cluster.ports["A"], mark) > 0,
        30,
        "nginx to send node A requests again",
    )
    found["rejoin_s"] = round(time.monotonic() - restarted_at, 2)
    say(f"node A restarted and answering through nginx after {found['rejoin_s']:.2f} s")
    time.sleep(3)
    return found


def shared_limits() -> int:
    """How many rate-limit counters the nodes keep in Redis (0: each kept its own)."""
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    try:
        return sum(1 for _ in client.scan_iter("LIMITS*", count=1000))
    finally:
        client.flushdb()
        client.close()


def plays_counted(cluster: Cluster, fleet: Fleet) -> dict[str, object]:
    made = set().union(*(p.made for p in fleet.players))
    acknowledged = set().union(*(p.acknowledged for p in fleet.players))
    stored = cluster.sql("SELECT count(*), count(DISTINCT play_id) FROM play_records")[0]
    rejected = cluster.sql("SELECT count(*) FROM rejected_plays")[0][0]
    say(f"plays: {len(made)} made, {len(acknowledged)} acknowledged, {stored[0]} stored")
    return {
        "plays": {
            "made": len(made),
            "acknowledged": len(acknowledged),
            "stored": stored[0],
            "distinct": stored[1],
            "rejected": rejected,
        }
    }


def check(figures: dict) -> list[str]:  # type: ignore[type-arg]
    problems = []
    if figures["change_seen_s"]["max"] > 2:
        problems.append("a player saw the change later than 2 s after it was made")
    after = figures["after_kill"]
    if after["players_answered"] < figures["players"]:
        problems.append("some players were not answered after node A was killed")
    if after["polls_failed"] > after["polls_answered"] * 0.01:
        problems.append("more than 1 % of the polls failed while node A was down")
    plays = figures["plays"]
    if not plays["made"] == plays["acknowledged"] == plays["stored"] == plays["distinct"]:
        problems.append("plays were lost or counted twice")
    if plays["rejected"]:
        problems.append("plays were rejected")
    if not figures["published_same_version"] or figures["published_after_revoke"] != 404:
        problems.append("the published file did not match the answer or outlived its token")
    if any(status != 404 for status in figures["published_unknown_statuses"]):
        problems.append("the static server answered a path that is no published playlist")
    if not figures["rate_limit_counters_in_redis"]:
        problems.append("the nodes kept their rate limits to themselves, not in Redis")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--players", type=int, default=200)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    figures = run(args.players)
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    problems = check(figures)
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
