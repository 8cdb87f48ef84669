"""Content-addressed file store: files named by their SHA-256, written atomically."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

ALLOWED_EXTS = frozenset({"png", "jpg", "webp"})
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
_SHA256 = re.compile(r"\A[0-9a-f]{64}\Z")
_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


class StorageFull(OSError):
    """The disk (or quota) is full: callers answer 507 Insufficient Storage."""


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    path: Path
    ext: str


class PictureStore(Protocol):
    """Where content-addressed pictures live: what the app asks of any store.

    A picture is named by the SHA-256 of its bytes and an extension from ALLOWED_EXTS; the
    same bytes are stored once. A name that is not 64 lowercase hex digits, or an extension
    not allowed, raises ValueError. Implementations: AssetStore (a directory, possibly a shared
    mount) and rendering/s3_store.S3Store (a bucket, served from a node-local cache).
    """

    def put(self, data: bytes, ext: str) -> StoredFile:
        """Store bytes under their hash, all or nothing; idempotent (a second put of the same
        bytes writes nothing new and restarts the clean-up's grace period, as `touch` does).
        StoredFile.path is the local file to serve, present once put returns. Raises
        StorageFull when the disk (or the storage's quota) is full."""
        ...

    def exists(self, sha256: str, ext: str) -> bool:
        """Whether the picture is stored."""
        ...

    def read(self, sha256: str, ext: str) -> bytes:
        """The picture's bytes. Raises FileNotFoundError when it is not stored."""
        ...

    def delete(self, sha256: str, ext: str) -> bool:
        """Remove the picture everywhere it is kept; False if it was not there."""
        ...

    def touch(self, sha256: str, ext: str) -> None:
        """Mark the picture as just used: the clean-up's grace period counts from now. A
        missing picture is no error."""
        ...

    def path_for(self, sha256: str, ext: str) -> Path:
        """The local file to serve the picture from. It does not exist when the picture is not
        stored (or, in a bucket, its bytes do not match its name): the caller answers 404."""
        ...

    def stored(self) -> Iterator[tuple[str, str, float]]:
        """Every stored picture, as (sha256, ext, last used as a POSIX timestamp): what the
        clean-up of unreferenced files walks."""
        ...


def _check(sha256: str, ext: str) -> None:
    """Names come from hashes and an allow-list, never from what a person typed."""
    if not isinstance(sha256, str) or not _SHA256.match(sha256):
        raise ValueError("A stored file is named by 64 lowercase hexadecimal characters.")
    if ext not in ALLOWED_EXTS:
        raise ValueError(f"Extension {ext!r} is not one of {sorted(ALLOWED_EXTS)}.")


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable; not every platform can open a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on directories
        pass
    finally:
        os.close(fd)


def parse_name(name: str) -> tuple[str, str] | None:
    """(sha256, ext) of a stored file's name "<sha256>.<ext>"; None for anything else."""
    sha256, _, ext = name.partition(".")
    if _SHA256.match(sha256) and ext in ALLOWED_EXTS:
        return sha256, ext
    return None


class AssetStore:
    """Files under `root/<first two hex digits>/<sha256>.<ext>`; the same bytes are stored once.

    The default PictureStore. `root` may be a shared mount (NFS): writes are atomic renames,
    so every node sees a picture whole or not at all.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str, ext: str) -> Path:
        _check(sha256, ext)
        return self.root / sha256[:2] / f"{sha256}.{ext}"

    def exists(self, sha256: str, ext: str) -> bool:
        return self.path_for(sha256, ext).is_file()

    def read(self, sha256: str, ext: str) -> bytes:
        return self.path_for(sha256, ext).read_bytes()

    def touch(self, sha256: str, ext: str) -> None:
        """Mark a file as just used (its modification time): clean-ups count from there."""
        with contextlib.suppress(FileNotFoundError):
            os.utime(self.path_for(sha256, ext))

    def delete(self, sha256: str, ext: str) -> bool:
        """Remove a file; False if it was not there."""
        try:
            self.path_for(sha256, ext).unlink()
        except FileNotFoundError:
            return False
        return True

    def stored(self) -> Iterator[tuple[str, str, float]]:
        for path in sorted(self.root.glob("??/*.*")):
            name = parse_name(path.name)
            if name is None:
                continue  # a temporary file being written, or something not ours
            try:
                modified = path.stat().st_mtime
            except FileNotFoundError:
                continue  # deleted meanwhile
            yield name[0], name[1], modified

    def put(self, data: bytes, ext: str) -> StoredFile:
        """Store bytes under their hash: temp file, fsync, atomic rename; idempotent.

        Raises StorageFull when the disk is full; no temporary file is left behind on failure.
        """
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path_for(sha256, ext)
        if target.is_file():
            self.touch(sha256, ext)  # in use again: the clean-up's grace period starts anew
            return StoredFile(sha256, target, ext)
        tmp: str | None = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".part")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
            tmp = None
            _fsync_dir(target.parent)
        except OSError as exc:
            if exc.errno in _FULL:
                raise StorageFull(
                    errno.ENOSPC, "The media disk is full; free some space and try again."
                ) from exc
            raise
        finally:
            if tmp is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
        return StoredFile(sha256, target, ext)
