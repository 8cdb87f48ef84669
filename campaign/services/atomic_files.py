"""Files written whole or not at all: a temporary file beside the target, fsync, os.replace."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMPORARY_SUFFIX = ".tmp"


def write_atomically(directory: Path, target: Path, data: bytes, mode: int | None = None) -> None:
    """Write `data` to `target` in `directory` so that a reader, or a crash, sees the previous
    file or the new one, never half of one. `mode`: the file's permissions (mkstemp's are 0600).
    Raises OSError; nothing is left behind then."""
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".", suffix=TEMPORARY_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as out:
            if mode is not None:
                os.fchmod(out.fileno(), mode)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
