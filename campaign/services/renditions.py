"""Screen renditions: the stored picture each screen class shows for a playlist item."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from campaign.config import picture_bucket
from campaign.domain.model import (
    CAMPAIGN_CARD_KEY,
    Campaign,
    Message,
    Network,
    Partner,
    campaign_card,
)
from campaign.domain.playlist import PlaylistItem
from campaign.extensions import db
from campaign.persistence import messages as m_rows
from campaign.persistence.campaigns import Campaign as CampaignRow
from campaign.persistence.media import Rendition
from campaign.persistence.player import insert_ignoring
from campaign.persistence.queries import live_version, to_partner
from campaign.rendering.refusals import ScreenClass, SlideNotLegible
from campaign.rendering.s3_store import S3Store, make_client
from campaign.rendering.store import CONTENT_TYPES, AssetStore, PictureStore
from campaign.services.generation import bump_generation
from campaign.services.poster_renditions import (
    Picture,
    PosterRef,
    draw_poster,
    load_posters,
    poster_fingerprint,
)

log = logging.getLogger(__name__)

# Part of every fingerprint: change it when slides are drawn differently, and they are remade.
RENDERER = "text-slide/1"
LANG_LABELS = {"es": "Español", "en": "English"}
_MEMO_SIZE = 48

# Fingerprints this process failed to draw: a slide that does not fit is not retried every poll.
_failed: set[str] = set()
# Identical inputs give identical bytes; a lost insert race or a retry need not redraw.
_drawn: OrderedDict[str, bytes] = OrderedDict()
# Threaded servers draw for polls and previews at once: the memo's updates go one at a time.
_drawn_lock = threading.Lock()


@dataclass(frozen=True)
class Asset:
    """A stored picture, named by its content."""

    sha256: str
    ext: str
    content_type: str
    width: int
    height: int

    @property
    def url(self) -> str:
        return f"/assets/{self.sha256}.{self.ext}"


_S3_CLIENT = "campaign.s3_client"


def asset_store() -> PictureStore:
    """The configured picture store: the directory ASSET_DIR, or the PICTURE_STORAGE bucket."""
    config = current_app.config
    bucket = picture_bucket(config.get("PICTURE_STORAGE") or "")
    if bucket is None:
        return AssetStore(Path(config["ASSET_DIR"]))
    endpoint = config.get("S3_ENDPOINT_URL") or None
    # One client per app (made on first use, never at import: boto3 loads only when used);
    # clients are safe to share between threads, and each costs a connection pool to make.
    found = current_app.extensions.get(_S3_CLIENT)
    if found is None or found[0] != endpoint:
        found = current_app.extensions[_S3_CLIENT] = (endpoint, make_client(endpoint))
    cache_dir = Path(config.get("PICTURE_CACHE_DIR") or config["ASSET_DIR"])
    return S3Store(found[1], bucket[0], bucket[1], cache_dir)


def fingerprint(
    message: Message,
    lang: str,
    width: int,
    height: int,
    campaign: Campaign,
    partners: Iterable[Partner],
) -> str:
    """A hash of everything a text slide is drawn from; equal inputs, equal slide."""
    langs = lang.split("+")
    doc = {
        "renderer": RENDERER,
        "size": [width, height],
        "texts": [[code, *vars(message.texts[code]).values()] for code in langs],
        "link": message.link,
        "campaign": [campaign.names, campaign.background, campaign.foreground, campaign.accent],
        "languages": list(campaign.languages),
        "partners": sorted(p.name for p in partners if p.appears_on_slides),
    }
    canonical = json.dumps(doc, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def draw_slide(
    message: Message,
    lang: str,
    width: int,
    height: int,
    campaign: Campaign,
    partners: tuple[Partner, ...],
) -> bytes:
    """The PNG of a message's text slide in one language, or stacked languages ("es+en")."""
    from campaign.rendering.slides import render_text_slide  # Pillow: only when drawing

    texts = [(code, message.texts[code]) for code in lang.split("+")]
    result = render_text_slide(
        texts if len(texts) > 1 else texts[0][1],
        width=width,
        height=height,
        campaign=campaign,
        partners=partners,
        link=message.link,
        lang_labels=LANG_LABELS,
    )
    return result.image


class Renditions:
    """The renditions of one campaign's live message versions and their posters, read once per
    content generation. An item shows its message's poster for its language (else the
    message's poster for any language) when there is one, and its text slide otherwise."""

    def __init__(self, row: CampaignRow, network: Network) -> None:
        self.network = network
        self.campaign_id = row.id
        self.card = campaign_card(network.campaign)
        self.partners = tuple(to_partner(p) for p in row.partners)
        self.version_ids: dict[tuple[str, int], int] = {}
        for message in db.session.scalars(
            select(m_rows.Message).where(m_rows.Message.campaign_id == row.id)
        ):
            version = live_version(message)
            if version is not None:
                self.version_ids[message.key, version.number] = version.id
        self.assets: dict[tuple[int, str, int, int, str], Asset] = {}
        store = asset_store()
        wanted = list(self.version_ids.values())
        query = select(Rendition).where(Rendition.message_version_id.in_(wanted))
        for r in db.session.scalars(query):
            # A file lost from the disk is as good as no rendition: it will be drawn again.
            if store.exists(r.sha256, r.ext):
                key = (r.message_version_id or 0, r.lang, r.width, r.height, r.source_hash)
                self.assets[key] = Asset(r.sha256, r.ext, r.content_type, r.width, r.height)
        # The campaign's card (last-resort slide): no version row, filed under the campaign.
        query = select(Rendition).where(Rendition.campaign_id == row.id)
        for r in db.session.scalars(query):
            if store.exists(r.sha256, r.ext):
                key = (0, r.lang, r.width, r.height, r.source_hash)
                self.assets[key] = Asset(r.sha256, r.ext, r.content_type, r.width, r.height)
        self._fingerprints: dict[tuple[str, int, str, int, int], str] = {}
        self.posters = load_posters({v: key for (key, _), v in self.version_ids.items()})
        self.classes = sorted(
            {ScreenClass(s.width, s.height) for s in network.screens.values()},
            key=lambda c: (c.width, c.height),
        )
        self.poster_assets: dict[tuple[int, int, int, str], Asset] = {}
        poster_ids = [p.id for p in self.posters.values()]
        query = select(Rendition).where(Rendition.poster_id.in_(poster_ids))
        for r in db.session.scalars(query):
            if store.exists(r.sha256, r.ext):
                key = (r.poster_id or 0, r.width, r.height, r.source_hash)
                self.poster_assets[key] = Asset(r.sha256, r.ext, r.content_type, r.width, r.height)
        self.posters_drawn = 0

    def poster_for(self, item: PlaylistItem) -> PosterRef | None:
        """The poster an item shows: its language's, else one for any language (the only kind
        a bilingual item can use); None when the message has no poster."""
        poster = None if "+" in item.lang else self.posters.get((item.message_key, item.lang))
        return poster or self.posters.get((item.message_key, ""))

    def _poster_key(self, poster: PosterRef, width: int, height: int) -> tuple[int, int, int, str]:
        background = self.network.campaign.background
        return (poster.id, width, height, poster_fingerprint(poster, width, height, background))

    def _message(self, item: PlaylistItem) -> Message | None:
        if item.message_key == CAMPAIGN_CARD_KEY:
            return self.card
        return self.network.messages.get(item.message_key)

    def _key(self, item: PlaylistItem, width: int, height: int) -> tuple | None:
        """(version id, lang, width, height, fingerprint); version id 0: the campaign's card."""
        message = self._message(item)
        if item.message_key == CAMPAIGN_CARD_KEY:
            version_id: int | None = 0
        else:
            version_id = self.version_ids.get((item.message_key, item.message_version))
        if message is None or version_id is None or message.version != item.message_version:
            return None
        memo = (item.message_key, item.message_version, item.lang, width, height)
        source = self._fingerprints.get(memo)
        if source is None:
            source = fingerprint(
                message, item.lang, width, height, self.network.campaign, self.partners
            )
            self._fingerprints[memo] = source
        return (version_id, item.lang, width, height, source)

    def find(self, item: PlaylistItem, width: int, height: int) -> Asset | None:
        """The stored rendition of an item for a screen size, or None if there is none yet."""
        poster = self.poster_for(item)
        if poster is not None:
            key = self._poster_key(poster, width, height)
            if (asset := self.poster_assets.get(key)) is not None or key[3] not in _failed:
                return asset  # None: not drawn yet, `ensure` draws the poster
        key = self._key(item, width, height)
        return None if key is None else self.assets.get(key)

    def cannot_draw(self, item: PlaylistItem, width: int, height: int) -> bool:
        """Whether drawing the item for this size failed in this process (or cannot start):
        `ensure` would give None, so the screen leaves the item out."""
        poster = self.poster_for(item)
        if poster is not None and self._poster_key(poster, width, height)[3] not in _failed:
            return False
        key = self._key(item, width, height)
        return key is None or (key not in self.assets and key[4] in _failed)

    def ensure(self, item: PlaylistItem, width: int, height: int, *, now: datetime) -> Asset | None:
        """The rendition of an item, drawn, stored and recorded if missing; None if it cannot be
        drawn (tried once per process). Commits when it records a new rendition."""
        poster = self.poster_for(item)
        if poster is not None:
            asset = self.ensure_poster(poster, now=now, size=(width, height))
            if asset is not None:
                return asset
        key = self._key(item, width, height)
        if key is None:
            return None
        if (asset := self.assets.get(key)) is not None:
            return asset
        version_id, lang, _, _, source = key
        if source in _failed:
            return None
        message = self._message(item)
        assert message is not None  # _key found it
        try:
            data = _drawn.get(source) or draw_slide(
                message, lang, width, height, self.network.campaign, self.partners
            )
        except (SlideNotLegible, ValueError, KeyError, OSError) as exc:
            log.warning("cannot draw %s at %dx%d: %s", item.id, width, height, exc)
            _failed.add(source)
            return None
        _remember(source, data)
        stored = asset_store().put(data, "png")
        asset = Asset(stored.sha256, "png", CONTENT_TYPES["png"], width, height)
        row = dict(
            message_version_id=version_id or None,
            campaign_id=None if version_id else self.campaign_id,
            source_hash=source,
            lang=lang,
            width=width,
            height=height,
            sha256=stored.sha256,
            ext="png",
            content_type=asset.content_type,
            size_bytes=len(data),
            created_at=now,
        )
        statement = insert_ignoring(Rendition, db.engine.dialect.name).values(row)
        db.session.execute(statement)
        # Core inserts skip the flush listener: mark the content as changed ourselves.
        bump_generation()
        db.session.commit()
        self.assets[key] = asset
        return asset

    def ensure_poster(
        self, poster: PosterRef, *, now: datetime, size: tuple[int, int] | None = None
    ) -> Asset | None:
        """Draw a poster for every screen class in use (and `size`) that lacks it, decoding the
        source once; return the rendition for `size`. None if it cannot be drawn (tried once
        per process: the item then shows its text slide). Commits when it records renditions."""
        classes = list(self.classes)
        if size is not None and ScreenClass(*size) not in classes:
            classes.append(ScreenClass(*size))
        keys = {c: self._poster_key(poster, c.width, c.height) for c in classes}
        missing = [c for c in classes if keys[c] not in self.poster_assets]
        if size is not None and keys[ScreenClass(*size)][3] in _failed:
            return None
        if missing:
            background = self.network.campaign.background
            drawn = draw_poster(asset_store(), poster, missing, background)
            if drawn is None:
                _failed.update(keys[c][3] for c in missing)
            else:
                self._record_poster(poster, drawn, keys, now)
        return None if size is None else self.poster_assets.get(keys[ScreenClass(*size)])

    def _record_poster(
        self,
        poster: PosterRef,
        drawn: dict[ScreenClass, Picture],
        keys: dict[ScreenClass, tuple[int, int, int, str]],
        now: datetime,
    ) -> None:
        # message_version_id is NULL here, which the unique rule ignores: skip recorded rows.
        done = {
            tuple(r)
            for r in db.session.execute(
                select(Rendition.width, Rendition.height, Rendition.source_hash).where(
                    Rendition.poster_id == poster.id
                )
            )
        }
        rows = [
            dict(
                poster_id=poster.id,
                source_id=poster.media_file_id,
                source_hash=keys[c][3],
                lang=poster.lang,
                width=c.width,
                height=c.height,
                sha256=picture.sha256,
                ext="jpg",
                content_type=CONTENT_TYPES["jpg"],
                size_bytes=picture.size_bytes,
                created_at=now,
            )
            for c, picture in drawn.items()
            if (c.width, c.height, keys[c][3]) not in done
        ]
        if rows:
            # Another process may have drawn the same poster meanwhile: its rows stand.
            db.session.execute(insert_ignoring(Rendition, db.engine.dialect.name), rows)
            bump_generation()
            db.session.commit()
            self.posters_drawn += len(rows)
        for c, picture in drawn.items():
            asset = Asset(picture.sha256, "jpg", CONTENT_TYPES["jpg"], c.width, c.height)
            self.poster_assets[keys[c]] = asset


def _remember(source: str, data: bytes) -> None:
    with _drawn_lock:
        _drawn[source] = data
        _drawn.move_to_end(source)
        while len(_drawn) > _MEMO_SIZE:
            _drawn.popitem(last=False)
