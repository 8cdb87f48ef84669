"""Each screen's last good poll answer on disk, to answer polls while the database is unusable.

One file per screen token, named by the token's hash (the token itself is never written): the
ETag on the first line; then, where the answer was built for a content generation, a line
`#<generation> <valid_until, epoch seconds> <settings>` (another process on that generation,
built with the same settings, may serve it without building it again); then the body's
bytes. Written atomically (a temporary file, fsync, os.replace), so a reader or a crash sees the
previous answer or the new one, never half of one.
The folder's rename is not fsynced: after a power cut a screen may get its answer before last,
which is still a good one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from campaign.services.atomic_files import remove_unkept, write_atomically

log = logging.getLogger(__name__)

SUFFIX = ".answer"
_KEY = re.compile(r"[0-9a-f]{64}")  # a token's hash (screens.hash_token), nothing else


# generation, valid_until (epoch seconds), and the settings' digest (absent in earlier files)
_BUILT = re.compile(rb"#(\d{1,18}) (\d{1,12})(?: ([0-9a-f]{1,64}))?")


@dataclass(frozen=True)
class KeptAnswer:
    """A poll answer as kept on disk; with the content generation it was built for, its
    valid_until, and a digest of the settings that shaped its body, where known."""

    etag: str
    body: bytes
    generation: int | None = None
    valid_until: datetime | None = None
    settings: str | None = None  # lowercase hex


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
            built = b""
            if answer.generation is not None and answer.valid_until is not None:
                until = int(answer.valid_until.timestamp())
                settings = b" " + answer.settings.encode("ascii") if answer.settings else b""
                built = b"#%d %d%s\n" % (answer.generation, until, settings)
            data = answer.etag.encode("ascii") + b"\n" + built + answer.body
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
        tag = etag.decode("ascii", errors="replace")
        if not body.startswith(b"#"):  # kept without its generation (or by an earlier release)
            return KeptAnswer(tag, body)
        line, newline, rest = body.partition(b"\n")
        built = _BUILT.fullmatch(line)
        if not newline or built is None:
            return None
        until = datetime.fromtimestamp(int(built[2]), UTC)
        settings = built[3].decode("ascii") if built[3] else None
        return KeptAnswer(tag, rest, int(built[1]), until, settings)

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
