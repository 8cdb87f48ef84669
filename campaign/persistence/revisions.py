"""Schema revisions: the one a database is at, and the head the migration scripts lead to."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from sqlalchemy import Column, MetaData, String, Table, event, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from campaign.extensions import db

VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"

# Alembic's own bookkeeping table, described here so that reading it needs no Alembic: web
# workers ask for the revision on every /healthz and must not load it (see engine.py).
_VERSION_TABLE = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), primary_key=True),
)
_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


@functools.cache
def _scripts() -> tuple[frozenset[str], frozenset[str]]:
    """Every revision the scripts name, and their heads (read once per process, from text)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in VERSIONS.glob("*.py"):
        source = script.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found is None:
            continue
        revisions.add(found.group(1))
        down = _DOWN_REVISION.search(source)
        if down is not None:
            parents.update(_QUOTED.findall(down.group(1)))
    return frozenset(revisions), frozenset(revisions - parents)


def head() -> str:
    """The revision the migration scripts lead to (heads joined by "+", should there be two)."""
    return "+".join(sorted(_scripts()[1]))


def is_known(revision: str) -> bool:
    """Whether this code's migration scripts name `revision` (each of its parts)."""
    return all(part in _scripts()[0] for part in revision.split("+"))


def current(connection: Connection) -> str | None:
    """The database's revision ("+"-joined like `head`), None where it was never migrated.
    A missing version table rolls the connection back, so it can go on being used."""
    try:
        rows = connection.execute(select(_VERSION_TABLE.c.version_num)).scalars().all()
    except SQLAlchemyError:
        connection.rollback()
        return None
    return "+".join(sorted(rows)) or None


def _stamp_head(_metadata: Any, connection: Connection, **_kw: Any) -> None:
    # A schema made from the models (db.create_all, as tests and fresh setups do) is the head
    # schema (tests/services/test_migrations.py holds them equal): record it as such, as
    # Alembic's "build a database from scratch" recipe does, unless a revision is recorded.
    _VERSION_TABLE.create(connection, checkfirst=True)
    if connection.execute(select(_VERSION_TABLE.c.version_num)).first() is None:
        connection.execute(
            _VERSION_TABLE.insert(), [{"version_num": rev} for rev in sorted(_scripts()[1])]
        )


def stamp_created_schemas() -> None:
    """Have db.create_all() record the head revision (installed once per process)."""
    if not event.contains(db.metadata, "after_create", _stamp_head):
        event.listen(db.metadata, "after_create", _stamp_head)
