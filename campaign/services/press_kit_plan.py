"""What a phase's press kit holds: the approved messages its bookings place, file by file."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign.domain.model import Campaign, Message, MessageStatus, Partner
from campaign.extensions import db
from campaign.persistence import campaigns as c_rows
from campaign.persistence import messages as m_rows
from campaign.persistence.accounts import User
from campaign.persistence.queries import live_version, to_campaign, to_message, to_partner
from campaign.services.legibility import DEFAULT_SIZES
from campaign.services.poster_renditions import PosterRef, load_posters, poster_fingerprint
from campaign.services.press_kit_reach import (
    Reach,
    ScreenShape,
    booked_messages,
    phase_screens,
    variants,
)
from campaign.services.press_kit_texts import text_file
from campaign.services.renditions import fingerprint

# The folder of posters shown whatever the language (a poster uploaded for no language).
ANY_LANGUAGE_FOLDER = "any-language"
SLIDE, POSTER, POSTER_ORIGINAL, TEXT = "slide", "poster", "poster_original", "text"
KINDS = (SLIDE, POSTER, POSTER_ORIGINAL, TEXT)


@dataclass(frozen=True)
class SlideSource:
    """A text slide, drawn by the screens' renderer (or its stored rendition)."""

    version_id: int
    message: Message
    lang: str
    width: int
    height: int
    fingerprint: str
    campaign: Campaign = field(compare=False, repr=False)
    partners: tuple[Partner, ...] = field(compare=False, repr=False)

    @property
    def key(self) -> str:
        return f"slide:{self.fingerprint}"


@dataclass(frozen=True)
class PosterSource:
    """A poster as a screen of one shape shows it (its stored rendition, or drawn)."""

    poster: PosterRef
    width: int
    height: int
    fingerprint: str
    background: str

    @property
    def key(self) -> str:
        return f"poster:{self.fingerprint}"


@dataclass(frozen=True)
class OriginalSource:
    """A poster's picture as it was stored on upload."""

    sha256: str
    ext: str

    @property
    def key(self) -> str:
        return f"original:{self.sha256}.{self.ext}"


@dataclass(frozen=True)
class TextSource:
    """A message's texts in one language, as a UTF-8 file."""

    data: bytes

    @property
    def key(self) -> str:
        return f"text:{hashlib.sha256(self.data).hexdigest()}"


Source = SlideSource | PosterSource | OriginalSource | TextSource


@dataclass(frozen=True)
class PlannedFile:
    """One file of the kit, before its bytes are made."""

    path: str
    kind: str  # one of KINDS
    message_key: str
    headline: str
    lang: str  # "es", "es+en" (a bilingual slide), "" (a poster for any language)
    version: int
    approved_at: datetime | None
    approved_by: str
    width: int | None
    height: int | None
    source: Source = field(compare=False, repr=False)


@dataclass(frozen=True)
class KitMessage:
    """A message in the kit: its approved version and who approved it."""

    key: str
    headlines: dict[str, str]  # language → headline
    version: int
    approved_at: datetime | None
    approved_by: str
    languages: tuple[str, ...]


@dataclass(frozen=True)
class LeftOut:
    """A message booked in the phase that the kit leaves out, and why (its newest status)."""

    key: str
    status: str  # "paused", "draft", "in_review", "retired" or "" (no version at all)


@dataclass(frozen=True)
class KitPlan:
    phase_id: int
    phase_number: int
    phase_name: str
    campaign_slug: str
    campaign_names: dict[str, str]
    languages: tuple[str, ...]  # the campaign's
    timezone: str  # the phase's hubs' IANA timezone, or "UTC" when they differ
    messages: tuple[KitMessage, ...]
    left_out: tuple[LeftOut, ...]
    files: tuple[PlannedFile, ...]  # sorted by path
    etag: str = ""  # set by press_kit.plan_press_kit: equal ETag, equal ZIP bytes

    @property
    def filename(self) -> str:
        return f"press-kit_{slug(self.campaign_slug)}_phase-{self.phase_number}.zip"

    def content_key(self) -> str:
        """A hash of everything the files are made of: equal key, equal bytes."""
        doc = [
            [
                f.path,
                f.kind,
                f.source.key,
                f.message_key,
                f.headline,
                f.lang,
                f.version,
                f.approved_at.isoformat() if f.approved_at else "",
                f.approved_by,
            ]
            for f in self.files
        ]
        canonical = json.dumps(
            [self.timezone, self.languages, doc], ensure_ascii=True, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def slug(text: str, fallback: str = "message") -> str:
    """An ASCII file-name part: letters and digits joined by '-', at most 60 characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-") or fallback


def folder(lang: str) -> str:
    """The kit's folder for a language ("es"), a bilingual slide ("es+en" → "es-en"), or a
    poster for any language ("")."""
    return lang.replace("+", "-") if lang else ANY_LANGUAGE_FOLDER


def _shape(width: int, height: int) -> str:
    return f"{'portrait' if height > width else 'landscape'}_{width}x{height}"


def _people(ids: set[int]) -> dict[int, str]:
    """Each approver's name (else e-mail), with their organisation when they are a partner."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(User.id, User.name, User.email, c_rows.Partner.name)
        .outerjoin(c_rows.Partner, c_rows.Partner.id == User.partner_id)
        .where(User.id.in_(sorted(ids)))
    )
    return {
        uid: f"{name or email} ({partner})" if partner else (name or email)
        for uid, name, email, partner in rows
    }


@dataclass(frozen=True)
class _Owner:
    """What every file of one message shares."""

    key: str
    name: str  # the slug its files are named by
    message: Message
    has: tuple[str, ...]  # the campaign languages it has a complete text in
    version: int
    approved_at: datetime | None
    approved_by: str

    def headline(self, lang: str) -> str:
        codes = lang.split("+") if lang else self.has
        return " / ".join(self.message.texts[code].headline for code in codes)


class _Planner:
    def __init__(self, campaign: Campaign, partners: tuple[Partner, ...], tz: str) -> None:
        self.campaign = campaign
        self.partners = partners
        self.languages = tuple(campaign.languages)
        self.timezone = tz
        self.files: list[PlannedFile] = []
        self.slugs: set[str] = set()

    def _add(
        self,
        owner: _Owner,
        path: str,
        kind: str,
        lang: str,
        source: Source,
        size: tuple[int, int] | None = None,
    ) -> None:
        width, height = size or (None, None)
        headline = owner.headline(lang)
        self.files.append(
            PlannedFile(
                path,
                kind,
                owner.key,
                headline,
                lang,
                owner.version,
                owner.approved_at,
                owner.approved_by,
                width,
                height,
                source,
            )
        )

    def message(
        self,
        row: m_rows.Message,
        version: m_rows.MessageVersion,
        screens: list[ScreenShape],
        posters: dict[tuple[str, str], PosterRef],
        approver: str,
    ) -> KitMessage:
        message = to_message(row, version)
        has = message.languages_in(self.languages)
        name = slug(row.key)
        name = name if name not in self.slugs else f"{name}-{row.id}"
        self.slugs.add(name)
        owner = _Owner(row.key, name, message, has, version.number, version.approved_at, approver)
        shapes = {
            (variant, screen.width, screen.height)
            for screen in screens
            for variant in variants(screen.policy, self.languages, message)
        }
        if not screens:  # booked where no screen is yet: the usual two full-HD shapes
            shapes = {(lang, w, h) for lang in has for w, h in DEFAULT_SIZES}
        self._slides(owner, version.id, shapes)
        for lang in has:
            data = text_file(lang, row.key, version.number, message.texts[lang], message.link)
            self._add(owner, f"{lang}/texts/{name}.txt", TEXT, lang, TextSource(data))
        for lang in ("", *has):
            poster = posters.get((row.key, lang))
            if poster is not None:
                self._poster(owner, lang, poster, shapes)
        return KitMessage(
            key=row.key,
            headlines={lang: message.texts[lang].headline for lang in has},
            version=version.number,
            approved_at=version.approved_at,
            approved_by=approver,
            languages=has,
        )

    def _slides(self, owner: _Owner, version_id: int, shapes: set[tuple[str, int, int]]) -> None:
        message = owner.message
        for lang, width, height in sorted(shapes):
            mark = fingerprint(message, lang, width, height, self.campaign, self.partners)
            source = SlideSource(
                version_id, message, lang, width, height, mark, self.campaign, self.partners
            )
            path = f"{folder(lang)}/slides/{owner.name}_{_shape(width, height)}.png"
            self._add(owner, path, SLIDE, lang, source, (width, height))

    def _poster(
        self, owner: _Owner, lang: str, poster: PosterRef, shapes: set[tuple[str, int, int]]
    ) -> None:
        base = f"{folder(lang)}/posters/{owner.name}"
        original = OriginalSource(poster.sha256, poster.ext)
        self._add(owner, f"{base}_original.{poster.ext}", POSTER_ORIGINAL, lang, original)
        # A poster for one language replaces that language's single slides; one for any
        # language replaces every slide of the message (bilingual ones too).
        background = self.campaign.background
        for width, height in sorted({(w, h) for v, w, h in shapes if not lang or v == lang}):
            mark = poster_fingerprint(poster, width, height, background)
            source = PosterSource(poster, width, height, mark, background)
            path = f"{base}_{_shape(width, height)}.jpg"
            self._add(owner, path, POSTER, lang, source, (width, height))


def _timezone(phase: c_rows.Phase) -> str:
    zones = {h.timezone for h in phase.hubs}
    return zones.pop() if len(zones) == 1 else "UTC"


def make_plan(phase: c_rows.Phase) -> KitPlan:
    """The kit of a phase: for each message its bookings in the phase place whose live version
    is approved (a paused, draft, in-review or retired one is left out), the slides as the
    screens they reach show them, its posters (as stored, and as each of those screens' shapes
    shows them) and its texts, in a folder per language."""
    row = phase.campaign
    campaign = to_campaign(row)
    partners = tuple(to_partner(p) for p in row.partners)
    screens = phase_screens(sorted(h.id for h in phase.hubs))
    booked = booked_messages(phase, Reach(phase, screens))
    rows = list(
        db.session.scalars(
            select(m_rows.Message)
            .where(m_rows.Message.id.in_(sorted(booked)))
            .options(
                selectinload(m_rows.Message.versions).selectinload(m_rows.MessageVersion.texts)
            )
            .order_by(m_rows.Message.key)
        )
    )
    approved: list[tuple[m_rows.Message, m_rows.MessageVersion]] = []
    left_out = []
    for message in rows:
        version = live_version(message)
        approved_now = version is not None and version.status == MessageStatus.APPROVED.value
        if approved_now and to_message(message, version).languages_in(campaign.languages):
            approved.append((message, version))
            continue
        latest = version or message.latest
        left_out.append(LeftOut(message.key, latest.status if latest else ""))
    people = _people({v.approved_by_id for _, v in approved if v.approved_by_id})
    posters = load_posters({v.id: m.key for m, v in approved})
    planner = _Planner(campaign, partners, _timezone(phase))
    kit_messages = [
        planner.message(m, v, booked[m.id], posters, people.get(v.approved_by_id or 0, ""))
        for m, v in approved
    ]
    return KitPlan(
        phase_id=phase.id,
        phase_number=phase.number,
        phase_name=phase.name,
        campaign_slug=row.slug,
        campaign_names=dict(row.names),
        languages=campaign.languages,
        timezone=planner.timezone,
        messages=tuple(kit_messages),
        left_out=tuple(left_out),
        files=tuple(sorted(planner.files, key=lambda f: f.path)),
    )


def counts(files: Iterable[PlannedFile]) -> dict[str, dict[str, int]]:
    """Files per folder and kind: {"es": {"slide": 12, "text": 4, …}, …}."""
    found: dict[str, dict[str, int]] = {}
    for f in files:
        by_kind = found.setdefault(f.path.split("/", 1)[0], dict.fromkeys(KINDS, 0))
        by_kind[f.kind] += 1
    return found
