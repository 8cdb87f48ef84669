"""The poster library's reads: where each poster is used, thumbnails, crops per screen class."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from campaign.domain.roles import Role
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign
from campaign.persistence.messages import Message, MessageVersion
from campaign.persistence.network import Screen
from campaign.persistence.posters import Poster
from campaign.persistence.queries import live_version
from campaign.rendering.refusals import ScreenClass
from campaign.services import posters
from campaign.services.campaigns import in_visible_campaigns, visible_campaigns
from campaign.services.errors import NotFound
from campaign.services.poster_renditions import POSTER_QUALITY
from campaign.services.records import PageRequest
from campaign.services.renditions import asset_store

THUMB_BOX = 320  # the library's grid
VIEW_BOX = 1000  # the picture on the focal point page
PREVIEW_LONG_SIDE = 480  # crop previews: the screens' shapes, drawn small
PER_PAGE = 48
DEFAULT_BACKGROUND = "#000000"
_MEMO_SIZE = 256

# Drawn previews by everything they are drawn from: a page of thumbnails or a focal point
# being tried out asks for the same pictures again and again.
_memo: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
_memo_lock = threading.Lock()


@dataclass(frozen=True)
class Use:
    """A message version a poster belongs to, and whether screens may show it."""

    poster_id: int
    message_id: int
    message_key: str
    number: int
    status: str  # draft, in_review, approved, paused, retired
    live: bool  # the message's live version: screens show it where the message is booked


@dataclass(frozen=True)
class PosterCard:
    """A poster with what the library shows about it."""

    poster: Poster
    campaign_slug: str | None
    campaign_names: dict[str, str]
    use: Use | None  # None: a campaign poster not tied to any message, which no screen shows
    also: tuple[Use, ...] = ()  # other posters showing the same picture (copies in drafts)

    @property
    def live(self) -> bool:
        return any(u.live for u in (self.use, *self.also) if u is not None)


@dataclass(frozen=True)
class LibraryPage:
    cards: tuple[PosterCard, ...]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class MessageChoice:
    key: str
    headlines: dict[str, str]  # the newest version's, by language
    status: str  # the newest version's


@dataclass(frozen=True)
class CampaignChoice:
    id: int
    slug: str
    names: dict[str, str]
    languages: tuple[str, ...]
    messages: tuple[MessageChoice, ...] = field(default=())


@dataclass(frozen=True)
class CropClass:
    """Screens of one shape: every size of it gives the same crop, so one preview stands."""

    width: int  # the preview is drawn for this size's shape (the most common size)
    height: int
    sizes: tuple[tuple[int, int], ...]
    screens: tuple[str, ...]

    @property
    def orientation(self) -> str:
        return ScreenClass(self.width, self.height).orientation.value

    @property
    def preview_size(self) -> tuple[int, int]:
        return preview_size(self.width, self.height)


def _uses(rows: Iterable[Poster]) -> dict[int, Use]:
    """The message version of each poster that has one, with its status and liveness."""
    rows = [r for r in rows if r.message_version_id is not None]
    versions = {
        v.id: v
        for v in db.session.scalars(
            select(MessageVersion).where(
                MessageVersion.id.in_({r.message_version_id for r in rows})
            )
        )
    }
    live: dict[int, int | None] = {}
    out = {}
    for row in rows:
        version = versions.get(row.message_version_id or 0)
        if version is None:
            continue
        message = version.message
        if message.id not in live:
            current = live_version(message)
            live[message.id] = current.id if current else None
        out[row.id] = Use(
            poster_id=row.id,
            message_id=message.id,
            message_key=message.key,
            number=version.number,
            status=version.status,
            live=live[message.id] == version.id,
        )
    return out


def _cards(rows: list[Poster], user: User) -> tuple[PosterCard, ...]:
    media_ids = {r.media_file_id for r in rows}
    siblings = list(db.session.scalars(select(Poster).where(Poster.media_file_id.in_(media_ids))))
    if user.role == Role.PARTNER:
        shown = set(db.session.scalars(visible_campaigns(user).with_only_columns(Campaign.id)))
        siblings = [s for s in siblings if s.campaign_id in shown]
    uses = _uses([*rows, *siblings])
    campaign_ids = {r.campaign_id for r in rows if r.campaign_id is not None}
    campaigns = {
        c.id: c for c in db.session.scalars(select(Campaign).where(Campaign.id.in_(campaign_ids)))
    }
    cards = []
    for row in rows:
        campaign = campaigns.get(row.campaign_id or 0)
        also = tuple(
            uses[s.id]
            for s in sorted(siblings, key=lambda s: s.id)
            if s.id != row.id and s.media_file_id == row.media_file_id and s.id in uses
        )
        cards.append(
            PosterCard(
                poster=row,
                campaign_slug=campaign.slug if campaign else None,
                campaign_names=dict(campaign.names) if campaign else {},
                use=uses.get(row.id),
                also=also,
            )
        )
    return tuple(cards)


def library(
    user: User,
    *,
    campaign_id: int | None = None,
    message_key: str | None = None,
    page: int = 1,
) -> LibraryPage:
    """One page of the posters the user may see, newest first, each with where it is used;
    optionally only a campaign's, or one message's."""
    filters: dict[str, object] = {"campaign_id": campaign_id}
    if message_key:
        # Only the user's campaigns: another campaign's message of the same key must not
        # shadow theirs (keys are unique per campaign only).
        query = in_visible_campaigns(Message, user).where(Message.key == message_key)
        if campaign_id is not None:
            query = query.where(Message.campaign_id == campaign_id)
        ids = list(db.session.scalars(query.with_only_columns(Message.id).order_by(Message.id)))
        if not ids:
            return LibraryPage((), 0, 1, 1)
        filters["message_id"] = ids[0]
    request = PageRequest(page=page, per_page=PER_PAGE, sort="-created_at", filters=filters)
    found = posters.list_posters(user, request)
    pages = max(1, math.ceil(found.total / found.per_page))
    return LibraryPage(_cards(list(found.items), user), found.total, found.page, pages)


def poster_card(poster_id: int, user: User) -> PosterCard:
    """One poster the user may see, with where it is used; NotFound otherwise."""
    return _cards([posters.get_poster(poster_id, user)], user)[0]


def campaign_count(user: User) -> int:
    """How many campaigns the user may see: with one, pages need not name it on every poster."""
    query = select(func.count()).select_from(visible_campaigns(user).subquery())
    return db.session.scalar(query) or 0


def campaign_choices(user: User) -> list[CampaignChoice]:
    """The campaigns a poster may be uploaded to, with their messages (newest wording)."""
    out = []
    for campaign in db.session.scalars(visible_campaigns(user).order_by(Campaign.slug)):
        choices = []
        for message in campaign.messages:
            latest = message.latest
            if latest is None or latest.status == "retired":
                continue  # a retired message takes no new poster
            headlines = {t.lang: t.headline for t in latest.texts}
            choices.append(MessageChoice(message.key, headlines, latest.status))
        out.append(
            CampaignChoice(
                id=campaign.id,
                slug=campaign.slug,
                names=dict(campaign.names),
                languages=tuple(campaign.languages),
                messages=tuple(choices),
            )
        )
    return out


def screen_classes() -> list[CropClass]:
    """The screen sizes in use, one entry per shape: landscape first, the commonest first."""
    by_shape: dict[tuple[int, int], list[tuple[int, int, str]]] = {}
    for code, width, height in db.session.execute(
        select(Screen.code, Screen.width, Screen.height).order_by(Screen.code)
    ):
        divisor = math.gcd(width, height)
        by_shape.setdefault((width // divisor, height // divisor), []).append((width, height, code))
    classes = []
    for members in by_shape.values():
        sizes = sorted({(w, h) for w, h, _code in members})
        common = max(sizes, key=lambda s: sum(1 for w, h, _c in members if (w, h) == s))
        codes = tuple(code for _w, _h, code in members)
        classes.append(CropClass(common[0], common[1], tuple(sizes), codes))
    return sorted(classes, key=lambda c: (c.height > c.width, -len(c.screens), c.width))


def preview_size(width: int, height: int) -> tuple[int, int]:
    """A screen size's shape at preview size: the long side PREVIEW_LONG_SIDE pixels."""
    scale = PREVIEW_LONG_SIDE / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def fit_box(width: int, height: int, box: int = THUMB_BOX) -> tuple[int, int]:
    """A picture's size once shrunk (never enlarged) to at most `box` pixels on its long side."""
    scale = min(1.0, box / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _background(row: Poster) -> str:
    campaign = db.session.get(Campaign, row.campaign_id) if row.campaign_id else None
    return campaign.background if campaign else DEFAULT_BACKGROUND


def _remember(key: tuple[object, ...], data: bytes) -> None:
    with _memo_lock:
        _memo[key] = data
        _memo.move_to_end(key)
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)


def _recall(key: tuple[object, ...]) -> bytes | None:
    with _memo_lock:
        data = _memo.get(key)
        if data is not None:
            _memo.move_to_end(key)
        return data


def _draw(
    row: Poster, sizes: list[tuple[int, int]], fit: str, focal: tuple[float, float]
) -> dict[tuple[int, int], bytes]:
    """Draw a poster at several sizes with the screens' own code (source decoded once)."""
    background = _background(row)
    focal = focal if fit == "cover" else (0.5, 0.5)  # "contain" shows it all: no crop to move

    def key(size: tuple[int, int]) -> tuple[object, ...]:
        return (row.sha256, row.ext, fit, focal, size, background)

    out = {s: data for s in sizes if (data := _recall(key(s))) is not None}
    missing = [s for s in sizes if s not in out]
    if missing:
        from campaign.rendering.renditions import render_renditions  # Pillow: only to draw

        try:
            source = asset_store().read(row.sha256, row.ext)
        except OSError:
            raise NotFound(_("the picture's file is missing from the media disk")) from None
        drawn = render_renditions(
            source,
            [ScreenClass(*s) for s in missing],
            fit="cover" if fit == "cover" else "contain",
            background=background,
            focal_point=focal,
            quality=POSTER_QUALITY,
        )
        for screen_class, data in drawn.items():
            _remember(key(screen_class.size), data)
            out[screen_class.size] = data
    return out


def thumbnail(poster_id: int, user: User, box: int = THUMB_BOX) -> bytes:
    """The whole picture, at most `box` pixels on its long side, as JPEG."""
    row = posters.get_poster(poster_id, user)
    size = fit_box(row.width, row.height, box)
    return _draw(row, [size], "contain", (0.5, 0.5))[size]


def crop_preview(
    poster_id: int,
    user: User,
    width: int,
    height: int,
    *,
    fit: str | None = None,
    focal: tuple[float, float] | None = None,
) -> bytes:
    """What screens of `width` × `height` show of the poster, drawn small by the same code the
    screens' pictures are drawn with: with its saved fit and focal point, or those given (to
    try a focal point before saving it). The size must be one of the screens in use."""
    row = posters.get_poster(poster_id, user)
    classes = screen_classes()
    wanted = next((c for c in classes if (width, height) in c.sizes), None)
    if wanted is None:
        raise NotFound(_("no screen is %(width)s × %(height)s", width=width, height=height))
    fit = fit if fit in posters.FITS else row.fit
    if focal is None or not all(0.0 <= v <= 1.0 for v in focal):
        focal = (row.focal_x, row.focal_y)
    # Drawn for every shape in use at once: the page asks for all of them together.
    sizes = [c.preview_size for c in classes]
    return _draw(row, sizes, fit, focal)[wanted.preview_size]
