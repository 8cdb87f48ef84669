"""The message editor's use cases: the filtered list, a message as the editor sees it, saving."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from campaign.domain.model import MessageStatus
from campaign.extensions import db
from campaign.persistence import campaigns as c_rows
from campaign.persistence import messages as m_rows
from campaign.persistence.accounts import User
from campaign.persistence.queries import PLAYABLE, live_version
from campaign.services import messages
from campaign.services.campaigns import visible_campaigns
from campaign.services.drafting_checks import PreviewSlot, Texts, plain_texts, preview_slots
from campaign.services.errors import Conflict, Invalid

STATUSES = tuple(s.value for s in MessageStatus)
COMPLETENESS = ("complete", "incomplete")
TEXT_FIELDS = messages.TEXT_FIELDS
PER_PAGE = 50


# --- the list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRow:
    id: int
    key: str
    topic: str
    campaign: str  # the campaign's slug
    headline: str  # in the reader's language, else the campaign's first language that has one
    headline_lang: str
    number: int | None  # the newest version
    status: str | None  # the newest version's
    live_number: int | None  # the version screens may show (approved or paused), if any
    live_status: str | None
    missing: tuple[str, ...]  # campaign languages the newest version lacks


@dataclass(frozen=True)
class MessageList:
    rows: list[ListRow]
    total: int
    page: int
    pages: int
    topics: list[str]  # every topic of the messages the user may see, for the filter
    several_campaigns: bool


def _complete(headline: str, body: str) -> bool:
    return bool(headline.strip() and body.strip())


def message_list(
    user: User,
    *,
    status: str | None = None,
    topic: str | None = None,
    completeness: str | None = None,
    page: int = 1,
    reader_lang: str = "es",
) -> MessageList:
    """One page of the messages of the campaigns the user may see, filtered by the newest
    version's status, the topic and whether every campaign language is written. A handful of
    column queries whatever the number of messages: nothing is drawn, no row is loaded whole."""
    campaigns = {
        row.id: row
        for row in db.session.execute(
            visible_campaigns(user).with_only_columns(
                c_rows.Campaign.id, c_rows.Campaign.slug, c_rows.Campaign.languages
            )
        )
    }
    ids = list(campaigns)
    newest = (
        select(m_rows.MessageVersion.message_id, func.max(m_rows.MessageVersion.number).label("n"))
        .group_by(m_rows.MessageVersion.message_id)
        .subquery()
    )
    latest = aliased(m_rows.MessageVersion)
    query = (
        select(
            m_rows.Message.id,
            m_rows.Message.campaign_id,
            m_rows.Message.key,
            m_rows.Message.topic,
            latest.id.label("version_id"),
            latest.number,
            latest.status,
        )
        .outerjoin(newest, newest.c.message_id == m_rows.Message.id)
        .outerjoin(
            latest, and_(latest.message_id == m_rows.Message.id, latest.number == newest.c.n)
        )
        .where(m_rows.Message.campaign_id.in_(ids))
        .order_by(m_rows.Message.key, m_rows.Message.id)
    )
    if topic is not None:
        query = query.where(m_rows.Message.topic == topic)
    if status is not None:
        query = query.where(latest.status == status)
    found = db.session.execute(query).all()

    def read_texts(rows: list[Any]) -> dict[int, dict[str, tuple[str, str]]]:
        wanted = [r.version_id for r in rows if r.version_id is not None]
        read: dict[int, dict[str, tuple[str, str]]] = {}
        text = m_rows.MessageText
        if wanted:
            columns = select(text.version_id, text.lang, text.headline, text.body)
            for t in db.session.execute(columns.where(text.version_id.in_(wanted))):
                read.setdefault(t.version_id, {})[t.lang] = (t.headline, t.body)
        return read

    def missing(r: Any) -> tuple[str, ...]:
        have = texts.get(r.version_id, {})
        return tuple(
            lang
            for lang in campaigns[r.campaign_id].languages
            if lang not in have or not _complete(*have[lang])
        )

    # The texts of every message only when filtering by them; else those of the page shown.
    texts = read_texts(found) if completeness in COMPLETENESS else {}
    if completeness in COMPLETENESS:
        found = [r for r in found if bool(missing(r)) == (completeness == "incomplete")]
    total = len(found)
    pages = max(1, -(-total // PER_PAGE))
    page = max(1, min(page, pages))
    shown = found[(page - 1) * PER_PAGE : page * PER_PAGE]
    if completeness not in COMPLETENESS:
        texts = read_texts(shown)
    live: dict[int, tuple[int, str]] = {}
    if shown:
        for v in db.session.execute(
            select(
                m_rows.MessageVersion.message_id,
                m_rows.MessageVersion.number,
                m_rows.MessageVersion.status,
            ).where(
                m_rows.MessageVersion.message_id.in_([r.id for r in shown]),
                m_rows.MessageVersion.status.in_(PLAYABLE),
            )
        ):
            if v.message_id not in live or live[v.message_id][0] < v.number:
                live[v.message_id] = (v.number, v.status)
    topics = sorted(
        t
        for t in db.session.scalars(
            select(m_rows.Message.topic).where(m_rows.Message.campaign_id.in_(ids)).distinct()
        )
        if t
    )
    out = []
    for r in shown:
        lacking = missing(r)
        headline, lang = _headline(
            texts.get(r.version_id, {}), reader_lang, campaigns[r.campaign_id].languages
        )
        number, state = live.get(r.id, (None, None))
        out.append(
            ListRow(
                r.id,
                r.key,
                r.topic,
                campaigns[r.campaign_id].slug,
                headline,
                lang,
                r.number,
                r.status,
                number,
                state,
                lacking,
            )
        )
    return MessageList(out, total, page, pages, topics, len(campaigns) > 1)


def _headline(
    have: Mapping[str, tuple[str, str]], reader_lang: str, languages: list[str]
) -> tuple[str, str]:
    for lang in (reader_lang, *languages):
        if have.get(lang, ("", ""))[0].strip():
            return have[lang][0], lang
    return "", ""


# --- the editor's view of a message ----------------------------------------------------------


@dataclass(frozen=True)
class CampaignChoice:
    id: int
    slug: str
    name: str  # in the reader's language, else the first language's
    languages: tuple[str, ...]


@dataclass(frozen=True)
class DraftView:
    """A message as the editor shows it: its newest version's wording and what editing does."""

    id: int
    key: str
    topic: str
    lock_version: int
    campaign: CampaignChoice
    number: int | None
    status: str | None
    link: str
    texts: dict[str, dict[str, str]]
    live_number: int | None
    live_status: str | None

    @property
    def blocked(self) -> str | None:
        """Why the message cannot be edited now ("in_review", "retired"), or None."""
        return self.status if self.status in ("in_review", "retired") else None

    @property
    def branches(self) -> bool:
        """Saving makes a new draft: the newest version is approved or paused."""
        return self.status in PLAYABLE


@dataclass(frozen=True)
class EditorPage:
    campaigns: list[CampaignChoice]
    campaign: CampaignChoice
    message: DraftView | None
    slots: list[PreviewSlot] = field(default_factory=list)


def _choice(row: c_rows.Campaign, reader_lang: str) -> CampaignChoice:
    names = row.names or {}
    name = names.get(reader_lang) or next((names[k] for k in row.languages if k in names), "")
    return CampaignChoice(row.id, row.slug, name or row.slug, tuple(row.languages))


def _view(row: m_rows.Message, reader_lang: str) -> DraftView:
    latest = row.latest
    live = live_version(row)
    texts = {
        t.lang: {name: getattr(t, name) for name in TEXT_FIELDS}
        for t in (latest.texts if latest else ())
    }
    return DraftView(
        row.id,
        row.key,
        row.topic,
        row.lock_version,
        _choice(row.campaign, reader_lang),
        latest.number if latest else None,
        latest.status if latest else None,
        latest.link if latest else "",
        texts,
        live.number if live else None,
        live.status if live else None,
    )


def editor_page(
    user: User,
    *,
    at: datetime,
    message_id: int | None = None,
    campaign_id: int | None = None,
    reader_lang: str = "es",
) -> EditorPage:
    """What the editor page needs: the campaigns to choose from, the one edited, the message
    (None for a new one) and the previews to show. Measures and draws nothing."""
    rows = list(db.session.scalars(visible_campaigns(user).order_by(c_rows.Campaign.slug)))
    if not rows:
        raise Invalid("there is no campaign yet: load a plan first")
    choices = [_choice(r, reader_lang) for r in rows]
    message = None
    if message_id is not None:
        message = _view(messages.get_message(message_id, user), reader_lang)
        campaign = message.campaign
    else:
        campaign = next((c for c in choices if c.id == campaign_id), choices[0])
    row = next(r for r in rows if r.id == campaign.id)
    return EditorPage(choices, campaign, message, preview_slots(row, at))


class StaleEdit(Conflict):
    """Someone else saved the message since the editor read it; `saved` is what they saved."""

    def __init__(self, detail: str, saved: DraftView) -> None:
        super().__init__(detail)
        self.saved = saved


def create_draft(
    user: User, *, campaign_id: int, key: str, topic: str, link: str, texts: Texts
) -> int:
    """A new message whose first version is a draft by the user; its id."""
    values = {"campaign_id": campaign_id, "key": key, "topic": topic, "link": link}
    row = messages.create_message({**values, "texts": plain_texts(texts)}, user)
    return row.id


def save_draft(
    message_id: int,
    user: User,
    *,
    version: int,
    topic: str,
    link: str,
    texts: Texts,
    reader_lang: str = "es",
) -> DraftView:
    """Save the editor's wording, topic and link, as the API's calls do: the draft in place, or
    a new draft while the approved version keeps playing. An edit made on an old copy raises
    StaleEdit with what was saved meanwhile, so the page can show both."""
    row = messages.get_message(message_id, user)
    texts = plain_texts(texts)
    latest = row.latest
    saved = {
        t.lang: {n: getattr(t, n) or "" for n in TEXT_FIELDS}
        for t in (latest.texts if latest else ())
    }
    blank = dict.fromkeys(TEXT_FIELDS, "")
    try:
        # Only a real change of wording makes a new draft (and its editor, who then may not
        # approve it): saving the topic of an approved message leaves its texts alone.
        if any(saved.get(lang, blank) != values for lang, values in texts.items()):
            messages.edit_texts(message_id, user, texts, version=version)
            version = row.lock_version
        changes: dict[str, Any] = {"version": version}
        if topic != row.topic:
            changes["topic"] = topic
        if link != (row.latest.link if row.latest else ""):
            changes["link"] = link
        row = messages.update_message(message_id, user, changes)
    except Conflict as exc:
        db.session.rollback()
        fresh = messages.get_message(message_id, user)
        if fresh.lock_version != version:
            raise StaleEdit(exc.detail, _view(fresh, reader_lang)) from exc
        raise
    return _view(row, reader_lang)
