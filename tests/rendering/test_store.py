"""Content-addressed store: atomic writes, no leftovers on failure, names never from people."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

import pytest

from campaign.rendering import store as store_module
from campaign.rendering.store import AssetStore, StorageFull, StoredFile

DATA = b"\x89PNG pretend image bytes"
SHA = hashlib.sha256(DATA).hexdigest()


def leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and p.name.startswith(".tmp-")]


def test_put_writes_under_the_hash(tmp_path: Path):
    store = AssetStore(tmp_path)
    stored = store.put(DATA, "png")
    assert stored == StoredFile(SHA, tmp_path / SHA[:2] / f"{SHA}.png", "png")
    assert stored.path.read_bytes() == DATA
    assert store.exists(SHA, "png")
    assert store.read(SHA, "png") == DATA
    assert store.path_for(SHA, "png") == stored.path
    assert stat.S_IMODE(stored.path.stat().st_mode) == 0o644
    assert leftovers(tmp_path) == []


def test_put_is_idempotent_and_does_not_rewrite(tmp_path: Path, monkeypatch):
    store = AssetStore(tmp_path)
    first = store.put(DATA, "png")

    def no_write(*args, **kwargs):
        raise AssertionError("the file is already there: nothing should be written")

    monkeypatch.setattr(store_module.tempfile, "mkstemp", no_write)
    assert store.put(DATA, "png") == first


def test_the_file_appears_only_complete_by_rename(tmp_path: Path, monkeypatch):
    store = AssetStore(tmp_path)
    real_replace = os.replace
    seen = []

    def spy(src, dst):
        src, dst = Path(src), Path(dst)
        seen.append((src.parent == dst.parent, src.read_bytes() == DATA, dst.exists()))
        real_replace(src, dst)

    monkeypatch.setattr(store_module.os, "replace", spy)
    store.put(DATA, "png")
    assert seen == [(True, True, False)]  # same directory, fully written, target not yet there


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_disk_full_raises_storage_full_and_leaves_nothing(tmp_path: Path, monkeypatch, code):
    store = AssetStore(tmp_path)

    def full(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(store_module.os, "replace", full)
    with pytest.raises(StorageFull) as info:
        store.put(DATA, "png")
    assert info.value.errno == errno.ENOSPC
    assert "full" in str(info.value)
    assert leftovers(tmp_path) == []
    assert not store.exists(SHA, "png")


def test_failed_fsync_leaves_no_temp_file(tmp_path: Path, monkeypatch):
    store = AssetStore(tmp_path)

    def broken(fd):
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(store_module.os, "fsync", broken)
    with pytest.raises(OSError) as info:
        store.put(DATA, "png")
    assert not isinstance(info.value, StorageFull)
    assert leftovers(tmp_path) == []
    assert not store.exists(SHA, "png")


def test_interrupted_write_leaves_no_temp_file(tmp_path: Path, monkeypatch):
    store = AssetStore(tmp_path)

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(store_module.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.put(DATA, "png")
    assert leftovers(tmp_path) == []


def test_delete(tmp_path: Path):
    store = AssetStore(tmp_path)
    store.put(DATA, "png")
    assert store.delete(SHA, "png") is True
    assert store.delete(SHA, "png") is False
    assert not store.exists(SHA, "png")


@pytest.mark.parametrize(
    "name",
    [
        "../../campaign/__init__.py",
        "../" + SHA[3:],
        SHA.upper(),
        SHA[:-1],
        SHA + "0",
        SHA[:-1] + "/",
        "",
        f"{SHA[:63]}\n",
    ],
)
def test_names_that_are_not_hashes_are_never_paths(tmp_path: Path, name):
    store = AssetStore(tmp_path)
    for call in (store.path_for, store.exists, store.read, store.delete):
        with pytest.raises(ValueError):
            call(name, "png")


@pytest.mark.parametrize("ext", ["py", "../png", "png/../../x", "PNG", "svg", "html", ""])
def test_extensions_outside_the_allow_list_are_refused(tmp_path: Path, ext):
    store = AssetStore(tmp_path)
    with pytest.raises(ValueError):
        store.put(DATA, ext)
    with pytest.raises(ValueError):
        store.path_for(SHA, ext)
    assert list(tmp_path.iterdir()) == []
