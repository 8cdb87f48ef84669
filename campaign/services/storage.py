"""Stored files no row names any more, removed once no player can still be showing them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.media import MediaFile, Rendition
from campaign.services.renditions import asset_store

# A player may keep playing a playlist for up to a day past its last successful poll (its
# fallback), so a file it names must outlive its last reference by more than that.
GRACE = timedelta(hours=48)


def referenced_files() -> set[tuple[str, str]]:
    named = {(s, e) for s, e in db.session.execute(select(MediaFile.sha256, MediaFile.ext))}
    named |= {(s, e) for s, e in db.session.execute(select(Rendition.sha256, Rendition.ext))}
    return named


def collect_unreferenced(now: datetime, grace: timedelta = GRACE) -> int:
    """Delete stored files that no row names and that are older than `grace`; return how many."""
    store = asset_store()
    named = referenced_files()
    cutoff = (now - grace).timestamp()
    removed = 0
    # The store lists itself: the directory's files, or the bucket's objects.
    for sha256, ext, last_used in list(store.stored()):
        if (sha256, ext) in named or last_used > cutoff:
            continue
        if store.delete(sha256, ext):
            removed += 1
    return removed
