"""Which hubs, zones and screens a person may see: those of the campaigns they may see."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from campaign.domain.roles import STAFF
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign, Phase, phase_hubs
from campaign.persistence.network import Hub, Screen, Zone
from campaign.services.campaigns import visible_campaigns


def visible_hub_ids(user: User | None) -> Select[Any] | None:
    """The ids of the hubs the user may see, as a subquery: a partner, the hubs of the phases
    of the campaigns shared with their organisation (`visible_campaigns`); None for staff and
    the command line (no user), who see every hub, in a phase or not."""
    if user is None or user.role in STAFF:
        return None
    campaigns = visible_campaigns(user).with_only_columns(Campaign.id)
    return (
        select(phase_hubs.c.hub_id)
        .join(Phase, Phase.id == phase_hubs.c.phase_id)
        .where(Phase.campaign_id.in_(campaigns))
    )


def scoped(query: Select[Any], hub_id: Any, user: User | None) -> Select[Any]:
    """`query` kept to rows whose hub (the column `hub_id`) the user may see."""
    hubs = visible_hub_ids(user)
    return query if hubs is None else query.where(hub_id.in_(hubs))


def visible_hub_codes(user: User | None) -> set[str] | None:
    """The codes of the hubs the user may see; None: every hub."""
    hubs = visible_hub_ids(user)
    if hubs is None:
        return None
    return set(db.session.scalars(select(Hub.code).where(Hub.id.in_(hubs))))


def visible_screen_codes(user: User | None) -> set[str] | None:
    """The codes of the screens the user may see (those of the hubs they see); None: every one."""
    if visible_hub_ids(user) is None:
        return None
    query = select(Screen.code).join(Zone, Zone.id == Screen.zone_id)
    return set(db.session.scalars(scoped(query, Zone.hub_id, user)))


def may_see_screen(user: User | None, code: str) -> bool:
    """Whether the screen `code` exists and is at a hub the user may see."""
    query = select(Screen.id).join(Zone, Zone.id == Screen.zone_id).where(Screen.code == code)
    return db.session.scalar(scoped(query, Zone.hub_id, user)) is not None


def may_see_hub(user: User | None, code: str) -> bool:
    """Whether the hub `code` exists and the user may see it."""
    query = select(Hub.id).where(Hub.code == code)
    return db.session.scalar(scoped(query, Hub.id, user)) is not None
