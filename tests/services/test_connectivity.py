"""Screens marked offline after three missed heartbeats and online again at the next one, each
change once in the audit trail; screens never seen are left alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.audit import AuditEvent
from campaign.persistence.network import Screen
from campaign.services import connectivity, player, screens
from campaign.services.generation import current_generation
from campaign.services.screen_health import OFFLINE, health

T0 = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
LIMIT = timedelta(seconds=90)  # three polls of 30 s


@pytest.fixture
def network(demo: Flask) -> Flask:
    with demo.app_context():
        for code in ("LIM-ARR-01", "LIM-ARR-02", "LIM-DEP-01", "LIM-BAG-01"):
            screens.issue_token(code, now=T0 - timedelta(days=1))
        screens.revoke_token("LIM-BAG-01", now=T0 - timedelta(hours=1))
        for code in ("LIM-ARR-01", "LIM-ARR-02", "LIM-BAG-01"):
            player.record_heartbeat(_id(code), {"playing_version": "v1"}, now=T0)
    return demo


def _id(code: str) -> int:
    return db.session.scalar(select(Screen.id).filter_by(code=code))  # type: ignore[return-value]


def _screen(code: str) -> Screen:
    db.session.expire_all()
    return db.session.scalar(select(Screen).filter_by(code=code))  # type: ignore[return-value]


def _events(code: str) -> list[tuple[Any, Any]]:
    rows = db.session.scalars(
        select(AuditEvent)
        .filter_by(entity="screens", entity_id=str(_id(code)))
        .order_by(AuditEvent.id)
    )
    return [
        (r.before["offline_since"], r.after["offline_since"])
        for r in rows
        if r.action == "update" and "offline_since" in (r.after or {})
    ]


def test_a_silent_screen_is_marked_offline_once_at_the_instant_it_went_offline(
    network: Flask,
) -> None:
    with network.app_context():
        generation = current_generation()
        assert connectivity.sweep(T0 + LIMIT) == []  # 90 s: still online
        changes = connectivity.sweep(T0 + LIMIT + timedelta(seconds=1))
        assert sorted((c.code, c.state, c.at) for c in changes) == [
            ("LIM-ARR-01", "offline", T0 + LIMIT),
            ("LIM-ARR-02", "offline", T0 + LIMIT),
        ]
        assert connectivity.sweep(T0 + timedelta(hours=3)) == []  # again, later: nothing more
        assert _screen("LIM-ARR-01").offline_since == T0 + LIMIT
        assert _events("LIM-ARR-01") == [(None, (T0 + LIMIT).isoformat())]
        # Being marked is not new content: players do not fetch their loops again.
        assert current_generation() == generation
        row = _screen("LIM-ARR-01")
        seen = health(row, None, T0 + timedelta(hours=3))
        assert seen.state == OFFLINE and seen.offline_since == T0 + LIMIT


def test_screens_never_seen_or_revoked_are_not_marked(network: Flask) -> None:
    with network.app_context():
        connectivity.sweep(T0 + timedelta(days=2))
        assert _screen("LIM-DEP-01").offline_since is None  # a token, never heard from
        assert _screen("LIM-DEP-02").offline_since is None  # no token at all
        assert _screen("LIM-BAG-01").offline_since is None  # its token is revoked
        assert _events("LIM-DEP-01") == []


def test_a_late_sweep_marks_the_same_instant(network: Flask) -> None:
    with network.app_context():
        (first, *_) = connectivity.sweep(T0 + timedelta(days=5))
        assert first.at == T0 + LIMIT


def test_the_next_heartbeat_marks_it_online_again_once(network: Flask) -> None:
    back = T0 + timedelta(minutes=30)
    with network.app_context():
        connectivity.sweep(T0 + timedelta(minutes=10))
        player.record_heartbeat(_id("LIM-ARR-01"), {"playing_version": "v2"}, now=back)
        player.record_heartbeat(_id("LIM-ARR-01"), {"playing_version": "v2"}, now=back)
        row = _screen("LIM-ARR-01")
        assert row.offline_since is None and row.last_seen_at == back
        assert row.playing_version == "v2"
        assert _events("LIM-ARR-01") == [
            (None, (T0 + LIMIT).isoformat()),
            ((T0 + LIMIT).isoformat(), None),
        ]
        # The other screen, still silent, stays marked; a new silence marks it again later.
        assert _screen("LIM-ARR-02").offline_since == T0 + LIMIT
        (again,) = connectivity.sweep(back + timedelta(minutes=5))
        assert (again.code, again.at) == ("LIM-ARR-01", back + LIMIT)


def test_a_heartbeat_while_online_writes_nothing_to_the_audit_trail(network: Flask) -> None:
    with network.app_context():
        for n in range(3):
            player.record_heartbeat(_id("LIM-ARR-01"), {}, now=T0 + timedelta(seconds=30 * n))
        assert _events("LIM-ARR-01") == []
