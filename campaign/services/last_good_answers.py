"""Each screen's last good poll answer on disk, to answer polls while the database is unusable.

One file per screen token, named by the token's hash (the token itself is never written): the
ETag on the first line, the body's bytes after it. Written atomically (a temporary file, fsync,
os.replace), so a reader or a crash sees the previous answer or the new one, never half of one.
The folder's rename is not fsynced: after a power cut a screen may get its answer before last,
which is still a good one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from campaign.services.atomic_files import remove_unkept, write_atomically

log = logging.getLogger(__name__)

SUFFIX = ".answer"
_KEY = re.compile(r"[0-9a-f]{64}")  # a token's hash (screens.hash_token), nothing else


@dataclass(frozen=True)
class KeptAnswer:
    """A poll answer as kept on disk."""

    etag: str
    body: bytes


class LastGoodAnswers:
    """The folder of last good answers (config PLAYER_LAST_GOOD_DIR)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._made = False

    def _path(self, key: str) -> Path:
        if not _KEY.fullmatch(key):
            raise ValueError("a last good answer is kept under a token's hash")
        return self.folder / f"{key}{SUFFIX}"

    def save(self, key: str, answer: KeptAnswer) -> bool:
        """Keep `answer` for the token hashed `key`; False (logged) if the disk refuses."""
        try:
            if not self._made:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._made = True
            data = answer.etag.encode("ascii") + b"\n" + answer.body
            write_atomically(self.folder, self._path(key), data)
        except OSError as exc:
            log.warning("a screen's last good answer was not kept: %s", exc.strerror or exc)
            return False
        return True

    def load(self, key: str) -> KeptAnswer | None:
        """The answer kept for the token hashed `key`, or None."""
        try:
            data = self._path(key).read_bytes()
        except (OSError, ValueError):
            return None
        etag, newline, body = data.partition(b"\n")
        if not newline or not etag:
            return None
        return KeptAnswer(etag.decode("ascii", errors="replace"), body)

    def forget(self, key: str) -> None:
        """Remove what is kept for the token hashed `key` (it is no longer valid)."""
        try:
            self._path(key).unlink(missing_ok=True)
        except (OSError, ValueError) as exc:
            log.warning("a revoked token's last good answer was not removed: %s", exc)

    def prune(self, valid: Collection[str], read_at: float | None = None) -> int:
        """Remove the answers of every token not in `valid` (hashes, as read from the database
        at `read_at`, a time.time()), and temporary files left by writers that died; how many
        were removed. An answer written since `read_at` is kept: another process may have read
        a token issued meanwhile."""
        removed, _ = remove_unkept(self.folder, SUFFIX, lambda key: key in valid, read_at)
        return removed
