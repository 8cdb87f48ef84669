"""The audit trail: who changed what, when, from where."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from flask import Flask
from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session, UOWTransaction

from campaign.extensions import db
from campaign.persistence.audit import AuditEvent
from campaign.services import clock
from campaign.services.records import Page, PageRequest, paginate
from campaign.services.spreadsheet_csv import text_cell

SOURCES = ("web", "api", "cli", "scheduler", "system")
REDACTED = "[redacted]"
# Secrets are recorded as changed, never with their value. nonce: half of a feed URL;
# publish_id: the address of a screen's published playlist.
_SECRET_COLUMNS = {"password_hash", "token_hash", "nonce", "publish_id"}
# Player heartbeats and usage stamps change every few seconds: noise, not decisions.
_IGNORED_COLUMNS = {"last_seen_at", "playing_version", "player_info", "last_used_at"}
# Play records are reports from screens, kept in their own table; not edits by anyone.
_IGNORED_TABLES = {
    "audit_events",
    "content_state",
    "play_records",
    "play_rollups",
    "job_runs",
}


@dataclass(frozen=True)
class Actor:
    """Who is making changes in the current context, and through which door."""

    user_id: int | None = None
    label: str = ""
    source: str = "system"


# Actor is frozen, so one shared default is safe.
_actor: ContextVar[Actor] = ContextVar("audit_actor", default=Actor())  # noqa: B039


def current_actor() -> Actor:
    return _actor.get()


def set_actor(actor: Actor) -> None:
    """Name the actor for the rest of this context (a request, a command, a job)."""
    _actor.set(actor)


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """Name the actor for a block, e.g. a scheduler job: `with acting_as(Actor(source=...))`."""
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v) for v in value]
    return str(value)


def _audited(obj: object) -> bool:
    table = getattr(obj, "__tablename__", None)
    return bool(table) and table not in _IGNORED_TABLES and getattr(obj, "__audit__", True)


def _value(key: str, value: Any) -> Any:
    return REDACTED if key in _SECRET_COLUMNS and value is not None else _json_safe(value)


def _collection_ids(items: Sequence[object]) -> list[str]:
    # New rows get their identity only after the flush, but their key columns are set by now.
    return sorted(_identity(i) for i in items)


def _snapshot(obj: object, *, committed: bool) -> dict[str, Any]:
    """Every column's value: as loaded (committed) or as about to be written."""
    state = inspect(obj)
    values: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in _IGNORED_COLUMNS:
            continue
        current = state.dict.get(attr.key)
        if committed and attr.key in state.committed_state:
            current = state.committed_state[attr.key]
        values[attr.key] = _value(attr.key, current)
    return values


def _changes(obj: object) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        history = state.attrs[key].history
        if key in _IGNORED_COLUMNS or key == "lock_version" or not history.has_changes():
            continue
        old = (history.deleted or history.unchanged or [None])[0]
        new = (history.added or [None])[0]
        if old != new:
            before[key], after[key] = _value(key, old), _value(key, new)
    for rel in state.mapper.relationships:
        if rel.secondary is None:
            continue
        history = state.attrs[rel.key].history
        if history.added or history.deleted:
            before[rel.key] = _collection_ids(list(history.unchanged) + list(history.deleted))
            after[rel.key] = _collection_ids(list(history.unchanged) + list(history.added))
    return before, after


def _identity(obj: object) -> str:
    mapper = inspect(obj).mapper
    return ",".join(str(v) for v in mapper.primary_key_from_instance(obj))


def _row(action: str, obj: object, before: Any, after: Any, at: datetime) -> dict[str, Any]:
    actor = current_actor()
    return {
        "at": at,
        "actor_id": actor.user_id,
        "actor": actor.label,
        "source": actor.source,
        "action": action,
        "entity": obj.__tablename__,  # type: ignore[attr-defined]
        "entity_id": _identity(obj),
        "before": before,
        "after": after,
    }


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    # Rows are written with a Core insert in the same transaction: the change and its record
    # commit or roll back together, and no second flush is needed.
    now = clock.now()
    rows = []
    for obj in session.new:
        if _audited(obj):
            rows.append(_row("insert", obj, None, _snapshot(obj, committed=False), now))
    for obj in session.dirty:
        if _audited(obj) and session.is_modified(obj):
            before, after = _changes(obj)
            if after or before:
                rows.append(_row("update", obj, before, after, now))
    for obj in session.deleted:
        if _audited(obj):
            rows.append(_row("delete", obj, _snapshot(obj, committed=True), None, now))
    if rows:
        session.execute(insert(AuditEvent), rows)


def record(
    action: str, entity: str, entity_id: str = "", detail: dict[str, Any] | None = None
) -> None:
    """Add an event that is not a row change (a sign-in, a refused sign-in); callers commit."""
    db.session.add(
        AuditEvent(
            at=clock.now(),
            actor_id=current_actor().user_id,
            actor=current_actor().label,
            source=current_actor().source,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=None,
            after=_json_safe(detail) if detail else None,
        )
    )


FILTERS = ("entity", "entity_id", "action", "source", "actor_id")
EVENT_SORTS = {"at", "entity", "action"}


def events_query(filters: dict[str, Any], since: datetime | None, until: datetime | None) -> Any:
    """A select of audit events matching the allow-listed filters, newest first."""
    query = select(AuditEvent)
    for name in FILTERS:
        if filters.get(name) is not None:
            query = query.where(getattr(AuditEvent, name) == filters[name])
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    return query


def list_events(filters: dict[str, Any], request: PageRequest) -> Page:
    """A page of the events matching the filters (and "since"/"until" in them), newest first
    unless the request sorts otherwise."""
    if not request.sort:
        request = replace(request, sort="-at")
    query = events_query(filters, filters.get("since"), filters.get("until"))
    return paginate(query, AuditEvent, request, EVENT_SORTS)


def export_events(filters: dict[str, Any]) -> Iterator[str]:
    """The events matching the filters (and "since"/"until" in them) as CSV lines, oldest first."""
    return export_csv(events_query(filters, filters.get("since"), filters.get("until")))


CSV_COLUMNS = ("id", "at", "actor_id", "actor", "source", "action", "entity", "entity_id")


def export_csv(query: Any, batch: int = 500) -> Iterator[str]:
    """The events as CSV lines, streamed; before/after are JSON in their own columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*CSV_COLUMNS, "before", "after"])
    for event_row in db.session.scalars(
        query.order_by(AuditEvent.id).execution_options(yield_per=batch)
    ):
        values = [getattr(event_row, c) for c in CSV_COLUMNS]
        values[1] = event_row.at.isoformat()
        writer.writerow(
            [
                *(text_cell(v) for v in values),
                text_cell(
                    json.dumps(event_row.before, ensure_ascii=False) if event_row.before else ""
                ),
                text_cell(
                    json.dumps(event_row.after, ensure_ascii=False) if event_row.after else ""
                ),
            ]
        )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def init_app(app: Flask) -> None:
    """Hook change recording into the app's sessions."""
    # db.session is one scoped session for every app built in this process: listen once.
    if not event.contains(db.session, "after_flush", _after_flush):
        event.listen(db.session, "after_flush", _after_flush)
