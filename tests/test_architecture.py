"""The layers stay as the README draws them: a pure domain, dependencies pointing one way."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

from campaign.config import PROJECT_ROOT

DOMAIN = PROJECT_ROOT / "campaign" / "domain"
ALLOWED_DOMAIN_IMPORTS = {
    "__future__",
    "calendar",
    "collections",
    "dataclasses",
    "datetime",
    "decimal",
    "enum",
    "functools",
    "hashlib",
    "heapq",
    "itertools",
    "json",
    "math",
    "re",
    "tomllib",
    "typing",
    "zoneinfo",
    "bisect",
    "operator",
    "fractions",
    "urllib",  # urllib.parse only: reading percent-encoded URLs (url_secrets)
    "campaign",
}
CLOCK_CALLS = {"now", "utcnow", "today", "time", "monotonic", "perf_counter"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_domain_imports_only_the_standard_library() -> None:
    for path in DOMAIN.rglob("*.py"):
        foreign = _imports(path) - ALLOWED_DOMAIN_IMPORTS
        assert not foreign, f"{path.name} imports {sorted(foreign)}"


def test_the_domain_never_reads_the_clock() -> None:
    for path in DOMAIN.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in CLOCK_CALLS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in {"datetime", "date", "time"}
            ):
                raise AssertionError(f"{path.name}:{node.lineno} reads the clock")


def test_import_contracts_hold() -> None:
    """import-linter checks the layer contracts declared in pyproject.toml."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:]


def test_the_edges_are_forbidden_persistence_and_rendering() -> None:
    """The contract that keeps web and cli thin is declared (lint-imports above enforces it)."""
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = pyproject["tool"]["importlinter"]["contracts"]
    edges = [
        c
        for c in contracts
        if c["type"] == "forbidden"
        and {"campaign.web", "campaign.cli"} <= set(c["source_modules"])
        and {"campaign.persistence", "campaign.rendering"} <= set(c["forbidden_modules"])
    ]
    assert edges, "a forbidden contract: campaign.web, campaign.cli -/-> persistence, rendering"
    # Indirect imports are the point (web -> services -> persistence); direct ones are not.
    assert edges[0].get("allow_indirect_imports") is True
