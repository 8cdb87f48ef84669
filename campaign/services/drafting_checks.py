"""The editor's checks of unsaved texts: previews by the screens' renderer, and warnings."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from campaign.domain.durations import reading_seconds
from campaign.domain.model import Message, MessageStatus, MessageText
from campaign.domain.playlist import PlaylistSettings
from campaign.extensions import db
from campaign.persistence import campaigns as c_rows
from campaign.persistence import messages as m_rows
from campaign.persistence import network as n_rows
from campaign.persistence.accounts import User
from campaign.persistence.queries import to_campaign, to_partner
from campaign.rendering.colours import contrast_ratio, parse_hex
from campaign.rendering.refusals import SlideDoesNotFit, SlideNotLegible
from campaign.services import messages, renditions
from campaign.services.campaigns import get_campaign
from campaign.services.errors import Invalid
from campaign.services.legibility import DEFAULT_SIZES, _check, _words_to_cut

TEXT_FIELDS = messages.TEXT_FIELDS
PREVIEW_WIDTH = 480  # previews are thumbnails: small to send, quick to swap while typing
_LINK = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)

Texts = Mapping[str, Mapping[str, str]]  # language → {headline, body, call_to_action, hotline}


def plain_texts(texts: Texts) -> dict[str, dict[str, str]]:
    """Every field of every language, "" when absent; browsers send a textarea's line breaks
    as CRLF, stored texts have LF, so an untouched body compares equal to what was saved."""
    return {
        lang: {n: (values.get(n) or "").replace("\r\n", "\n") for n in TEXT_FIELDS}
        for lang, values in texts.items()
    }


@dataclass(frozen=True)
class PreviewSlot:
    lang: str  # "es", or "es+en" for a bilingual slide
    width: int
    height: int

    @property
    def orientation(self) -> str:
        return "portrait" if self.height > self.width else "landscape"

    @property
    def size(self) -> str:
        return f"{self.width}x{self.height}"


# --- screen sizes, previews and warnings -------------------------------------------------------


def screen_sizes(row: c_rows.Campaign, at: datetime) -> tuple[dict[tuple[int, int], int], set]:
    """The screen sizes that may show the campaign from `at` on (with how many screens of each)
    and those with a bilingual policy: what `legibility` checks before approval, read in one
    query of columns instead of the whole network."""
    running = (
        select(c_rows.phase_hubs.c.hub_id)
        .join(c_rows.Phase, c_rows.Phase.id == c_rows.phase_hubs.c.phase_id)
        .where(c_rows.Phase.campaign_id == row.id, c_rows.Phase.ends_on >= at.date())
    )
    columns = select(
        n_rows.Screen.width,
        n_rows.Screen.height,
        func.coalesce(n_rows.Screen.language_policy, n_rows.Zone.language_policy, "pair"),
    ).join(n_rows.Zone, n_rows.Zone.id == n_rows.Screen.zone_id)
    found = db.session.execute(columns.where(n_rows.Zone.hub_id.in_(running))).all()
    found = found or db.session.execute(columns).all()
    counts: dict[tuple[int, int], int] = {}
    for width, height, _ in found:
        counts[width, height] = counts.get((width, height), 0) + 1
    bilingual = {(w, h) for w, h, policy in found if policy == "bilingual"}
    return counts or dict.fromkeys(DEFAULT_SIZES, 1), bilingual


def preview_slots(row: c_rows.Campaign, at: datetime) -> list[PreviewSlot]:
    """The previews the editor shows: the commonest landscape and portrait size in each
    language, and the bilingual slide on the sizes whose screens show one."""
    counts, bilingual = screen_sizes(row, at)
    languages = list(row.languages)
    slots = []
    for portrait in (False, True):
        sizes = [s for s in counts if (s[1] > s[0]) == portrait]
        if sizes:
            width, height = max(sizes, key=lambda s: (counts[s], -s[0] * s[1]))
            slots += [PreviewSlot(lang, width, height) for lang in languages]
    if len(languages) > 1:
        slots += [PreviewSlot("+".join(languages), w, h) for w, h in sorted(bilingual)]
    return slots


def _domain_texts(texts: Texts, languages: tuple[str, ...]) -> dict[str, MessageText]:
    """The languages that have any text, as the renderer takes them."""
    out = {}
    for lang in languages:
        values = plain_texts({lang: texts.get(lang, {})})[lang]
        if any(v.strip() for v in values.values()):
            out[lang] = MessageText(**values)
    return out


class CannotDraw(Invalid):
    """The slide cannot be drawn; `reason` is "empty", "does_not_fit" or "not_legible"."""

    def __init__(self, detail: str, reason: str) -> None:
        super().__init__(detail)
        self.reason = reason


_previews: OrderedDict[str, bytes] = OrderedDict()
_previews_lock = threading.Lock()  # threaded servers draw several previews at once
_PREVIEWS_KEPT = 64


def draw_preview(
    user: User,
    *,
    at: datetime,
    lang: str,
    size: str,
    campaign_id: int | None = None,
    message_id: int | None = None,
    link: str | None = None,
    texts: Texts | None = None,
) -> bytes:
    """A PNG thumbnail of the slide screens would show for these texts (unsaved ones, or the
    message's newest version when `texts` is None), drawn by the screens' own renderer."""
    saved = messages.get_message(message_id, user) if message_id is not None else None
    row = saved.campaign if saved is not None else get_campaign(campaign_id or 0, user)
    if texts is None:
        latest = saved.latest if saved is not None else None
        texts = {
            t.lang: {n: getattr(t, n) for n in TEXT_FIELDS}
            for t in (latest.texts if latest else ())
        }
        link = latest.link if latest else ""
    slot = next((s for s in preview_slots(row, at) if s.lang == lang and s.size == size), None)
    if slot is None:
        raise Invalid(f"no preview {lang} at {size} for this campaign")
    campaign = to_campaign(row)
    partners = tuple(to_partner(p) for p in row.partners)
    domain = _domain_texts(texts, campaign.languages)
    # As on the screens, a slide shows only the languages the message has a text in.
    wanted = [code for code in lang.split("+") if code in domain]
    if not wanted:
        raise CannotDraw("there is no text to show yet", "empty")
    lang = "+".join(wanted)
    message = Message("preview", 0, MessageStatus.DRAFT, domain, link=link or "")
    key = renditions.fingerprint(message, lang, slot.width, slot.height, campaign, partners)
    with _previews_lock:
        if key in _previews:
            _previews.move_to_end(key)
            return _previews[key]
    try:
        png = renditions.draw_slide(message, lang, slot.width, slot.height, campaign, partners)
    except SlideDoesNotFit as exc:
        raise CannotDraw(exc.message, "does_not_fit") from exc
    except (SlideNotLegible, ValueError) as exc:
        raise CannotDraw(str(exc), "not_legible") from exc
    small = _thumbnail(png, PREVIEW_WIDTH)
    with _previews_lock:
        _previews[key] = small
        while len(_previews) > _PREVIEWS_KEPT:
            _previews.popitem(last=False)
    return small


def _thumbnail(png: bytes, width: int) -> bytes:
    from PIL import Image  # Pillow: only when drawing

    with Image.open(BytesIO(png)) as image:
        height = round(image.height * width / image.width)
        small = image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
    out = BytesIO()
    small.save(out, "PNG", optimize=True)
    return out.getvalue()


@dataclass(frozen=True)
class DraftWarning:
    """Something approval or the screens would trip over: `code` names it for the page to say in
    the reader's language with `params`; `field` is the form field it concerns."""

    field: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


def draft_warnings(
    user: User,
    *,
    at: datetime,
    link: str,
    texts: Texts,
    campaign_id: int | None = None,
    message_id: int | None = None,
) -> list[DraftWarning]:
    """What is wrong with these unsaved texts: a missing language, hotlines or links that differ
    between languages, a reading time longer than the slot, and every slide that approval would
    refuse as not legible (the same checks as `legibility.message_problems`)."""
    saved = messages.get_message(message_id, user) if message_id is not None else None
    row = saved.campaign if saved is not None else get_campaign(campaign_id or 0, user)
    campaign = to_campaign(row)
    languages = campaign.languages
    domain = _domain_texts(texts, languages)
    found = []
    for lang in languages:
        text = domain.get(lang, MessageText("", ""))
        if not text.is_complete():
            where = "body" if text.headline.strip() else "headline"
            found.append(DraftWarning(f"{lang}-{where}", "missing_language", {"lang": lang}))
    found += _differences(domain)
    counts, bilingual = screen_sizes(row, at)
    found += _reading_times(row, saved, domain, bilingual)
    ratio = contrast_ratio(parse_hex(campaign.foreground), parse_hex(campaign.background))
    from campaign.rendering.legibility import MIN_CONTRAST, MIN_TEXT_SHARE

    if ratio < MIN_CONTRAST:  # the same on every screen: said once, as approval does
        return [*found, DraftWarning("campaign", "contrast", {"ratio": round(ratio, 1)})]
    share = current_app.config.get("SLIDE_MIN_TEXT_SHARE", MIN_TEXT_SHARE)
    partners = tuple(to_partner(p) for p in row.partners)
    for size in sorted(counts):
        groups = [[lang] for lang in domain]
        if size in bilingual and len(domain) > 1:
            groups.append(list(domain))
        for group in groups:
            pairs = [(lang, domain[lang]) for lang in group]
            found += _legibility(pairs, size, campaign, partners, link, share)
    return found


def _differences(domain: Mapping[str, MessageText]) -> list[DraftWarning]:
    found = []
    hotlines = {lang: re.sub(r"\s+", "", t.hotline) for lang, t in domain.items()}
    if len(set(hotlines.values())) > 1:
        shown = ", ".join(f"{lang}: {t.hotline.strip() or '—'}" for lang, t in domain.items())
        first = next(iter(domain))
        found += [
            DraftWarning(f"{lang}-hotline", "hotline_differs", {"hotlines": shown})
            for lang in domain
            if lang != first and hotlines[lang] != hotlines[first]
        ]
    links = {
        lang: {m.rstrip(".,;:!?)") for m in _LINK.findall(t.body)} for lang, t in domain.items()
    }
    if any(links.values()) and len({frozenset(v) for v in links.values()}) > 1:
        shown = "; ".join(f"{lang}: {', '.join(sorted(v)) or '—'}" for lang, v in links.items())
        first = next(iter(domain))
        found += [
            DraftWarning(f"{lang}-body", "link_differs", {"links": shown})
            for lang in domain
            if lang != first and links[lang] != links[first]
        ]
    return found


def _reading_times(
    row: c_rows.Campaign,
    saved: m_rows.Message | None,
    domain: Mapping[str, MessageText],
    bilingual: set,
) -> list[DraftWarning]:
    """Texts that take longer to read than the shortest slot the message is booked for (the
    campaign's shortest slot for a message not booked yet, else the fallback slot): the screens
    then keep the slide up longer, and the loop runs late."""
    fallback = PlaylistSettings().fallback_slot_s
    slots = (
        [b.slot_duration_s for b in saved.campaign.bookings if b.message_id == saved.id]
        if saved
        else []
    )
    if saved is not None and saved.is_fallback:
        slots.append(fallback)
    slots = slots or [b.slot_duration_s for b in row.bookings] or [fallback]
    slot = min(slots)
    rate = current_app.config["WORDS_PER_MINUTE"]
    groups = [[lang] for lang in domain]
    if bilingual and len(domain) > 1:
        groups.append(list(domain))
    found = []
    for group in groups:
        seconds = reading_seconds(sum(domain[lang].words() for lang in group), rate)
        if seconds > slot:
            found.append(
                DraftWarning(
                    f"{group[-1]}-body",
                    "reading_time",
                    {"lang": "+".join(group), "seconds": seconds, "slot": slot},
                )
            )
    return found


def _legibility(
    pairs: list[tuple[str, MessageText]],
    size: tuple[int, int],
    campaign: Any,
    partners: tuple[Any, ...],
    link: str,
    share: float,
) -> list[DraftWarning]:
    """Why approval would refuse this slide (as `legibility._problem` decides), as warnings."""
    width, height = size
    lang = "+".join(code for code, _ in pairs)
    where = {"lang": lang, "width": width, "height": height}
    longest = max(pairs, key=lambda p: len(p[1].body.split()))[0]
    try:
        _check(pairs, size, campaign, partners, link, share)
    except SlideDoesNotFit as exc:
        cut = _words_to_cut(pairs, size, campaign, partners, link, share)
        if cut is not None:
            return [DraftWarning(f"{longest}-body", "too_long", {**where, "cut": cut})]
        text = exc.message
        if text.startswith("The link is too long"):
            return [DraftWarning("link", "link_too_long", where)]
        if text.startswith("The partner names"):
            return [DraftWarning("campaign", "partners_too_long", where)]
        if text.startswith("A word is too long"):
            return [DraftWarning(f"{longest}-body", "word_too_long", where)]
        return [DraftWarning(f"{longest}-headline", "does_not_fit", where)]
    except SlideNotLegible as exc:
        return [
            DraftWarning(f"{longest}-body", "not_legible", {**where, "detail": p})
            for p in exc.problems
        ]
    except ValueError:
        return []  # no text at all: the missing language says so
    return []


def as_domain_message(key: str, link: str, texts: Texts, languages: tuple[str, ...]) -> Message:
    """Unsaved texts as the domain's message (what approval would check), for tests and tools."""
    return Message(key, 0, MessageStatus.DRAFT, _domain_texts(texts, languages), link=link)
