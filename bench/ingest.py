"""Benchmark: ingest (see its run())."""

from __future__ import annotations

from typing import Any


def run() -> dict[str, Any]:
    """Not written yet."""
    return {}
