"""A preview link's pictures: each message as the screens in scope show it, watermarked."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select

from campaign.extensions import db
from campaign.persistence.messages import Message, MessageVersion
from campaign.persistence.posters import Poster
from campaign.persistence.queries import to_campaign, to_message, to_partner
from campaign.rendering.refusals import ScreenClass, SlideNotLegible
from campaign.services import renditions
from campaign.services.drafting_checks import PreviewSlot, preview_slots
from campaign.services.errors import NotFound
from campaign.services.partner_preview_scope import Scope, ScreenFacts
from campaign.services.poster_renditions import POSTER_QUALITY, PosterRef, poster_fingerprint

PREVIEW_WIDTH = 480  # what a phone shows at full width; the mark is drawn at this size
_KEPT = 64
_pictures: OrderedDict[tuple[str, int], bytes] = OrderedDict()
_lock = threading.Lock()  # threaded servers draw several pictures at once


@dataclass(frozen=True)
class Slot(PreviewSlot):
    """One picture of a message: the editor's preview slot (a language, "es" or "es+en" for a
    bilingual slide, on a screen size), with its height as the partner page shows it."""

    @property
    def shown_height(self) -> int:
        """The picture's height at PREVIEW_WIDTH, for the page's <img> to keep its place."""
        return round(self.height * PREVIEW_WIDTH / self.width)


def _commonest(screens: Iterable[ScreenFacts], portrait: bool) -> tuple[int, int] | None:
    counts: dict[tuple[int, int], int] = {}
    for s in screens:
        if (s.height > s.width) == portrait:
            counts[s.width, s.height] = counts.get((s.width, s.height), 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda size: (counts[size], -size[0] * size[1]))


def slots(scope: Scope, at: datetime) -> tuple[Slot, ...]:
    """The pictures each message gets: every campaign language on the commonest landscape and
    portrait size of the scope's screens, and the bilingual slide on the sizes whose screens
    show one. With no screen in scope, the sizes the editor previews for the campaign."""
    languages = list(scope.campaign.languages)
    screens = list(scope.screens.values())
    if not screens:
        return tuple(Slot(s.lang, s.width, s.height) for s in preview_slots(scope.campaign, at))
    found: list[Slot] = []
    for portrait in (False, True):
        size = _commonest(screens, portrait)
        if size is not None:
            found += [Slot(lang, *size) for lang in languages]
    if len(languages) > 1:
        bilingual = sorted({(s.width, s.height) for s in screens if s.policy == "bilingual"})
        found += [Slot("+".join(languages), w, h) for w, h in bilingual]
    return tuple(found)


def _cannot() -> NotFound:
    return NotFound(_("This slide cannot be drawn."))


def allowed(scope: Scope, at: datetime, lang: str, width: int, height: int) -> bool:
    """Whether a picture is one the link shows: a slot's size or a scope screen's size, in a
    campaign language or all of them together."""
    languages = list(scope.campaign.languages)
    if lang not in languages and lang != "+".join(languages):
        return False
    sizes = {(s.width, s.height) for s in slots(scope, at)}
    sizes |= {(s.width, s.height) for s in scope.screens.values()}
    return (width, height) in sizes


def _poster(version: MessageVersion, lang: str) -> PosterRef | None:
    """The poster screens show for this version in `lang`, as `Renditions.poster_for` picks
    it: the language's own (the newest), else one for any language."""
    query = select(Poster).where(Poster.message_version_id == version.id)
    if "+" in lang:
        query = query.where(Poster.lang.is_(None))
    else:
        query = query.where(or_(Poster.lang == lang, Poster.lang.is_(None)))
    rows = list(db.session.scalars(query.order_by(Poster.created_at, Poster.id)))
    own = [p for p in rows if p.lang == lang] or [p for p in rows if not p.lang]
    if not own:
        return None
    p = own[-1]
    return PosterRef(
        p.id, p.media_file_id, p.sha256, p.ext, p.fit, (p.focal_x, p.focal_y), p.lang or ""
    )


def _remember(key: tuple[str, int], data: bytes) -> None:
    with _lock:
        _pictures[key] = data
        while len(_pictures) > _KEPT:
            _pictures.popitem(last=False)


def _recall(key: tuple[str, int]) -> bytes | None:
    with _lock:
        found = _pictures.get(key)
        if found is not None:
            _pictures.move_to_end(key)
        return found


def draw(
    scope: Scope, message: Message, version: MessageVersion, lang: str, width: int, height: int
) -> bytes:
    """The PNG of one slide of `version` as a screen of that size shows it (its poster, else its
    text slide), PREVIEW_WIDTH wide, with the mark "VISTA PREVIA · PREVIEW" across it."""
    from campaign.rendering.watermark import watermark_png  # Pillow: only when drawing

    row = scope.campaign
    campaign = to_campaign(row)
    poster = _poster(version, lang)
    if poster is not None:
        key = (poster_fingerprint(poster, width, height, row.background), PREVIEW_WIDTH)
        if (found := _recall(key)) is not None:
            return found
        from campaign.rendering.renditions import render_renditions

        screen = ScreenClass(width, height)
        try:
            source = renditions.asset_store().read(poster.sha256, poster.ext)
            drawn = render_renditions(
                source,
                [screen],
                fit="cover" if poster.fit == "cover" else "contain",
                background=row.background,
                focal_point=poster.focal,
                quality=POSTER_QUALITY,
            )[screen]
        except (OSError, ValueError) as exc:
            raise _cannot() from exc
        data = watermark_png(drawn, width=PREVIEW_WIDTH)
        _remember(key, data)
        return data
    domain = to_message(message, version)
    # As on the screens, a slide shows only the languages the version has a text in.
    wanted = [code for code in lang.split("+") if code in domain.texts]
    if not wanted:
        raise _cannot()
    lang = "+".join(wanted)
    partners = tuple(to_partner(p) for p in row.partners)
    source = renditions.fingerprint(domain, lang, width, height, campaign, partners)
    key = (source, PREVIEW_WIDTH)
    if (found := _recall(key)) is not None:
        return found
    try:
        png = renditions.draw_slide(domain, lang, width, height, campaign, partners)
    except (SlideNotLegible, ValueError, KeyError) as exc:
        raise _cannot() from exc
    data = watermark_png(png, width=PREVIEW_WIDTH)
    _remember(key, data)
    return data
