"""House rules for the imaging layer: allowed imports, no clock, short documented modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import campaign.rendering

PACKAGE = Path(campaign.rendering.__file__).parent
MODULES = sorted(PACKAGE.glob("*.py"))
FORBIDDEN = (
    "flask",
    "sqlalchemy",
    "werkzeug",
    "campaign.services",
    "campaign.persistence",
    "campaign.web",
    "campaign.jobs",
    "campaign.cli",
)
CLOCK = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("date", "today"),
    ("time", "time"),
    ("time", "monotonic"),
    ("time", "perf_counter"),
    ("datetime", "today"),
}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_rules(path: Path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    assert len(source.splitlines()) <= 400
    doc = ast.get_docstring(tree)
    assert doc and "\n" not in doc.strip(), "a one-line module docstring"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            assert not name.startswith(FORBIDDEN), name
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            assert (node.value.id, node.attr) not in CLOCK, f"{node.value.id}.{node.attr}"
    public = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        public += [n for n in cls.body if isinstance(n, ast.FunctionDef)]
    for func in public:
        if not func.name.startswith("_"):
            assert func.returns is not None, f"{func.name} needs a return type"
            args = [a for a in func.args.args + func.args.kwonlyargs if a.arg != "self"]
            assert all(a.annotation is not None for a in args), f"{func.name} needs types"
