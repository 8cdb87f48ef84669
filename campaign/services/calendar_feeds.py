"""Calendar feeds: signed, revocable iCalendar URLs of a campaign's (or one hub's) phases and
bookings, for partners' calendar apps; made, listed and revoked by the campaign team."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, select

from campaign.domain.roles import STAFF
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign, Phase, phase_hubs
from campaign.persistence.network import Hub
from campaign.persistence.queries import campaign_row
from campaign.persistence.schedule import CalendarFeed
from campaign.services import clock
from campaign.services.calendar_events import build_calendar
from campaign.services.campaigns import visible_campaigns
from campaign.services.errors import Forbidden, Invalid, NotFound, ServiceError
from campaign.services.records import commit

SALT = "calendar-feed"
NONCE_BYTES = 24  # 32 characters of URL-safe base64: the column's width
MAX_TOKEN = 200  # a real token is about 75 characters
MAX_LABEL = 200


@dataclass(frozen=True)
class FeedRow:
    """A feed as the managers see it (never its URL: that is shown once, when it is made)."""

    id: int
    campaign_id: int
    campaign_slug: str
    campaign_name: str  # in the reader's language when it has one
    hub_id: int | None
    hub_code: str | None
    hub_name: str | None
    label: str
    created_by: str  # the person's name or e-mail; "" for the command line or a removed account
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def status(self) -> str:
        return "active" if self.active else "revoked"


@dataclass(frozen=True)
class Choice:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class FeedsPage:
    """The managers' page: every feed, and what a new one can be of."""

    feeds: list[FeedRow]
    campaigns: list[Choice]
    hubs: list[Choice]  # the hubs of any campaign's phases


@dataclass(frozen=True)
class FeedDocument:
    """A feed's iCalendar bytes and their ETag (the same while nothing in them changes)."""

    body: bytes
    etag: str


# --- Who may --------------------------------------------------------------------------------


def _require_staff(user: User | None) -> None:
    """Managers and administrators; None is an operator at the command line."""
    if user is not None and user.role not in STAFF:
        raise Forbidden(_("Only managers and administrators may manage calendar feeds."))


def _refused(error: type[ServiceError], field: str, detail: str) -> ServiceError:
    """A refusal naming the input it is about ("campaign_id", "hub", "label"), for forms."""
    exc = error(detail)
    exc.field = field  # type: ignore[attr-defined]
    return exc


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _name(names: dict[str, str] | None, lang: str | None, fallback: str) -> str:
    names = names or {}
    return (lang and names.get(lang)) or next((v for v in names.values() if v), fallback)


def _rows(query: Select[Any], lang: str | None) -> list[FeedRow]:
    feeds = list(db.session.scalars(query))
    campaigns = {
        c.id: c
        for c in db.session.scalars(
            select(Campaign).where(Campaign.id.in_({f.campaign_id for f in feeds}))
        )
    }
    hub_ids = {f.hub_id for f in feeds if f.hub_id is not None}
    hubs = {h.id: h for h in db.session.scalars(select(Hub).where(Hub.id.in_(hub_ids)))}
    user_ids = {f.created_by_id for f in feeds if f.created_by_id is not None}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    rows = []
    for feed in feeds:
        campaign = campaigns[feed.campaign_id]
        hub = hubs.get(feed.hub_id) if feed.hub_id is not None else None
        person = people.get(feed.created_by_id) if feed.created_by_id is not None else None
        rows.append(
            FeedRow(
                id=feed.id,
                campaign_id=campaign.id,
                campaign_slug=campaign.slug,
                campaign_name=_name(campaign.names, lang, campaign.slug),
                hub_id=hub.id if hub else None,
                hub_code=hub.code if hub else None,
                hub_name=hub.name if hub else None,
                label=feed.label,
                created_by=(person.name or person.email) if person else "",
                created_at=feed.created_at,
                revoked_at=feed.revoked_at,
            )
        )
    return rows


def _row(feed: CalendarFeed, lang: str | None = None) -> FeedRow:
    return _rows(select(CalendarFeed).where(CalendarFeed.id == feed.id), lang)[0]


# --- Making, listing, revoking ----------------------------------------------------------------


def _campaign_hubs(campaign_id: int) -> set[int]:
    """The hubs of the campaign's phases: where its phases and bookings are."""
    query = (
        select(phase_hubs.c.hub_id)
        .join(Phase, Phase.id == phase_hubs.c.phase_id)
        .where(Phase.campaign_id == campaign_id)
    )
    return set(db.session.scalars(query))


def create_feed(
    campaign_id: int,
    hub_code: str | None,
    label: str,
    user: User | None,
    *,
    now: datetime | None = None,
    reader_lang: str | None = None,
) -> tuple[FeedRow, str]:
    """A new feed of the campaign, or of one of its hubs, and its URL token (shown once).

    `user` None is an operator at the command line. A hub must be in one of the campaign's
    phases: a feed of any other hub would stay empty."""
    _require_staff(user)
    campaign = db.session.get(Campaign, campaign_id)  # staff see every campaign
    if campaign is None:
        raise _refused(NotFound, "campaign_id", _("There is no campaign %(id)s.", id=campaign_id))
    hub = None
    if hub_code:
        hub = db.session.scalar(select(Hub).filter_by(code=hub_code.strip().upper()))
        if hub is None:
            raise _refused(NotFound, "hub", _("There is no hub %(code)s.", code=hub_code))
        if hub.id not in _campaign_hubs(campaign.id):
            detail = _("The hub %(code)s is in none of this campaign's phases.", code=hub.code)
            raise _refused(Invalid, "hub", detail)
    label = (label or "").strip()
    if len(label) > MAX_LABEL:
        detail = _("The label has at most %(max)d characters.", max=MAX_LABEL)
        raise _refused(Invalid, "label", detail)
    feed = CalendarFeed(
        campaign_id=campaign.id,
        hub_id=hub.id if hub else None,
        label=label,
        nonce=secrets.token_urlsafe(NONCE_BYTES),
        created_by_id=user.id if user else None,
        created_at=now or clock.now(),
    )
    db.session.add(feed)
    commit(_("the calendar feed"))
    return _row(feed, reader_lang), _serializer().dumps(feed.nonce)


def create_feed_for_slug(
    slug: str | None, hub_code: str | None, label: str, *, now: datetime | None = None
) -> tuple[FeedRow, str]:
    """`create_feed` from the command line: the campaign by slug (none: the only one)."""
    campaign = campaign_row(slug)
    if campaign is None:
        if slug:
            raise NotFound(_("There is no campaign %(slug)s.", slug=slug))
        raise Invalid(_("There are several campaigns (or none): name one with --campaign."))
    return create_feed(campaign.id, hub_code, label, None, now=now)


def list_feeds(
    user: User | None, campaign: int | None = None, *, reader_lang: str | None = None
) -> list[FeedRow]:
    """Every feed, or one campaign's, the newest first, revoked ones too."""
    _require_staff(user)
    query = select(CalendarFeed).order_by(CalendarFeed.created_at.desc(), CalendarFeed.id.desc())
    if campaign is not None:
        query = query.where(CalendarFeed.campaign_id == campaign)
    return _rows(query, reader_lang)


def get_feed(feed_id: int, user: User | None, *, reader_lang: str | None = None) -> FeedRow:
    _require_staff(user)
    feed = db.session.get(CalendarFeed, feed_id)
    if feed is None:
        raise NotFound(_("There is no calendar feed %(id)s.", id=feed_id))
    return _row(feed, reader_lang)


def revoke_feed(
    feed_id: int,
    user: User | None,
    *,
    now: datetime | None = None,
    reader_lang: str | None = None,
) -> FeedRow:
    """Revoke a feed: its URL answers 404 from now on. Revoking it again changes nothing."""
    _require_staff(user)
    feed = db.session.get(CalendarFeed, feed_id)
    if feed is None:
        raise NotFound(_("There is no calendar feed %(id)s.", id=feed_id))
    if feed.revoked_at is None:
        feed.revoked_at = now or clock.now()
        commit(_("the calendar feed"))
    return _row(feed, reader_lang)


def feeds_page(user: User, reader_lang: str) -> FeedsPage:
    """Every feed, the newest first, and what a new one can be of: the campaigns, and the
    hubs of any campaign's phases."""
    feeds = list_feeds(user, reader_lang=reader_lang)
    campaigns = [
        Choice(c.id, c.slug, _name(c.names, reader_lang, c.slug))
        for c in db.session.scalars(visible_campaigns(user).order_by(Campaign.slug))
    ]
    in_phases = select(phase_hubs.c.hub_id)
    hubs = [
        Choice(h.id, h.code, h.name)
        for h in db.session.scalars(
            select(Hub).where(Hub.id.in_(in_phases)).order_by(Hub.name, Hub.code)
        )
    ]
    return FeedsPage(feeds=feeds, campaigns=campaigns, hubs=hubs)


# --- The feed itself --------------------------------------------------------------------------


def _missing() -> NotFound:
    # One answer whatever went wrong: the URL tells nobody whether it ever existed.
    return NotFound("no such calendar feed")


def feed_for_token(token: str) -> CalendarFeed:
    """The live feed a URL token names. A bad signature, an unknown or revoked feed, or a
    campaign or hub gone are all the same NotFound; the database is asked every time."""
    if not token or len(token) > MAX_TOKEN:
        raise _missing()
    try:
        nonce = _serializer().loads(token)
    except BadSignature as exc:
        raise _missing() from exc
    if not isinstance(nonce, str) or not nonce:
        raise _missing()
    feed = db.session.scalar(select(CalendarFeed).filter_by(nonce=nonce))
    if feed is None or feed.revoked_at is not None:
        raise _missing()
    if db.session.get(Campaign, feed.campaign_id) is None:
        raise _missing()
    if feed.hub_id is not None and db.session.get(Hub, feed.hub_id) is None:
        raise _missing()
    return feed


def build_ics(feed: CalendarFeed, at: datetime) -> bytes:
    """The feed as an iCalendar (RFC 5545) document, stamped `at`."""
    campaign = db.session.get(Campaign, feed.campaign_id)
    hub = db.session.get(Hub, feed.hub_id) if feed.hub_id is not None else None
    if campaign is None or (feed.hub_id is not None and hub is None):
        raise _missing()
    return build_calendar(campaign, hub, at).to_ical()


def _etag(body: bytes) -> str:
    # Every DTSTAMP is the instant of the answer: leave them out, so that an unchanged
    # calendar keeps its ETag.
    lines = [line for line in body.split(b"\r\n") if not line.startswith(b"DTSTAMP:")]
    return hashlib.sha256(b"\r\n".join(lines)).hexdigest()[:32]


def feed_document(token: str, at: datetime | None = None) -> FeedDocument:
    """What `GET /calendar/<token>.ics` answers: the feed's bytes and ETag, or NotFound."""
    body = build_ics(feed_for_token(token), at or clock.now())
    return FeedDocument(body=body, etag=_etag(body))
