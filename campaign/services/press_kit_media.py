"""The press kit's pictures: the stored renditions where there are some, else drawn and kept."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.media import Rendition
from campaign.persistence.player import insert_ignoring
from campaign.rendering.refusals import ScreenClass, SlideNotLegible
from campaign.services.generation import bump_generation
from campaign.services.poster_renditions import draw_poster
from campaign.services.press_kit_plan import (
    OriginalSource,
    PlannedFile,
    PosterSource,
    SlideSource,
    Source,
    TextSource,
)
from campaign.services.renditions import CONTENT_TYPES, asset_store, draw_slide

log = logging.getLogger(__name__)


class KitMedia:
    """Makes the bytes of a kit's files one at a time. A slide or poster drawn here is stored
    and recorded as a rendition (`record`), as the screens' own drawing does, so the next kit
    and the screens reuse it."""

    def __init__(self, files: Sequence[PlannedFile]) -> None:
        self.store = asset_store()
        slides = [f.source for f in files if isinstance(f.source, SlideSource)]
        posters = [f.source for f in files if isinstance(f.source, PosterSource)]
        self.slides: dict[str, str] = {}  # fingerprint → sha256 of the stored png
        versions = sorted({s.version_id for s in slides})
        if versions:
            query = select(Rendition.source_hash, Rendition.sha256, Rendition.ext).where(
                Rendition.message_version_id.in_(versions), Rendition.ext == "png"
            )
            self.slides = {source: sha for source, sha, _ext in db.session.execute(query)}
        self.posters: dict[str, str] = {}  # poster fingerprint → sha256 of the stored jpg
        ids = sorted({p.poster.id for p in posters})
        if ids:
            query = select(Rendition.source_hash, Rendition.sha256).where(
                Rendition.poster_id.in_(ids), Rendition.ext == "jpg"
            )
            self.posters = {source: sha for source, sha in db.session.execute(query)}
        self.wanted: dict[int, list[PosterSource]] = {}  # each poster's shapes in the kit
        for p in posters:
            self.wanted.setdefault(p.poster.id, []).append(p)
        self.drawn_posters: set[int] = set()
        self.rows: list[dict[str, Any]] = []
        self.drawn = 0

    def _stored(self, sha256: str | None, ext: str) -> bytes | None:
        if sha256 is None or not self.store.exists(sha256, ext):
            return None  # a file lost from the disk is as good as none: drawn again
        return self.store.read(sha256, ext)

    def data(self, source: Source, now: datetime) -> bytes | None:
        """The file's bytes; None when it cannot be made (a slide that does not fit, a
        poster whose picture is gone): the kit leaves it out."""
        if isinstance(source, TextSource):
            return source.data
        if isinstance(source, OriginalSource):
            return self._stored(source.sha256, source.ext)
        if isinstance(source, SlideSource):
            return self._slide(source, now)
        return self._poster(source, now)

    def _slide(self, s: SlideSource, now: datetime) -> bytes | None:
        data = self._stored(self.slides.get(s.fingerprint), "png")
        if data is not None:
            return data
        try:
            data = draw_slide(s.message, s.lang, s.width, s.height, s.campaign, s.partners)
        except (SlideNotLegible, ValueError, KeyError, OSError) as exc:
            log.warning("press kit: cannot draw %s %s at %dx%d: %s", *_what(s), exc)
            return None
        self.drawn += 1
        sha256 = self._keep(data, "png")
        if sha256 is not None:
            self.slides[s.fingerprint] = sha256
            self.rows.append(
                dict(
                    message_version_id=s.version_id,
                    campaign_id=None,
                    source_hash=s.fingerprint,
                    lang=s.lang,
                    width=s.width,
                    height=s.height,
                    sha256=sha256,
                    ext="png",
                    content_type=CONTENT_TYPES["png"],
                    size_bytes=len(data),
                    created_at=now,
                )
            )
        return data

    def _keep(self, data: bytes, ext: str) -> str | None:
        """Store a drawn picture; None if the disk refuses (the kit still has it)."""
        try:
            return self.store.put(data, ext).sha256
        except OSError as exc:
            log.warning("press kit: cannot store a drawn picture: %s", exc)
            return None

    def _poster(self, p: PosterSource, now: datetime) -> bytes | None:
        data = self._stored(self.posters.get(p.fingerprint), "jpg")
        if data is not None or p.poster.id in self.drawn_posters:
            return data
        # Every shape of this poster the kit lacks, its picture decoded once.
        self.drawn_posters.add(p.poster.id)
        missing = [
            w
            for w in self.wanted.get(p.poster.id, [p])
            if self._stored(self.posters.get(w.fingerprint), "jpg") is None
        ]
        classes = {ScreenClass(w.width, w.height): w for w in missing}
        pictures = draw_poster(self.store, p.poster, list(classes), p.background)
        if pictures is None:
            return None
        for screen_class, picture in pictures.items():
            wanted = classes[screen_class]
            self.posters[wanted.fingerprint] = picture.sha256
            self.rows.append(_poster_row(wanted, picture.sha256, picture.size_bytes, now))
        self.drawn += len(pictures)
        return self._stored(self.posters.get(p.fingerprint), "jpg")

    def record(self) -> None:
        """Record the renditions drawn for the kit (another process may have recorded the same
        ones meanwhile: theirs stand), and commit."""
        if not self.rows:
            return
        db.session.execute(insert_ignoring(Rendition, db.engine.dialect.name), self.rows)
        # Core inserts skip the flush listener: mark the content as changed ourselves.
        bump_generation()
        db.session.commit()
        self.rows = []


def _what(s: SlideSource) -> tuple[str, str, int, int]:
    return s.message.key, s.lang, s.width, s.height


def _poster_row(p: PosterSource, sha256: str, size: int, now: datetime) -> dict[str, Any]:
    poster = p.poster
    return dict(
        poster_id=poster.id,
        source_id=poster.media_file_id,
        source_hash=p.fingerprint,
        lang=poster.lang,
        width=p.width,
        height=p.height,
        sha256=sha256,
        ext="jpg",
        content_type=CONTENT_TYPES["jpg"],
        size_bytes=size,
        created_at=now,
    )
