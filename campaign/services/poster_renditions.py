"""Poster renditions: what a poster is drawn from, and drawing it for several screen classes."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass

from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.posters import Poster
from campaign.rendering.refusals import ScreenClass
from campaign.rendering.store import PictureStore

log = logging.getLogger(__name__)

# Part of every poster fingerprint: change it when posters are drawn differently.
POSTER_RENDERER = "poster/1"
POSTER_QUALITY = 85


@dataclass(frozen=True)
class PosterRef:
    """What a poster rendition is drawn from."""

    id: int
    media_file_id: int
    sha256: str
    ext: str
    fit: str
    focal: tuple[float, float]
    lang: str  # "" for a poster in any language


@dataclass(frozen=True)
class Picture:
    """One stored poster rendition, before it is recorded."""

    sha256: str
    size_bytes: int


def poster_fingerprint(poster: PosterRef, width: int, height: int, background: str) -> str:
    """A hash of everything a poster rendition is drawn from; equal inputs, equal picture."""
    doc = {
        "renderer": POSTER_RENDERER,
        "size": [width, height],
        "source": [poster.sha256, poster.ext],
        "fit": poster.fit,
        # The focal point only moves the crop of "cover"; "contain" shows everything.
        "focal": list(poster.focal) if poster.fit == "cover" else None,
        "background": background.upper(),
        "quality": POSTER_QUALITY,
    }
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def load_posters(live_versions: dict[int, str]) -> dict[tuple[str, str], PosterRef]:
    """The poster of each live (approved or paused) version, by message key and language
    ("" = any language); the newest one wins. `live_versions` maps version ids to keys."""
    posters: dict[tuple[str, str], PosterRef] = {}
    query = (
        select(Poster)
        .where(Poster.message_version_id.in_(list(live_versions)))
        .order_by(Poster.created_at, Poster.id)
    )
    for p in db.session.scalars(query):
        ref = PosterRef(
            p.id, p.media_file_id, p.sha256, p.ext, p.fit, (p.focal_x, p.focal_y), p.lang or ""
        )
        posters[live_versions[p.message_version_id or 0], ref.lang] = ref
    return posters


def draw_poster(
    store: PictureStore, poster: PosterRef, classes: list[ScreenClass], background: str
) -> dict[ScreenClass, Picture] | None:
    """Render a poster for screen classes (its source decoded once) and store each picture as
    JPEG; None, with no new file left, if that fails."""
    stored: list[str] = []
    try:
        source = store.read(poster.sha256, poster.ext)
        from campaign.rendering.renditions import render_renditions  # Pillow: only to draw

        pictures = render_renditions(
            source,
            classes,
            fit="cover" if poster.fit == "cover" else "contain",
            background=background,
            focal_point=poster.focal,
            quality=POSTER_QUALITY,
        )
        out = {}
        for screen_class, data in pictures.items():
            existed = store.exists(hashlib.sha256(data).hexdigest(), "jpg")
            put = store.put(data, "jpg")
            if not existed:
                stored.append(put.sha256)
            out[screen_class] = Picture(put.sha256, len(data))
        return out
    except Exception as exc:
        # A bad poster must never break a poll: the item shows its text slide instead, and
        # the problem is logged for a person.
        log.warning("cannot draw poster %d: %s", poster.id, exc)
        for sha256 in stored:
            store.delete(sha256, "jpg")
        return None
