"""What the administration pages show and save: phases, partners, users, tokens, the audit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select

from campaign.domain.phases import phase_status
from campaign.extensions import db
from campaign.persistence.accounts import ApiToken, User
from campaign.persistence.audit import AuditEvent
from campaign.persistence.campaigns import Campaign, Partner, Phase
from campaign.persistence.network import Hub
from campaign.persistence.queries import to_phase
from campaign.services import accounts, audit, auth, campaigns
from campaign.services.errors import Conflict, NotFound
from campaign.services.records import Page, PageRequest

USERS_PER_PAGE = 50
EVENTS_PER_PAGE = 50


class StaleEdit(Conflict):
    """The record changed since the form was read: `current` is what is saved now."""

    def __init__(self, detail: str, current: Any) -> None:
        super().__init__(detail)
        self.current = current


def _fresh(row: Any, version: int | None, what: str, view: Callable[[], Any]) -> None:
    # The service checks the version too; checking first tells a stale edit (show both copies)
    # from the other conflicts it raises (a number or e-mail taken, your own role).
    if version is not None and row.lock_version != version:
        raise StaleEdit(
            _("%(what)s was changed by someone else while you were editing it.", what=what),
            view(),
        )


@dataclass(frozen=True)
class Choice:
    id: int
    code: str
    name: str


def _campaign_name(row: Campaign, reader_lang: str) -> str:
    names = row.names or {}
    return names.get(reader_lang) or next(iter(names.values()), row.slug)


def campaign_choices(user: User, reader_lang: str) -> list[Choice]:
    """The campaigns the user may see, by slug, named in the reader's language if they can."""
    rows = db.session.scalars(campaigns.visible_campaigns(user).order_by(Campaign.slug))
    return [Choice(r.id, r.slug, _campaign_name(r, reader_lang)) for r in rows]


def hub_choices() -> list[Choice]:
    rows = db.session.scalars(select(Hub).order_by(Hub.name, Hub.code))
    return [Choice(r.id, r.code, r.name) for r in rows]


def partner_choices() -> list[Choice]:
    rows = db.session.scalars(select(Partner).order_by(Partner.name, Partner.slug))
    return [Choice(r.id, r.slug, r.name) for r in rows]


# ------------------------------------------------------------------------------------ phases


@dataclass(frozen=True)
class PhaseRow:
    id: int
    campaign_id: int
    campaign: str
    number: int
    name: str
    starts_on: date
    ends_on: date
    hubs: tuple[Choice, ...]
    funding_status: str
    funding_source: str
    budget: Decimal | None
    currency: str
    share_of_voice: float
    status: str
    timezone: str
    lock_version: int


def _phase_row(row: Phase, at: datetime, reader_lang: str) -> PhaseRow:
    # As the overview: a phase's dates are local to its hubs, the first hub's timezone stands
    # for the phase, and a phase whose funding is not confirmed is never active.
    timezone = row.hubs[0].timezone if row.hubs else "UTC"
    status = phase_status(to_phase(row), at.astimezone(ZoneInfo(timezone)).date())
    return PhaseRow(
        id=row.id,
        campaign_id=row.campaign_id,
        campaign=_campaign_name(row.campaign, reader_lang),
        number=row.number,
        name=row.name,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        hubs=tuple(Choice(h.id, h.code, h.name) for h in row.hubs),
        funding_status=row.funding_status,
        funding_source=row.funding_source,
        budget=row.budget,
        currency=row.currency,
        share_of_voice=row.share_of_voice,
        status=status.value,
        timezone=timezone,
        lock_version=row.lock_version,
    )


def phase_rows(user: User, at: datetime, reader_lang: str) -> list[PhaseRow]:
    """Every phase of the campaigns the user may see, by campaign and number, with its status."""
    query = campaigns.in_visible_campaigns(Phase, user).join(Phase.campaign)
    rows = db.session.scalars(query.order_by(Campaign.slug, Phase.number))
    return [_phase_row(r, at, reader_lang) for r in rows]


def phase(phase_id: int, user: User, at: datetime, reader_lang: str) -> PhaseRow:
    row = campaigns.get_in_visible_campaign(Phase, phase_id, user, "phase")
    return _phase_row(row, at, reader_lang)


def save_phase(
    phase_id: int | None,
    values: dict[str, Any],
    *,
    user: User,
    version: int | None,
    at: datetime,
    reader_lang: str,
) -> PhaseRow:
    """Create a phase (values name its campaign_id) or change one, refusing a stale edit."""
    if phase_id is None:
        saved = campaigns.create_phase(values)
    else:
        row = campaigns.get_in_visible_campaign(Phase, phase_id, user, "phase")
        what = _("Phase %(number)s", number=row.number)
        _fresh(row, version, what, lambda: _phase_row(row, at, reader_lang))
        saved = campaigns.update_phase(phase_id, {**values, "version": version})
    return _phase_row(saved, at, reader_lang)


# ---------------------------------------------------------------------------------- partners


@dataclass(frozen=True)
class PartnerRow:
    id: int
    slug: str
    name: str
    role: str
    website: str
    appears_on_slides: bool
    campaigns: tuple[Choice, ...]
    users: int
    lock_version: int


def _partner_row(row: Partner, reader_lang: str, users: int = 0) -> PartnerRow:
    return PartnerRow(
        id=row.id,
        slug=row.slug,
        name=row.name,
        role=row.role,
        website=row.website,
        appears_on_slides=row.appears_on_slides,
        campaigns=tuple(
            Choice(c.id, c.slug, _campaign_name(c, reader_lang)) for c in row.campaigns
        ),
        users=users,
        lock_version=row.lock_version,
    )


def partner_rows(reader_lang: str) -> list[PartnerRow]:
    """Every partner organisation by name, with its campaigns and how many users it has."""
    counts = dict(
        db.session.execute(
            select(User.partner_id, func.count(User.id))
            .where(User.partner_id.is_not(None))
            .group_by(User.partner_id)
        ).all()
    )
    rows = db.session.scalars(select(Partner).order_by(Partner.name, Partner.slug))
    return [_partner_row(r, reader_lang, counts.get(r.id, 0)) for r in rows]


def partner(partner_id: int, reader_lang: str) -> PartnerRow:
    return _partner_row(campaigns.get_partner(partner_id), reader_lang)


def _campaign_rows(ids: list[int]) -> list[Campaign]:
    rows = list(db.session.scalars(select(Campaign).where(Campaign.id.in_(ids))))
    if len(rows) != len(set(ids)):
        raise NotFound(_("One of the chosen campaigns does not exist any more."))
    return rows


def save_partner(
    partner_id: int | None,
    values: dict[str, Any],
    campaign_ids: list[int],
    *,
    version: int | None,
    reader_lang: str,
) -> PartnerRow:
    """Create or change a partner organisation and the campaigns it is a partner of, at once."""
    shared = _campaign_rows(campaign_ids)
    if partner_id is None:
        saved = campaigns.create_partner({**values, "campaigns": shared})
    else:
        row = campaigns.get_partner(partner_id)
        _fresh(row, version, row.name, lambda: _partner_row(row, reader_lang))
        changes = {**values, "campaigns": shared, "version": version}
        saved = campaigns.update_partner(partner_id, changes)
    return _partner_row(saved, reader_lang)


# ------------------------------------------------------------------------------------- users


@dataclass(frozen=True)
class UserRow:
    id: int
    email: str
    name: str
    role: str
    partner_id: int | None
    partner: str
    active: bool
    created_at: datetime
    last_login_at: datetime | None
    tokens: int
    lock_version: int


@dataclass(frozen=True)
class UsersPage:
    rows: tuple[UserRow, ...]
    total: int
    page: int
    pages: int


def _user_row(row: User, tokens: int = 0) -> UserRow:
    organisation = db.session.get(Partner, row.partner_id) if row.partner_id else None
    return UserRow(
        id=row.id,
        email=row.email,
        name=row.name,
        role=row.role,
        partner_id=row.partner_id,
        partner=organisation.name if organisation else "",
        active=row.active,
        created_at=row.created_at,
        last_login_at=row.last_login_at,
        tokens=tokens,
        lock_version=row.lock_version,
    )


def users_page(page: int) -> UsersPage:
    """A page of the users by e-mail, with their organisation and how many live tokens."""
    found = accounts.list_users(PageRequest(page=page, per_page=USERS_PER_PAGE, sort="email"))
    ids = [u.id for u in found.items]
    live = dict(
        db.session.execute(
            select(ApiToken.user_id, func.count(ApiToken.id))
            .where(ApiToken.user_id.in_(ids), ApiToken.revoked_at.is_(None))
            .group_by(ApiToken.user_id)
        ).all()
    )
    pages = max(1, -(-found.total // found.per_page))
    rows = tuple(_user_row(u, live.get(u.id, 0)) for u in found.items)
    return UsersPage(rows, found.total, found.page, pages)


def user(user_id: int) -> UserRow:
    return _user_row(accounts.get_user(user_id))


def edit_user(
    user_id: int, changes: dict[str, Any], *, version: int | None, acting: User
) -> UserRow:
    """Change a user (the service refuses your own demotion), refusing a stale edit."""
    row = accounts.get_user(user_id)
    _fresh(row, version, row.email, lambda: _user_row(row))
    return _user_row(accounts.update_user(user_id, changes, version=version, acting=acting))


# ------------------------------------------------------------------------------------ tokens


@dataclass(frozen=True)
class TokenRow:
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _token_row(row: ApiToken) -> TokenRow:
    return TokenRow(row.id, row.name, row.prefix, row.created_at, row.last_used_at, row.revoked_at)


def tokens(user_id: int) -> tuple[UserRow, list[TokenRow]]:
    """A user and their personal API tokens, oldest first (never their secrets)."""
    row = accounts.get_user(user_id)
    return _user_row(row), [_token_row(t) for t in auth.list_tokens(row)]


def token(user_id: int, token_id: int) -> tuple[UserRow, TokenRow]:
    owner, rows = tokens(user_id)
    found = next((t for t in rows if t.id == token_id), None)
    if found is None:
        raise NotFound(_("This user has no such token."))
    return owner, found


def create_token(user_id: int, name: str, *, now: datetime) -> tuple[TokenRow, str]:
    """A new token for the user: its secret is returned this once, only its hash is kept."""
    row = accounts.get_user(user_id)
    if not row.active:
        raise Conflict(_("%(email)s is deactivated: activate the account first.", email=row.email))
    made, secret = auth.create_token(row, name, now=now)
    return _token_row(made), secret


def revoke_token(user_id: int, token_id: int, *, now: datetime) -> TokenRow:
    try:
        return _token_row(auth.revoke_token(accounts.get_user(user_id), token_id, now=now))
    except NotFound as exc:
        raise NotFound(_("This user has no such token.")) from exc


# ------------------------------------------------------------------------------------- audit


@dataclass(frozen=True)
class AuditChoices:
    actors: list[Choice]  # users, by e-mail
    actions: list[str]
    entities: list[str]


@dataclass(frozen=True)
class AuditPage:
    page: Page
    pages: int


def audit_choices() -> AuditChoices:
    """What the audit filters offer: every user, and the actions and tables recorded so far."""
    users = db.session.execute(select(User.id, User.email).order_by(User.email)).all()
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    entities = db.session.scalars(select(AuditEvent.entity).distinct().order_by(AuditEvent.entity))
    return AuditChoices(
        actors=[Choice(i, email, email) for i, email in users],
        actions=list(actions),
        entities=list(entities),
    )


def audit_page(filters: dict[str, Any], page: int) -> AuditPage:
    """A page of the events matching `filters` (audit.FILTERS, since and until), newest first:
    by instant, then by the order they were recorded in (a stopped clock, one transaction)."""
    query = audit.events_query(filters, filters.get("since"), filters.get("until"))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // EVENTS_PER_PAGE))
    page = max(1, page)
    items = db.session.scalars(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(EVENTS_PER_PAGE)
        .offset((page - 1) * EVENTS_PER_PAGE)
    ).all()
    return AuditPage(Page(items, total, page, EVENTS_PER_PAGE), pages)


def audit_csv(filters: dict[str, Any]) -> Iterator[str]:
    """The same events as CSV lines (oldest first), formulas escaped, instants in UTC."""
    return audit.export_events(filters)
