"""The content generation: bumped in the same transaction as every change players could see."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select, update

from campaign.extensions import db
from campaign.persistence.state import ContentState


def bump_generation() -> None:
    """Mark campaign content as changed; callers commit."""
    result = db.session.execute(
        update(ContentState)
        .where(ContentState.id == 1)
        .values(generation=ContentState.generation + 1)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        db.session.add(ContentState(id=1, generation=1))


def current_generation() -> int:
    value = db.session.scalar(select(ContentState.generation).where(ContentState.id == 1))
    return value or 0


def init_app(app: Flask) -> None:
    """Hook content-change tracking into the app's sessions."""
