"""The last good answers on disk: written whole or not at all, and pruned to the live tokens."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from campaign.services import atomic_files
from campaign.services.last_good_answers import KeptAnswer, LastGoodAnswers
from campaign.services.screens import hash_token

A, B = hash_token("token-a"), hash_token("token-b")


def test_an_answer_is_kept_under_the_tokens_hash_only(tmp_path: Path) -> None:
    kept = LastGoodAnswers(tmp_path / "last-good")
    assert kept.load(A) is None
    assert kept.save(A, KeptAnswer('"v1"', b'{"items":[]}'))
    assert kept.load(A) == KeptAnswer('"v1"', b'{"items":[]}')
    assert [p.name for p in (tmp_path / "last-good").iterdir()] == [f"{A}.answer"]
    with pytest.raises(ValueError):
        kept.save("../../etc/passwd", KeptAnswer('"v1"', b"{}"))  # only a hash names a file


def test_what_an_answer_was_built_for_is_kept_with_it_and_older_files_still_read(
    tmp_path: Path,
) -> None:
    kept = LastGoodAnswers(tmp_path / "last-good")
    until = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)
    built = KeptAnswer('"v2"', b'{"items":[]}', 41, until, "0f3a9c")
    assert kept.save(A, built) and kept.load(A) == built
    # Written by the release before settings were recorded: read, its settings unknown.
    (tmp_path / "last-good" / f"{B}.answer").write_bytes(
        b'"v1"\n#40 %d\n{"items":[]}' % until.timestamp()
    )
    assert kept.load(B) == KeptAnswer('"v1"', b'{"items":[]}', 40, until, None)


def test_a_write_that_fails_midway_leaves_the_previous_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = LastGoodAnswers(tmp_path)
    kept.save(A, KeptAnswer('"v1"', b"old"))

    def full_disk(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic_files.os, "fsync", full_disk)  # where the answer is written
    assert kept.save(A, KeptAnswer('"v2"', b"new, half written")) is False
    assert kept.load(A) == KeptAnswer('"v1"', b"old")
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{A}.answer"]  # no temporary left


def test_prune_keeps_live_tokens_and_answers_written_since_the_tokens_were_read(
    tmp_path: Path,
) -> None:
    kept = LastGoodAnswers(tmp_path)
    for key in (A, B):
        kept.save(key, KeptAnswer('"v1"', b"{}"))
    hour_ago = time.time() - 3600
    os.utime(tmp_path / f"{B}.answer", (hour_ago, hour_ago))
    dead_writer, live_writer = tmp_path / ".x.tmp", tmp_path / ".y.tmp"
    dead_writer.write_bytes(b"half")
    os.utime(dead_writer, (hour_ago, hour_ago))
    live_writer.write_bytes(b"half")

    read_at = time.time() - 60  # A's file was written after the token list was read
    assert kept.prune(set(), read_at) == 2
    assert kept.load(A) is not None and kept.load(B) is None
    assert not dead_writer.exists() and live_writer.exists()
    assert kept.prune({A}) == 0 and kept.prune(set()) == 1
    assert kept.load(A) is None
