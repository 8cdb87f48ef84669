"""Load a campaign plan into the database (all or nothing, idempotent) and dump it back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import tomli_w
from sqlalchemy import select

from campaign.domain.model import WEEKDAYS, Booking, Message, MessageStatus, MessageText, TargetKind
from campaign.domain.plan_writer import plan_to_document
from campaign.domain.plans import Plan, PlanError, parse_plan, plan_warnings
from campaign.domain.plans import shift_plan as shifted
from campaign.extensions import db
from campaign.persistence import campaigns as c_rows
from campaign.persistence import messages as m_rows
from campaign.persistence import network as n_rows
from campaign.persistence.queries import PLAYABLE, campaign_row, read_plan

DEMO_PLAN = "peru-unido-2026.toml"
DEMO_PHASE_STARTED_DAYS_AGO = 21


@dataclass
class LoadReport:
    campaign: str
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def count(self, what: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[what] = bucket.get(what, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def demo_shift_days(plan: Plan, today: date) -> int:
    """Days to move the demo plan so that its first phase began three weeks before `today`."""
    first = min(plan.phases, key=lambda p: p.number)
    return (today - timedelta(days=DEMO_PHASE_STARTED_DAYS_AGO) - first.starts_on).days


def load_plan(text: str, source: str = "plan", *, demo_today: date | None = None) -> LoadReport:
    """Parse, check and apply a plan in one transaction; on any problem nothing is written."""
    plan = parse_plan(text, source)
    if demo_today is not None:
        plan = shifted(plan, demo_shift_days(plan, demo_today))
    try:
        report = _apply(plan, source)
        if report.changed:
            db.session.commit()  # the content listener bumps the generation
        else:
            db.session.rollback()
    except Exception:
        db.session.rollback()
        raise
    report.warnings = plan_warnings(plan)
    return report


def dump_plan(slug: str | None = None) -> str:
    row = campaign_row(slug)
    if row is None:
        raise PlanError(
            [
                f"no campaign {slug!r}"
                if slug
                else "give --campaign: there is not exactly one campaign"
            ]
        )
    return tomli_w.dumps(plan_to_document(read_plan(row)))


def database_is_empty() -> bool:
    return db.session.scalar(select(c_rows.Campaign.id).limit(1)) is None


class _Writer:
    """Upserts one plan's objects by their stable keys, counting what changed."""

    def __init__(self, report: LoadReport) -> None:
        self.report = report

    def set(self, what: str, row: object, created: bool, **values: object) -> None:
        changed = created
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        if created:
            db.session.add(row)
        if changed:
            self.report.count(what, created)


def _apply(plan: Plan, source: str) -> LoadReport:
    report = LoadReport(campaign=plan.campaign.slug)
    w = _Writer(report)
    campaign, created = _get(c_rows.Campaign, slug=plan.campaign.slug)
    c = plan.campaign
    w.set(
        "campaigns",
        campaign,
        created,
        names=dict(c.names),
        slogans=dict(c.slogans),
        languages=list(c.languages),
        background=c.background,
        foreground=c.foreground,
        accent=c.accent,
        requires_partner_approval=c.requires_partner_approval,
        share_of_voice_by_hub=dict(sorted(c.share_of_voice_by_hub.items())),
    )
    for p in plan.partners:
        partner, created = _get(c_rows.Partner, slug=p.slug)
        w.set(
            "partners",
            partner,
            created,
            name=p.name,
            role=p.role.value,
            website=p.website,
            appears_on_slides=p.appears_on_slides,
        )
        if partner not in campaign.partners:
            campaign.partners.append(partner)
            report.count("partners", False) if not created else None
    hubs = _apply_places(plan, w)
    phases = _apply_phases(plan, campaign, hubs, w)
    messages = _apply_messages(plan, campaign, w, source)
    db.session.flush()
    _apply_bookings(plan.bookings, campaign, phases, hubs, messages, w)
    db.session.flush()
    return report


def _get(model: type, **keys: object) -> tuple[object, bool]:
    row = (
        db.session.scalar(select(model).filter_by(**keys))
        if all(v is not None for v in keys.values())
        else None
    )
    if row is not None:
        return row, False
    return model(**keys), True


def _apply_places(plan: Plan, w: _Writer) -> dict[str, n_rows.Hub]:
    hubs: dict[str, n_rows.Hub] = {}
    for h in plan.hubs:
        hub, created = _get(n_rows.Hub, code=h.code)
        w.set(
            "hubs",
            hub,
            created,
            name=h.name,
            kind=h.kind.value,
            region=h.region,
            timezone=h.timezone,
            latitude=h.latitude,
            longitude=h.longitude,
            yearly_passengers=h.yearly_passengers,
        )
        hubs[h.code] = hub  # type: ignore[assignment]
    db.session.flush()
    zones: dict[tuple[str, str], n_rows.Zone] = {}
    for z in plan.zones:
        hub = hubs[z.hub_code]
        zone, created = _get(n_rows.Zone, hub_id=hub.id, code=z.code)
        w.set(
            "zones",
            zone,
            created,
            name=z.name,
            venue_type=z.venue_type,
            language_policy=z.language_policy,
        )
        zones[(z.hub_code, z.code)] = zone  # type: ignore[assignment]
    db.session.flush()
    for s in plan.screens:
        screen, created = _get(n_rows.Screen, code=s.code)
        w.set(
            "screens",
            screen,
            created,
            zone_id=zones[(s.hub_code, s.zone_code)].id,
            name=s.name,
            orientation=s.orientation.value,
            width=s.width,
            height=s.height,
            language_policy=s.language_policy,
        )
    return hubs


def _apply_phases(
    plan: Plan, campaign: c_rows.Campaign, hubs: dict[str, n_rows.Hub], w: _Writer
) -> dict[int, c_rows.Phase]:
    db.session.flush()
    phases = {}
    for p in plan.phases:
        phase, created = _get(c_rows.Phase, campaign_id=campaign.id, number=p.number)
        w.set(
            "phases",
            phase,
            created,
            name=p.name,
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            funding_source=p.funding_source,
            budget=p.budget,
            currency=p.currency,
            funding_status=p.funding_status.value,
            share_of_voice=p.share_of_voice,
        )
        wanted = sorted((hubs[code] for code in p.hub_codes), key=lambda h: h.code)
        if [h.code for h in phase.hubs] != [h.code for h in wanted]:
            phase.hubs = wanted
            if not created:
                w.report.count("phases", False)
        phases[p.number] = phase
    return phases


# What a plan may do to a version already in the database; anything else is a decision taken
# through the workflow (resuming a paused message, reviving a retired one, un-approving).
_PLAN_MOVES = {
    ("draft", "in_review"),
    ("draft", "approved"),
    ("in_review", "draft"),
    ("in_review", "approved"),
    ("approved", "paused"),
    ("approved", "retired"),
    ("paused", "retired"),
}


def _apply_messages(
    plan: Plan, campaign: c_rows.Campaign, w: _Writer, source: str
) -> dict[str, m_rows.Message]:
    messages = {}
    for m in plan.messages:
        path = f"{source}: messages[{m.key}]"
        message, created = _get(m_rows.Message, campaign_id=campaign.id, key=m.key)
        w.set("messages", message, created, topic=m.topic, is_fallback=m.is_fallback)
        latest = message.latest
        if latest is not None and latest.number > m.version:
            raise PlanError(
                [
                    f"{path}.version: the database already has version {latest.number}, the plan "
                    f"has {m.version}; dump the current state and edit that"
                ]
            )
        if latest is None or latest.number < m.version:
            if m.status.value in PLAYABLE and latest is not None:
                for older in message.versions:  # exactly one version may be live
                    if older.status in PLAYABLE:
                        older.status = MessageStatus.RETIRED.value
            latest = m_rows.MessageVersion(number=m.version, status=m.status.value, link=m.link)
            message.versions.append(latest)
            w.report.count("message versions", True)
        else:
            _check_plan_may_change(latest, m, path)
            if latest.status != m.status.value:
                latest.status = m.status.value
                w.report.count("message versions", False)
            if latest.link != m.link:
                latest.link = m.link
                w.report.count("message versions", False)
        _apply_texts(latest, m.texts, w)
        messages[m.key] = message
    return messages


def _check_plan_may_change(version: m_rows.MessageVersion, m: Message, path: str) -> None:
    """A plan edits drafts freely; a version past review keeps its wording, and its status moves
    only forward (a paused message is resumed through the workflow, never by reloading a file)."""
    status = version.status
    if status != m.status.value and (status, m.status.value) not in _PLAN_MOVES:
        raise PlanError(
            [
                f"{path}.status: version {version.number} is {status} in the database and a plan "
                f"cannot make it {m.status.value}; do that through the approval workflow, or "
                f"give version {version.number + 1}"
            ]
        )
    if status == MessageStatus.DRAFT.value:
        return
    stored = {
        t.lang: MessageText(t.headline, t.body, t.call_to_action, t.hotline) for t in version.texts
    }
    if stored != dict(m.texts) or version.link != m.link:
        raise PlanError(
            [
                f"{path}: version {version.number} is {status} in the database and the plan "
                f"words it differently; give version {version.number + 1} for new wording"
            ]
        )


def _apply_texts(version: m_rows.MessageVersion, texts: dict, w: _Writer) -> None:
    for lang, t in sorted(texts.items()):
        row = version.text(lang)
        created = row is None
        if row is None:
            row = m_rows.MessageText(lang=lang)
            version.texts.append(row)
        w.set(
            "message texts",
            row,
            created,
            headline=t.headline,
            body=t.body,
            call_to_action=t.call_to_action,
            hotline=t.hotline,
        )


def _apply_bookings(
    bookings: tuple[Booking, ...],
    campaign: c_rows.Campaign,
    phases: dict[int, c_rows.Phase],
    hubs: dict[str, n_rows.Hub],
    messages: dict[str, m_rows.Message],
    w: _Writer,
) -> None:
    for b in bookings:
        booking, created = _get(m_rows.Booking, campaign_id=campaign.id, key=b.key)
        target = _target_ids(b, phases, hubs)
        w.set(
            "bookings",
            booking,
            created,
            message_id=messages[b.message_key].id,
            starts_on=b.starts_on,
            ends_on=b.ends_on,
            weekdays=",".join(WEEKDAYS[d] for d in sorted(b.weekdays)),
            window_start=b.window_start,
            window_end=b.window_end,
            weight=b.weight,
            priority=b.priority,
            slot_duration_s=b.slot_duration_s,
            orientation=b.orientation.value if b.orientation else None,
            **target,
        )


def _target_ids(
    b: Booking, phases: dict[int, c_rows.Phase], hubs: dict[str, n_rows.Hub]
) -> dict[str, int | str | None]:
    ids: dict[str, int | str | None] = {
        "phase_id": None,
        "hub_id": None,
        "zone_id": None,
        "screen_id": None,
        "venue_type": None,
    }
    ref = b.target.ref
    if b.target.kind is TargetKind.PHASE:
        ids["phase_id"] = phases[int(ref)].id
    elif b.target.kind is TargetKind.HUB:
        ids["hub_id"] = hubs[ref].id
    elif b.target.kind is TargetKind.ZONE:
        hub_code, _, zone_code = ref.partition("/")
        ids["zone_id"] = db.session.scalar(
            select(n_rows.Zone.id).where(
                n_rows.Zone.hub_id == hubs[hub_code].id, n_rows.Zone.code == zone_code
            )
        )
    elif b.target.kind is TargetKind.VENUE:
        ids["venue_type"] = ref
    else:
        ids["screen_id"] = db.session.scalar(select(n_rows.Screen.id).filter_by(code=ref))
    return ids


__all__ = [
    "DEMO_PLAN",
    "LoadReport",
    "MessageStatus",
    "PlanError",
    "database_is_empty",
    "dump_plan",
    "load_plan",
]
