"""Screens marked offline after three missed heartbeats, and online again at the next one;
both changes go into the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update

from campaign.extensions import db
from campaign.persistence.audit import AuditEvent
from campaign.persistence.network import Screen
from campaign.services import audit
from campaign.services.screen_health import offline_after, threshold_seconds

OFFLINE, ONLINE = "offline", "online"


@dataclass(frozen=True)
class ConnectivityChange:
    screen_id: int
    code: str
    state: str  # OFFLINE or ONLINE
    at: datetime  # when it went offline (its last heartbeat + the threshold), or came back
    last_seen_at: datetime | None


def _audit_row(screen_id: int, before: Any, after: Any, at: datetime) -> dict[str, Any]:
    """The audit trail's record of the column's change, as the session would have written it.

    These writes are plain UPDATEs, not ORM changes: an ORM change to a screen would count as
    new content and make every player fetch its loop again."""
    actor = audit.current_actor()
    return {
        "at": at,
        "actor_id": actor.user_id,
        "actor": actor.label,
        "source": actor.source,
        "action": "update",
        "entity": Screen.__tablename__,
        "entity_id": str(screen_id),
        "before": {"offline_since": before.isoformat() if before else None},
        "after": {"offline_since": after.isoformat() if after else None},
    }


def sweep(at: datetime) -> list[ConnectivityChange]:
    """Mark offline every screen with a working token that has not been heard from for three
    poll intervals; each is marked once, at the instant it went offline. A screen never seen
    is not marked. Idempotent: a second sweep, or a late one, changes nothing more."""
    limit = timedelta(seconds=threshold_seconds())
    stale = db.session.execute(
        select(Screen.id, Screen.code, Screen.last_seen_at).where(
            Screen.token_hash.is_not(None),
            Screen.token_revoked_at.is_(None),
            Screen.last_seen_at.is_not(None),
            Screen.last_seen_at < at - limit,
            Screen.offline_since.is_(None),
        )
    ).all()
    changes, events = [], []
    for screen_id, code, seen in stale:
        since = offline_after(seen)
        marked = db.session.execute(
            update(Screen)
            .where(
                Screen.id == screen_id,
                Screen.offline_since.is_(None),
                Screen.last_seen_at == seen,  # not if a heartbeat came meanwhile
            )
            .values(offline_since=since)
            .execution_options(synchronize_session=False)
        )
        if marked.rowcount:  # type: ignore[attr-defined]
            changes.append(ConnectivityChange(screen_id, code, OFFLINE, since, seen))
            events.append(_audit_row(screen_id, None, since, at))
    if events:
        db.session.execute(insert(AuditEvent), events)
    db.session.commit()
    return changes


def back_online(screen_id: int, values: dict[str, Any], now: datetime) -> ConnectivityChange | None:
    """Write a heartbeat's `values` to a screen that may be marked offline, clearing the mark
    (and recording that in the audit trail) when it is. The caller commits."""
    since = db.session.scalar(select(Screen.offline_since).where(Screen.id == screen_id))
    if since is not None:
        cleared = db.session.execute(
            update(Screen)
            .where(Screen.id == screen_id, Screen.offline_since == since)
            .values(**values, offline_since=None)
            .execution_options(synchronize_session=False)
        )
        if cleared.rowcount:  # type: ignore[attr-defined]
            db.session.execute(insert(AuditEvent), [_audit_row(screen_id, since, None, now)])
            code = db.session.scalar(select(Screen.code).where(Screen.id == screen_id)) or ""
            return ConnectivityChange(screen_id, code, ONLINE, now, now)
    # Cleared meanwhile by another heartbeat (or no such screen): the plain write.
    db.session.execute(
        update(Screen)
        .where(Screen.id == screen_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return None
