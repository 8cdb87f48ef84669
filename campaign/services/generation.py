"""The content generation: bumped in the same transaction as every change players could see."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from campaign.extensions import db
from campaign.persistence.state import ContentState

# Tables whose rows shape what a screen plays or shows. Play records, users and audit rows do not.
CONTENT_TABLES = frozenset(
    {
        "campaigns",
        "partners",
        "phases",
        "hubs",
        "zones",
        "screens",
        "messages",
        "message_versions",
        "message_texts",
        "bookings",
        "media_files",
        "renditions",
        "posters",
    }
)
# Columns a heartbeat writes: players report them every minute, and they change no playlist.
HEARTBEAT_COLUMNS = frozenset({"last_seen_at", "playing_version", "player_info"})
_BUMPED = "campaign.generation_bumped"


def _bump(session: Session) -> None:
    result = session.execute(
        update(ContentState)
        .where(ContentState.id == 1)
        .values(generation=ContentState.generation + 1)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(ContentState(id=1, generation=1))
    session.info[_BUMPED] = True


def bump_generation() -> None:
    """Mark campaign content as changed; callers commit."""
    _bump(db.session())


def current_generation() -> int:
    value = db.session.scalar(select(ContentState.generation).where(ContentState.id == 1))
    return value or 0


def _is_content_change(obj: object, deleted: bool) -> bool:
    table = getattr(obj, "__tablename__", None)
    if table not in CONTENT_TABLES:
        return False
    if table != "screens" or deleted:
        return True
    state = inspect(obj)
    if state.pending:  # type: ignore[union-attr]
        return True
    return any(
        attr.key not in HEARTBEAT_COLUMNS and attr.history.has_changes()
        for attr in state.attrs  # type: ignore[union-attr]
    )


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Bump once per transaction when the flush writes any content row."""
    if session.info.get(_BUMPED):
        return
    changes = [(o, False) for o in session.new] + [(o, False) for o in session.dirty]
    changes += [(o, True) for o in session.deleted]
    # Collections (e.g. a phase's hubs) dirty their owner, so association tables are covered.
    if any(_is_content_change(o, deleted) for o, deleted in changes):
        _bump(session)


def _transaction_over(session: Session, *_args: Any) -> None:
    session.info.pop(_BUMPED, None)


def init_app(app: Flask) -> None:
    """Hook content-change tracking into the app's sessions."""
    # Session events attach to the session class, shared by every app: listen only once.
    target = db.session
    for name, listener in (
        ("before_flush", _before_flush),
        ("after_commit", _transaction_over),
        ("after_rollback", _transaction_over),
        ("after_soft_rollback", _transaction_over),
    ):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)
