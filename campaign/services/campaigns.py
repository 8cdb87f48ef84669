"""Campaigns, partner organisations and funded phases: create, read, change, delete."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from campaign.domain.model import FundingStatus
from campaign.domain.roles import Role
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign, Partner, Phase, campaign_partners
from campaign.persistence.network import Hub
from campaign.persistence.queries import live_version
from campaign.services import clock, legibility, phase_facts, phase_resize
from campaign.services.errors import Conflict, Invalid, NotFound
from campaign.services.records import (
    Page,
    PageRequest,
    Records,
    assign,
    check_version,
    commit,
    delete,
    flush,
    paginate,
)

CAMPAIGN_SORTS = {"slug"}
CAMPAIGN_FILTERS = ("slug", "requires_partner_approval")
PARTNER_SORTS = {"slug", "name", "role"}
PARTNER_FILTERS = ("slug", "role")
PHASE_SORTS = {"number", "starts_on", "ends_on"}
PHASE_FILTERS = ("campaign_id", "funding_status")


def visible_campaigns(user: User) -> Select[Any]:
    """Staff see every campaign; a partner user only those shared with their organisation."""
    query = select(Campaign)
    if user.role == Role.PARTNER:
        shared = select(campaign_partners.c.campaign_id).where(
            campaign_partners.c.partner_id == user.partner_id
        )
        query = query.where(Campaign.id.in_(shared))
    return query


def in_visible_campaigns(model: Any, user: User) -> Select[Any]:
    """Rows of `model` (with a campaign_id) that belong to campaigns the user may see."""
    visible = visible_campaigns(user).with_only_columns(Campaign.id)
    return select(model).where(model.campaign_id.in_(visible))


def get_in_visible_campaign(model: Any, row_id: int, user: User, noun: str) -> Any:
    """One such row; a row of a campaign the user may not see is reported as missing."""
    row = db.session.scalar(in_visible_campaigns(model, user).where(model.id == row_id))
    if row is None:
        raise NotFound(f"no {noun} {row_id}")
    return row


def get_campaign(campaign_id: int, user: User) -> Campaign:
    """A campaign the user may see; one they may not is reported as missing, not forbidden."""
    row = db.session.scalar(visible_campaigns(user).where(Campaign.id == campaign_id))
    if row is None:
        raise NotFound(f"no campaign {campaign_id}")
    return row


def list_campaigns(user: User, request: PageRequest) -> Page:
    return paginate(visible_campaigns(user), Campaign, request, CAMPAIGN_SORTS)


def _check_shares(row: Campaign) -> None:
    """Hub shares of voice name hubs that exist (the schema checks they are positive)."""
    codes = set(row.share_of_voice_by_hub or {})
    known = set(db.session.scalars(select(Hub.code).where(Hub.code.in_(codes)))) if codes else set()
    unknown = sorted(codes - known)
    if unknown:
        raise Invalid(f"share_of_voice_by_hub names hubs that do not exist: {unknown}")


def languages_in_use(row: Campaign, languages: set[str]) -> dict[str, list[str]]:
    """Of `languages`, those the campaign's playable versions (approved or paused) have a text
    in: language → the keys of the messages using it."""
    used: dict[str, list[str]] = {}
    for message in row.messages:
        live = live_version(message)
        for text in live.texts if live else ():
            if text.lang in languages and text.headline.strip() and text.body.strip():
                used.setdefault(text.lang, []).append(message.key)
    return used


def _change_languages(row: Campaign, languages: list[str], confirmed: bool) -> None:
    """Set the campaign's languages. Removing one that approved versions use is refused, naming
    them, unless the manager confirms: then those messages play in the languages left. Names
    and slogans in a removed language go with it."""
    removed = set(row.languages) - set(languages)
    used = languages_in_use(row, removed)
    if used and not confirmed:
        uses = "; ".join(f"{lang}: {', '.join(keys)}" for lang, keys in sorted(used.items()))
        raise Conflict(
            f"approved messages use the language(s) you are removing ({uses}); they would stop "
            "showing it. Send confirm_language_removal: true to remove it anyway"
        )
    row.languages = languages
    row.names = {k: v for k, v in (row.names or {}).items() if k not in removed}
    row.slogans = {k: v for k, v in (row.slogans or {}).items() if k not in removed}


# What the campaign's card is drawn from: a change to any of them is checked for legibility.
CARD_FIELDS = frozenset({"names", "slogans", "languages", "background", "foreground", "accent"})


def _check_card(row: Campaign) -> None:
    """The campaign's card must be legible on its screens: it is the last thing they show."""
    flush(f"campaign {row.slug}")  # the check reads its phases and screens as they will be
    problems = legibility.card_problems(row, clock.now())
    if problems:
        db.session.rollback()  # refused whole: nothing of the change stays
        raise Invalid(
            "the campaign's card (its name and slogan, shown when nothing else can be) would not "
            "be legible: " + "; ".join(problems)
        )


def _check_campaign(row: Campaign) -> None:
    missing = [lang for lang in row.languages if not (row.names or {}).get(lang, "").strip()]
    if missing:
        raise Invalid(f"names needs a name in every campaign language; missing {missing}")
    extra = sorted(set(row.names) - set(row.languages))
    if extra:
        raise Invalid(f"names has languages the campaign does not use: {extra}")
    extra = sorted(set(row.slogans or {}) - set(row.languages))
    if extra:
        raise Invalid(f"slogans has languages the campaign does not use: {extra}")


def _partners(ids: list[int]) -> list[Partner]:
    rows = list(db.session.scalars(select(Partner).where(Partner.id.in_(ids))))
    unknown = sorted(set(ids) - {p.id for p in rows})
    if unknown:
        raise NotFound(f"unknown partner organisation(s) {unknown}")
    return rows


def create_campaign(values: dict[str, Any]) -> Campaign:
    values = dict(values)
    partner_ids = values.pop("partner_ids", [])
    row = Campaign(**values)
    row.partners = _partners(partner_ids)
    _check_campaign(row)
    _check_shares(row)
    db.session.add(row)
    _check_card(row)
    commit(f"campaign {row.slug}")
    return row


def update_campaign(campaign_id: int, user: User, changes: dict[str, Any]) -> Campaign:
    """Change a campaign. Adding a language never takes a message off the screens (they play
    in the languages they have until a version with it is approved); removing one is guarded
    (`_change_languages`)."""
    changes = dict(changes)
    row = get_campaign(campaign_id, user)
    check_version(row, changes.pop("version", None), f"campaign {row.slug}")
    confirmed = changes.pop("confirm_language_removal", False)
    if "partner_ids" in changes:
        row.partners = _partners(changes.pop("partner_ids"))
    card_changes = bool(CARD_FIELDS & set(changes))
    if "languages" in changes:
        _change_languages(row, changes.pop("languages"), confirmed)
    assign(row, changes)
    _check_campaign(row)
    _check_shares(row)
    if card_changes:
        _check_card(row)
    commit(f"campaign {row.slug}")
    return row


def delete_campaign(campaign_id: int, user: User, version: int | None) -> None:
    row = get_campaign(campaign_id, user)
    check_version(row, version, f"campaign {row.slug}")
    delete(row, f"campaign {row.slug}")


partners: Records[Partner] = Records(Partner, "partner", "slug", PARTNER_SORTS)
get_partner, list_partners, create_partner = partners.get, partners.list, partners.create
update_partner, delete_partner = partners.update, partners.delete
phases: Records[Phase] = Records(Phase, "phase", "number", PHASE_SORTS)
get_phase, list_phases, delete_phase = phases.get, phases.list, phases.delete


def _hubs(ids: list[int]) -> list[Hub]:
    rows = list(db.session.scalars(select(Hub).where(Hub.id.in_(ids)).order_by(Hub.code)))
    unknown = sorted(set(ids) - {h.id for h in rows})
    if unknown:
        raise NotFound(f"unknown hub(s) {unknown}")
    return rows


def _check_phase(row: Phase) -> None:
    if row.ends_on < row.starts_on:
        raise Invalid(f"ends_on {row.ends_on} is before starts_on {row.starts_on}")


def create_phase(values: dict[str, Any], user: User | None = None) -> Phase:
    """Add a phase; funding other than pending is recorded as its first funding decision."""
    values = dict(values)
    if db.session.get(Campaign, values["campaign_id"]) is None:
        raise NotFound(f"no campaign {values['campaign_id']}")
    hub_ids = values.pop("hub_ids", [])
    funding = values.pop("funding_status", FundingStatus.PENDING.value)
    row = Phase(**values, funding_status=FundingStatus.PENDING.value)
    row.currency = row.currency or "USD"
    row.hubs = _hubs(hub_ids)
    _check_phase(row)
    db.session.add(row)
    if funding != FundingStatus.PENDING:
        _decide(row, funding, values.get("budget"), user, first=True)
    commit(f"phase {row.number}")
    return row


def _decide(
    row: Phase, funding: str, amount: Any, user: User | None, *, first: bool = False
) -> None:
    phase_facts.add_decision(
        row,
        funding,
        amount=amount,
        currency=row.currency or "USD",
        note="",
        user=user,
        at=clock.now(),
        first=first,
    )


def update_phase(phase_id: int, changes: dict[str, Any], user: User | None = None) -> Phase:
    """Change a phase. New dates move the bookings that ran to its old edges, as
    `phase_resize` previews them, and are refused as it refuses them; a new funding status is
    recorded as a funding decision (by `user`, or whoever the context names)."""
    changes = dict(changes)
    row = get_phase(phase_id)
    check_version(row, changes.pop("version", None), f"phase {row.number}")
    starts_on = changes.pop("starts_on", row.starts_on)
    ends_on = changes.pop("ends_on", row.ends_on)
    if ends_on < starts_on:
        raise Invalid(f"ends_on {ends_on} is before starts_on {starts_on}")
    plan = None
    if (starts_on, ends_on) != (row.starts_on, row.ends_on):
        plan = phase_resize.plan(row, starts_on, ends_on, clock.now())
        phase_resize.refuse(plan)
    funding = changes.pop("funding_status", row.funding_status)
    hubs = _hubs(changes.pop("hub_ids")) if "hub_ids" in changes else None
    if plan is not None:
        phase_resize.move(row, plan)  # the bookings that reached it with its old hubs
    if hubs is not None:
        row.hubs = hubs
    assign(row, changes)
    if funding != row.funding_status:
        try:
            _decide(row, funding, changes.get("budget"), user)
        except Invalid:
            db.session.rollback()  # refused whole: nothing of the change stays
            raise
    _check_phase(row)
    commit(f"phase {row.number}")
    return row
