"""A web worker loads only what serving takes: no Alembic, no Pillow until something is drawn."""

from __future__ import annotations

import subprocess
import sys

HEAVY = {"alembic", "flask_migrate", "PIL", "segno"}


def loaded_after(code: str) -> str:
    """The heavy top-level packages a fresh interpreter has imported after running `code`."""
    script = (
        f"import sys\n{code}\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({sorted(HEAVY)!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return result.stdout.strip().splitlines()[-1]


def test_a_web_app_loads_neither_alembic_nor_pillow() -> None:
    made = (
        "from campaign import create_app\n"
        "create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'x'})"
    )
    assert loaded_after(made) == "[]"


def test_the_command_line_loads_migrations() -> None:
    made = "from campaign.cli import _create_app\n_create_app()"
    assert "alembic" in loaded_after(made)
