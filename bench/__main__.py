"""`python -m bench`: run every benchmark, print a table, write bench/results.json."""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("results.json")


def _suites() -> dict[str, Callable[[], dict[str, Any]]]:
    from bench import cluster, engine, ingest, pages, player, rendering, reports

    return {
        "engine": engine.run_all,
        "rendering": rendering.run,
        "player": player.run,
        "pages": pages.run,
        "ingest": ingest.run,
        "reports": reports.run,
        "cluster": cluster.run,
    }


def _rows(name: str, figures: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    rows = []
    for key, value in figures.items():
        label = f"{prefix}{key}"
        if isinstance(value, dict):
            rows.extend(_rows(name, value, f"{label}."))
        elif isinstance(value, float):
            rows.append((f"{name}.{label}", f"{value:.4g}"))
        else:
            rows.append((f"{name}.{label}", str(value)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("only", nargs="*", help="suites to run (default: all)")
    args = parser.parse_args()
    suites = _suites()
    chosen = args.only or list(suites)
    unknown = set(chosen) - set(suites)
    if unknown:
        parser.error(f"unknown suite(s): {', '.join(sorted(unknown))}; known: {', '.join(suites)}")
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["machine"] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    for name in chosen:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        results[name] = suites[name]()
        print(f"  {name} took {time.perf_counter() - started:.1f} s", file=sys.stderr)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    rows = [row for name in chosen for row in _rows(name, results[name])]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print(f"wrote {RESULTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
