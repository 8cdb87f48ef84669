"""No code calls ImageMath.eval (it runs its expression as Python): `make lint` refuses it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from campaign.config import PROJECT_ROOT

RUFF = Path(sys.executable).parent / "ruff"
CALLS = {
    "attribute": "from PIL import ImageMath\n\nImageMath.eval('a + b', a=1, b=2)\n",
    "module alias": "import PIL.ImageMath as maths\n\nmaths.eval('a', a=1)\n",
    "imported name": "from PIL.ImageMath import eval as run\n\nrun('a', a=1)\n",
    "unsafe_eval": "from PIL import ImageMath\n\nImageMath.unsafe_eval('a', a=1)\n",
}


def ruff(*args: str, source: str | None = None) -> subprocess.CompletedProcess[str]:
    """Ruff with the project's own settings (pyproject.toml), as `make lint` runs it."""
    return subprocess.run(
        [str(RUFF), "check", "--no-cache", "--output-format", "concise", *args],
        input=source,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=False,
    )


@pytest.mark.parametrize("how", sorted(CALLS))
def test_the_lint_refuses_a_call_to_imagemath_eval(how: str) -> None:
    result = ruff("--stdin-filename", "campaign/rendering/sneaky.py", "-", source=CALLS[how])
    assert result.returncode == 1, result.stdout + result.stderr
    assert "TID251" in result.stdout and "ImageMath" in result.stdout, result.stdout


def test_no_code_calls_imagemath_eval() -> None:
    result = ruff("--select", "TID251", "campaign", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr
