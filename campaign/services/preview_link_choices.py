"""The managers' page of preview links: every link, and what a new one can be of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from campaign.domain.roles import Role
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign, Partner, Phase, campaign_partners, phase_hubs
from campaign.persistence.messages import Message
from campaign.persistence.network import Hub
from campaign.services.preview_links import LinkRow, list_links, local_name, message_headline


@dataclass(frozen=True)
class Choice:
    id: int
    code: str
    name: str
    campaign_id: int | None = None  # the campaign it belongs to, where it belongs to one
    partner_id: int | None = None  # an approver's organisation


@dataclass(frozen=True)
class LinksPage:
    """The managers' page: every link, and what a new one can be of."""

    links: list[LinkRow]
    campaigns: list[Choice]
    partners: list[Choice]  # the partner organisations on any campaign
    phases: list[Choice]
    hubs: list[Choice]  # the hubs of any campaign's phases
    messages: list[Choice]
    approvers: list[Choice]  # active partner users


def links_page(user: User, reader_lang: str, now: datetime) -> LinksPage:
    """Every link, the newest first, and what a new one can be of."""
    links = list_links(user, now=now, reader_lang=reader_lang)
    campaigns = list(db.session.scalars(select(Campaign).order_by(Campaign.slug)))
    several = len(campaigns) > 1
    slugs = {c.id: c.slug for c in campaigns}

    def tagged(name: str, campaign_id: int) -> str:
        return f"{name} · {slugs[campaign_id]}" if several else name

    on_campaigns = select(campaign_partners.c.partner_id)
    partners = list(
        db.session.scalars(
            select(Partner).where(Partner.id.in_(on_campaigns)).order_by(Partner.name)
        )
    )
    organisation = {p.id: p.name for p in partners}
    phases = db.session.scalars(select(Phase).order_by(Phase.campaign_id, Phase.number))
    in_phases = select(phase_hubs.c.hub_id)
    hubs = db.session.scalars(select(Hub).where(Hub.id.in_(in_phases)).order_by(Hub.name, Hub.code))
    messages = db.session.scalars(select(Message).order_by(Message.campaign_id, Message.key))
    approvers = db.session.scalars(
        select(User)
        .where(User.role == Role.PARTNER, User.active, User.partner_id.is_not(None))
        .order_by(User.name, User.email)
    )
    return LinksPage(
        links=links,
        campaigns=[
            Choice(c.id, c.slug, local_name(c.names, reader_lang, c.slug)) for c in campaigns
        ],
        partners=[Choice(p.id, p.slug, p.name) for p in partners],
        phases=[
            Choice(
                p.id,
                str(p.number),
                tagged(p.name, p.campaign_id),
                campaign_id=p.campaign_id,
            )
            for p in phases
        ],
        hubs=[Choice(h.id, h.code, f"{h.name} ({h.code})") for h in hubs],
        messages=[
            Choice(
                m.id,
                m.key,
                tagged(f"{message_headline(m, reader_lang)} ({m.key})", m.campaign_id),
                campaign_id=m.campaign_id,
            )
            for m in messages
        ],
        approvers=[
            Choice(
                u.id,
                u.email,
                f"{u.name or u.email} ({organisation[u.partner_id]})",
                partner_id=u.partner_id,
            )
            for u in approvers
            if u.partner_id in organisation
        ],
    )
