"""Files written whole or not at all: a temporary file beside the target, fsync, os.replace."""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

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


TEMPORARY_MAX_AGE_S = 60.0  # older: left by a writer that died; younger: one writing now


def remove_unkept(
    directory: Path, suffix: str, keep: Callable[[str], bool], written_before: float | None
) -> tuple[int, list[str]]:
    """Remove the files `<key><suffix>` of `directory` whose key `keep` refuses and that were
    written before `written_before` (a time.time(); None: whenever), and the temporary files of
    writers that died. A file written since is kept: its writer may know a key the caller's
    list, read at that instant, did not. (How many were removed, the keys removed.) Logs, never
    raises, when the folder or a file refuses."""
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return 0, []
    except OSError as exc:
        log.warning("%s could not be listed: %s", directory, exc)
        return 0, []
    now = time.time()
    removed: list[str] = []
    temporaries = 0
    for entry in entries:
        name = entry.name
        if name.endswith(suffix):
            key = name.removesuffix(suffix)
            stale = not keep(key) and (
                written_before is None or _mtime(entry, now) < written_before
            )
        elif name.startswith(".") and name.endswith(TEMPORARY_SUFFIX):
            key = None
            stale = now - _mtime(entry, now) > TEMPORARY_MAX_AGE_S
        else:
            continue
        if not stale:
            continue
        try:
            os.unlink(entry.path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            log.warning("%s was not removed: %s", entry.path, exc)
            continue
        if key is None:
            temporaries += 1
        else:
            removed.append(key)
    return len(removed) + temporaries, removed


def _mtime(entry: os.DirEntry[str], now: float) -> float:
    try:
        return entry.stat().st_mtime
    except OSError:
        return now  # gone meanwhile, or unreadable: as if written just now (kept)
