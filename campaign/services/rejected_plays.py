"""Plays that failed the checks: kept with their reason (up to a daily cap per screen), counted."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.persistence.player import RejectedPlay, insert_ignoring
from campaign.services import play_checks
from campaign.services.play_checks import Rejection

# What one screen can store in a UTC day; beyond it, rejections are only counted in the answer.
MAX_STORED_PER_DAY = 10_000

# Why a play was rejected, as a person reads it, in the order the pages list the reasons.
REASON_LABELS = {
    play_checks.NOT_SERVED: _l("not in a playlist served to the screen"),
    play_checks.BEFORE_SERVED: _l("before the screen was served the slide"),
    play_checks.FUTURE: _l("in the future"),
    play_checks.OVERLAP: _l("overlapping another play"),
    play_checks.MALFORMED: _l("malformed"),
}


def reason_label(code: str) -> str:
    """The reason code in the reader's language."""
    return str(REASON_LABELS.get(code, code))


def earlier_rejections(
    screen_id: int, play_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, str]]:
    """The reason and detail each of these play ids was rejected for before, if it was."""
    if not play_ids:
        return {}
    rows = db.session.execute(
        select(RejectedPlay.play_id, RejectedPlay.reason, RejectedPlay.detail).where(
            RejectedPlay.screen_id == screen_id, RejectedPlay.play_id.in_(play_ids)
        )
    )
    return {play_id: (reason, detail) for play_id, reason, detail in rows}


def store(screen_id: int, rejections: Sequence[Rejection], now: datetime) -> int:
    """Add the rejections to the screen's, within its daily cap (the caller commits); how many
    were kept. A play id already kept is kept once."""
    if not rejections:
        return 0
    day = datetime.combine(now.astimezone(UTC).date(), time(0), UTC)
    kept = db.session.scalar(
        select(func.count())
        .select_from(RejectedPlay)
        .where(RejectedPlay.screen_id == screen_id, RejectedPlay.received_at >= day)
    )
    room = MAX_STORED_PER_DAY - (kept or 0)
    if room <= 0:
        return 0
    rows = [rejection.row(screen_id, now) for rejection in rejections[:room]]
    db.session.execute(insert_ignoring(RejectedPlay, db.engine.dialect.name), rows)
    return len(rows)


def rejected_counts(
    screen_ids: list[int] | None, since: datetime | None, until: datetime | None
) -> dict[int, dict[str, int]]:
    """Plays rejected per screen and reason, received in [since, until) (None: unbounded), for
    these screens (None: every screen). Screens with none are left out."""
    query = select(RejectedPlay.screen_id, RejectedPlay.reason, func.count()).group_by(
        RejectedPlay.screen_id, RejectedPlay.reason
    )
    if screen_ids is not None:
        if not screen_ids:
            return {}
        query = query.where(RejectedPlay.screen_id.in_(screen_ids))
    if since is not None:
        query = query.where(RejectedPlay.received_at >= since)
    if until is not None:
        query = query.where(RejectedPlay.received_at < until)
    counts: dict[int, dict[str, int]] = {}
    for screen_id, reason, count in db.session.execute(query):
        counts.setdefault(screen_id, {})[reason] = int(count)
    return counts
