"""The player service's checks of reported plays, and idempotent storage on both databases."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.network import Screen
from campaign.services import player, served_versions

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)


def good(**overrides: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "item_id": "peru-unido-contra-la-trata/where-to-report.v3.en",
        "started_at": "2026-11-28T11:58:00-05:00",
        "duration_s": 10,
    }
    record.update(overrides)
    return record


def test_check_play_parses_the_item_id() -> None:
    row = player.check_play(good(), NOW)
    assert (row["message_key"], row["message_version"], row["lang"]) == ("where-to-report", 3, "en")
    assert row["started_at"] == NOW - timedelta(minutes=2)
    odd = player.check_play(good(item_id="poster-17"), NOW)
    assert (odd["message_key"], odd["message_version"], odd["lang"]) == ("poster-17", None, None)


@pytest.mark.parametrize(
    "overrides",
    [
        {"id": 5},
        {"item_id": "  "},
        {"started_at": "yesterday"},
        {"started_at": "2026-11-28T12:00:00"},
        {"duration_s": -1},
        {"duration_s": True},
        {"duration_s": "10"},
    ],
)
def test_check_play_refuses(overrides: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        player.check_play(good(**overrides), NOW)


def test_record_plays_twice_in_one_batch_counts_once(demo: Flask) -> None:
    with demo.app_context():
        screen = db.session.scalar(select(Screen).filter_by(code="LIM-GAT-01"))
        assert screen is not None
        items = {"peru-unido-contra-la-trata/where-to-report.v3.en": "b1"}
        served_versions.note_served(screen.id, "v1", items, NOW - timedelta(hours=1))
        record = good()
        result = player.record_plays(screen.id, [record, record, "junk"], now=NOW)
        assert (result.accepted, result.duplicates) == (1, 1)
        assert result.rejected == [
            {"index": 2, "detail": "a play must be a JSON object", "reason": "malformed"}
        ]
        with pytest.raises(player.BatchTooLarge):
            player.record_plays(screen.id, [record] * 1001, now=NOW)
