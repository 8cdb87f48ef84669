"""Every hub at a glance: its phase and status, screens planned, installed and online, plays."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select, true
from sqlalchemy.orm import selectinload

from campaign.domain.model import Phase, PhaseStatus
from campaign.domain.phases import phase_status
from campaign.domain.roles import STAFF
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign as CampaignRow
from campaign.persistence.campaigns import Phase as PhaseRow
from campaign.persistence.network import Hub, Screen, Zone
from campaign.persistence.player import PlayRecord, PlayRollup
from campaign.persistence.queries import to_phase
from campaign.services.campaigns import visible_campaigns
from campaign.services.dashboard import shown_status
from campaign.services.network_scope import scoped
from campaign.services.screen_health import threshold_seconds
from campaign.services.spreadsheet_csv import csv_text

NO_PHASE = "none"  # the status of a hub in no phase
CSV_COLUMNS = (
    "code",
    "name",
    "kind",
    "region",
    "campaign",
    "phase",
    "phase_name",
    "status",
    "screens_planned",
    "screens_installed",
    "screens_online",
    "plays",
    "yearly_passengers",
)
IN_CHUNK = 500  # screen ids per IN (...) list


@dataclass(frozen=True)
class HubRow:
    code: str
    name: str
    kind: str
    region: str
    timezone: str
    campaign: str | None  # the slug of the deciding phase's campaign
    phase: int | None  # the number of the phase that decides its status: active, next, latest
    phase_name: str
    status: str  # dashboard.SHOWN_ORDER's words, or NO_PHASE
    screens_planned: int  # every screen registered at the hub
    screens_installed: int  # those with a live token
    screens_online: int  # those heard from within MISSED_POLLS poll intervals
    plays: int  # every play its screens reported
    yearly_passengers: int | None


def _deciding(phases: list[tuple[str, Phase]], today: date) -> tuple[str, Phase] | None:
    """The phase that speaks for a hub: the active one, else the next, else the latest."""
    if not phases:
        return None
    statuses = [(phase_status(p, today), slug, p) for slug, p in phases]
    for wanted in (PhaseStatus.ACTIVE, PhaseStatus.PLANNED):
        found = sorted((p.starts_on, slug, p.number, p) for s, slug, p in statuses if s is wanted)
        if found:
            return found[0][1], found[0][3]
    _ends, slug, _number, phase = max((p.ends_on, slug, p.number, p) for _s, slug, p in statuses)
    return slug, phase


def _phases_by_hub(campaign_ids: list[int] | None) -> dict[int, list[tuple[str, Phase]]]:
    query = select(PhaseRow).options(selectinload(PhaseRow.hubs), selectinload(PhaseRow.campaign))
    if campaign_ids is not None:
        query = query.where(PhaseRow.campaign_id.in_(campaign_ids))
    by_hub: dict[int, list[tuple[str, Phase]]] = defaultdict(list)
    for row in db.session.scalars(query):
        phase = to_phase(row)
        for hub in row.hubs:
            by_hub[hub.id].append((row.campaign.slug, phase))
    return by_hub


def _screens(at: datetime) -> dict[int, tuple[int, int, int]]:
    """Per hub: its screens, those with a live token, those heard from lately."""
    since = at - timedelta(seconds=threshold_seconds())
    installed = case(
        (Screen.token_hash.is_not(None) & Screen.token_revoked_at.is_(None), 1), else_=0
    )
    online = case((Screen.last_seen_at >= since, 1), else_=0)
    rows = db.session.execute(
        select(
            Zone.hub_id,
            func.count(Screen.id),
            func.coalesce(func.sum(installed), 0),
            func.coalesce(func.sum(online), 0),
        )
        .join(Zone, Zone.id == Screen.zone_id)
        .group_by(Zone.hub_id)
    )
    return {hub_id: (int(n), int(i), int(o)) for hub_id, n, i, o in rows}


def _plays(timezones: dict[int, str], slugs: list[str] | None) -> dict[int, int]:
    """Per screen (`timezones`: every screen's, by id), its plays: the nightly roll-ups' sums,
    and the records after its last rolled-up day (at its hub); a screen never rolled up counts
    its records. Index reads only: the records are counted per screen on the (screen_id,
    play_id) index, or from a cut-off on the started_at one."""
    counts: dict[int, int] = defaultdict(int)
    mine = PlayRollup.campaign.in_(slugs) if slugs is not None else true()
    rolled = db.session.execute(
        select(
            PlayRollup.screen_id,
            func.coalesce(func.sum(case((mine, PlayRollup.plays), else_=0)), 0),
            func.max(PlayRollup.day),
        ).group_by(PlayRollup.screen_id)
    ).all()
    after: dict[datetime, set[int]] = defaultdict(set)
    for screen_id, plays, last_day in rolled:
        counts[screen_id] += int(plays)
        zone = ZoneInfo(timezones.get(screen_id, "UTC"))
        midnight = datetime.combine(last_day + timedelta(days=1), time(0), zone)
        after[midnight.astimezone(UTC)].add(screen_id)

    def grouped(*conditions: Any, by: Any = PlayRecord.screen_id) -> list[tuple[int, int]]:
        query = select(by, func.count()).where(*conditions)
        if slugs is not None:
            query = query.where(PlayRecord.campaign.in_(slugs))
        return [(int(s), n) for s, n in db.session.execute(query.group_by(by))]

    never = sorted(set(timezones) - {screen_id for screen_id, _p, _d in rolled})
    for first in range(0, len(never), IN_CHUNK):
        for screen_id, n in grouped(PlayRecord.screen_id.in_(never[first : first + IN_CHUNK])):
            counts[screen_id] += int(n)
    for cutoff, screen_ids in after.items():
        # Grouped by an expression, so the database reads the records from the cut-off on
        # through the started_at index (SQLite would read all of them through screen_id's).
        for screen_id, n in grouped(PlayRecord.started_at >= cutoff, by=PlayRecord.screen_id + 0):
            if screen_id in screen_ids:
                counts[screen_id] += int(n)
    return counts


def hub_overview(user: User | None, at: datetime) -> list[HubRow]:
    """Every hub the user may see, by code (staff, and the command line with no user: all; a
    partner: the hubs of the phases of the campaigns shared with them, their plays only), as
    it stands at `at`."""
    ids: list[int] | None = None
    slugs: list[str] | None = None
    if user is not None and user.role not in STAFF:
        campaigns = db.session.execute(
            visible_campaigns(user).with_only_columns(CampaignRow.id, CampaignRow.slug)
        ).all()
        ids, slugs = [c.id for c in campaigns], [c.slug for c in campaigns]
    by_hub = _phases_by_hub(ids)
    hubs = list(db.session.scalars(scoped(select(Hub), Hub.id, user).order_by(Hub.code)))
    screen_hubs = dict(db.session.execute(select(Screen.id, Zone.hub_id).join(Screen.zone)).all())
    zones_of_hub = {h.id: h.timezone for h in hubs}
    plays = _plays({s: zones_of_hub.get(h, "UTC") for s, h in screen_hubs.items()}, slugs)
    per_hub: dict[int, int] = defaultdict(int)
    for screen_id, n in plays.items():
        per_hub[screen_hubs.get(screen_id, 0)] += n
    screens = _screens(at)
    rows = []
    for hub in hubs:
        today = at.astimezone(ZoneInfo(hub.timezone)).date()
        deciding = _deciding(by_hub.get(hub.id, []), today)
        planned, installed, online = screens.get(hub.id, (0, 0, 0))
        rows.append(
            HubRow(
                code=hub.code,
                name=hub.name,
                kind=hub.kind,
                region=hub.region,
                timezone=hub.timezone,
                campaign=deciding[0] if deciding else None,
                phase=deciding[1].number if deciding else None,
                phase_name=deciding[1].name if deciding else "",
                status=shown_status(deciding[1], today) if deciding else NO_PHASE,
                screens_planned=planned,
                screens_installed=installed,
                screens_online=online,
                plays=per_hub.get(hub.id, 0),
                yearly_passengers=hub.yearly_passengers,
            )
        )
    return rows


def hub_overview_csv(rows: Iterable[HubRow]) -> str:
    """The rows as a CSV file for spreadsheet programs (campaign.services.spreadsheet_csv: UTF-8
    with a byte-order mark, a header line, commas, plain numbers, formula starts neutralised)."""
    return csv_text(CSV_COLUMNS, ([getattr(row, name) for name in CSV_COLUMNS] for row in rows))
