"""Partner preview links: signed, expiring, revocable read-only views of part of a campaign."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import URLSafeSerializer
from sqlalchemy import Select, select

from campaign.domain.roles import STAFF, Role
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign, Partner, Phase, campaign_partners, phase_hubs
from campaign.persistence.messages import Message
from campaign.persistence.network import Hub
from campaign.persistence.previews import PreviewLink
from campaign.persistence.queries import campaign_row, live_version
from campaign.services import clock
from campaign.services.errors import Forbidden, Invalid, NotFound, ServiceError
from campaign.services.records import commit

SALT = "preview-link"
NONCE_BYTES = 24  # 32 characters of URL-safe base64: the column's width
MAX_TOKEN = 200  # a real token is about 75 characters
MAX_LABEL = 200
SCOPES = ("campaign", "phase", "hub", "message")


@dataclass(frozen=True)
class LinkRow:
    """A link as the managers see it (never its URL: that is shown once, when it is made)."""

    id: int
    campaign_id: int
    campaign_slug: str
    campaign_name: str  # in the reader's language when it has one
    partner_id: int
    partner_slug: str
    partner_name: str
    scope: str
    phase_id: int | None
    hub_code: str | None
    message_id: int | None
    target: str  # what the link covers, in words
    approver_id: int | None
    approver: str  # the approver's name or e-mail; "" for a view-only link
    label: str
    created_by: str  # the person's name or e-mail; "" for the command line or a removed account
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_opened_at: datetime | None
    status: str  # "active", "expired" or "revoked", at the instant the row was read

    @property
    def active(self) -> bool:
        return self.status == "active"


# --- Who may --------------------------------------------------------------------------------


def _require_staff(user: User | None) -> None:
    """Managers and administrators; None is an operator at the command line."""
    if user is not None and user.role not in STAFF:
        raise Forbidden(_("Only managers and administrators may manage preview links."))


def _refused(error: type[ServiceError], field: str, detail: str) -> ServiceError:
    """A refusal naming the input it is about ("partner_id", "days", …), for forms."""
    exc = error(detail)
    exc.field = field  # type: ignore[attr-defined]
    return exc


def serializer() -> URLSafeSerializer:
    """Signs and reads the nonce in a link's URL (a salt of its own)."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def local_name(names: dict[str, str] | None, lang: str | None, fallback: str) -> str:
    """A name in `lang` when there is one, else the first one, else `fallback`."""
    names = names or {}
    return (lang and names.get(lang)) or next((v for v in names.values() if v), fallback)


def status_at(link: PreviewLink, now: datetime) -> str:
    """ "revoked", "expired" (from the instant `expires_at` on) or "active"."""
    if link.revoked_at is not None:
        return "revoked"
    return "expired" if now >= link.expires_at else "active"


def message_headline(message: Message, lang: str | None) -> str:
    """The headline of the version screens show (else the newest), in `lang` if it has one."""
    version = live_version(message) or message.latest
    headlines = {t.lang: t.headline for t in (version.texts if version else ()) if t.headline}
    return local_name(headlines, lang, message.key)


def _target(link: PreviewLink, lang: str | None, names: dict[str, Any]) -> str:
    if link.scope == "phase" and (phase := names["phases"].get(link.phase_id)) is not None:
        return str(phase.name)
    if link.scope == "hub" and (hub := names["hubs"].get(link.hub_id)) is not None:
        return f"{hub.name} ({hub.code})"
    if link.scope == "message" and (message := names["messages"].get(link.message_id)):
        return _("Message «%(headline)s»", headline=message_headline(message, lang))
    return _("The whole campaign")


def _by_id(model: Any, ids: set[int | None]) -> dict[int, Any]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {r.id: r for r in db.session.scalars(select(model).where(model.id.in_(wanted)))}


def _rows(query: Select[Any], lang: str | None, now: datetime) -> list[LinkRow]:
    links = list(db.session.scalars(query))
    campaigns = _by_id(Campaign, {link.campaign_id for link in links})
    partners = _by_id(Partner, {link.partner_id for link in links})
    people = _by_id(
        User, {link.created_by_id for link in links} | {link.approver_id for link in links}
    )
    names = {
        "phases": _by_id(Phase, {link.phase_id for link in links}),
        "hubs": _by_id(Hub, {link.hub_id for link in links}),
        "messages": _by_id(Message, {link.message_id for link in links}),
    }
    rows = []
    for link in links:
        campaign, partner = campaigns[link.campaign_id], partners[link.partner_id]
        maker = people.get(link.created_by_id) if link.created_by_id else None
        approver = people.get(link.approver_id) if link.approver_id else None
        hub = names["hubs"].get(link.hub_id)
        rows.append(
            LinkRow(
                id=link.id,
                campaign_id=campaign.id,
                campaign_slug=campaign.slug,
                campaign_name=local_name(campaign.names, lang, campaign.slug),
                partner_id=partner.id,
                partner_slug=partner.slug,
                partner_name=partner.name,
                scope=link.scope,
                phase_id=link.phase_id,
                hub_code=hub.code if hub else None,
                message_id=link.message_id,
                target=_target(link, lang, names),
                approver_id=link.approver_id,
                approver=(approver.name or approver.email) if approver else "",
                label=link.label,
                created_by=(maker.name or maker.email) if maker else "",
                created_at=link.created_at,
                expires_at=link.expires_at,
                revoked_at=link.revoked_at,
                last_opened_at=link.last_opened_at,
                status=status_at(link, now),
            )
        )
    return rows


def _row(link: PreviewLink, lang: str | None, now: datetime) -> LinkRow:
    return _rows(select(PreviewLink).where(PreviewLink.id == link.id), lang, now)[0]


# --- Making, listing, revoking ----------------------------------------------------------------


def campaign_hub_ids(campaign_id: int) -> set[int]:
    """The hubs of the campaign's phases: where its screens may show it."""
    query = (
        select(phase_hubs.c.hub_id)
        .join(Phase, Phase.id == phase_hubs.c.phase_id)
        .where(Phase.campaign_id == campaign_id)
    )
    return set(db.session.scalars(query))


def partner_on_campaign(campaign_id: int, partner_id: int) -> bool:
    query = select(campaign_partners.c.partner_id).where(
        campaign_partners.c.campaign_id == campaign_id,
        campaign_partners.c.partner_id == partner_id,
    )
    return db.session.scalar(query) is not None


def valid_approver(user: User | None, partner_id: int) -> bool:
    """An active partner user of that organisation: who may act from a link."""
    return (
        user is not None
        and user.active
        and user.role == Role.PARTNER
        and user.partner_id == partner_id
    )


def _target_ids(
    campaign: Campaign,
    scope: str,
    phase_id: int | None,
    hub_code: str | None,
    message_id: int | None,
) -> tuple[int | None, int | None, int | None]:
    """The scope's target, checked to belong to the campaign: (phase, hub, message) ids."""
    if scope not in SCOPES:
        detail = _("Choose what the link covers: the campaign, a phase, a hub or a message.")
        raise _refused(Invalid, "scope", detail)
    given = {"phase": phase_id, "hub": hub_code or None, "message": message_id}
    extra = [name for name, value in given.items() if value is not None and name != scope]
    if extra:
        detail = _("A link covers one thing: leave out %(fields)s.", fields=", ".join(extra))
        raise _refused(Invalid, extra[0], detail)
    if scope == "campaign":
        return None, None, None
    if given[scope] is None:
        detail = {
            "phase": _("Choose the phase the link covers."),
            "hub": _("Choose the hub the link covers."),
            "message": _("Choose the message the link covers."),
        }[scope]
        raise _refused(Invalid, scope, detail)
    if scope == "phase":
        phase = db.session.get(Phase, phase_id)
        if phase is None or phase.campaign_id != campaign.id:
            detail = _("The campaign has no phase %(id)s.", id=phase_id)
            raise _refused(NotFound, "phase", detail)
        return phase.id, None, None
    if scope == "hub":
        code = (hub_code or "").strip().upper()
        hub = db.session.scalar(select(Hub).filter_by(code=code))
        if hub is None:
            raise _refused(NotFound, "hub", _("There is no hub %(code)s.", code=hub_code))
        if hub.id not in campaign_hub_ids(campaign.id):
            detail = _("The hub %(code)s is in none of this campaign's phases.", code=hub.code)
            raise _refused(Invalid, "hub", detail)
        return None, hub.id, None
    message = db.session.get(Message, message_id)
    if message is None or message.campaign_id != campaign.id:
        detail = _("The campaign has no message %(id)s.", id=message_id)
        raise _refused(NotFound, "message", detail)
    return None, None, message.id


def _lifetime(days: int | None) -> int:
    config = current_app.config
    days = config["PREVIEW_LINK_DAYS"] if days is None else days
    longest = int(config["PREVIEW_LINK_MAX_DAYS"])
    if not 1 <= days <= longest:
        detail = _("A link lasts from 1 to %(max)d days.", max=longest)
        raise _refused(Invalid, "days", detail)
    return int(days)


def make_link(
    campaign_id: int,
    partner_id: int,
    scope: str,
    user: User | None,
    *,
    phase_id: int | None = None,
    hub_code: str | None = None,
    message_id: int | None = None,
    approver_id: int | None = None,
    days: int | None = None,
    label: str = "",
    now: datetime | None = None,
    reader_lang: str | None = None,
) -> tuple[LinkRow, str]:
    """A new link for a partner organisation of the campaign, and its URL token (shown once).

    It covers the whole campaign, one of its phases, one hub of its phases or one of its
    messages; `approver_id`, an active user of that organisation, may approve and comment from
    it (None: view only). It lasts `days` (default PREVIEW_LINK_DAYS, at most
    PREVIEW_LINK_MAX_DAYS). `user` None is an operator at the command line."""
    _require_staff(user)
    now = now or clock.now()
    campaign = db.session.get(Campaign, campaign_id)  # staff see every campaign
    if campaign is None:
        detail = _("There is no campaign %(id)s.", id=campaign_id)
        raise _refused(NotFound, "campaign_id", detail)
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        detail = _("There is no partner organisation %(id)s.", id=partner_id)
        raise _refused(NotFound, "partner_id", detail)
    if not partner_on_campaign(campaign.id, partner.id):
        detail = _("%(partner)s is not a partner of this campaign.", partner=partner.name)
        raise _refused(Invalid, "partner_id", detail)
    phase, hub, message = _target_ids(campaign, scope, phase_id, hub_code, message_id)
    if approver_id is not None:
        approver = db.session.get(User, approver_id)
        if not valid_approver(approver, partner.id):
            detail = _("The approver must be an active user of %(partner)s.", partner=partner.name)
            raise _refused(Invalid, "approver_id", detail)
    lifetime = _lifetime(days)
    label = (label or "").strip()
    if len(label) > MAX_LABEL:
        detail = _("The label has at most %(max)d characters.", max=MAX_LABEL)
        raise _refused(Invalid, "label", detail)
    link = PreviewLink(
        campaign_id=campaign.id,
        partner_id=partner.id,
        scope=scope,
        phase_id=phase,
        hub_id=hub,
        message_id=message,
        approver_id=approver_id,
        label=label,
        nonce=secrets.token_urlsafe(NONCE_BYTES),
        expires_at=now + timedelta(days=lifetime),
        created_by_id=user.id if user else None,
        created_at=now,
    )
    db.session.add(link)
    commit(_("the preview link"))
    return _row(link, reader_lang, now), serializer().dumps(link.nonce)


def make_link_for_codes(
    slug: str | None,
    partner_slug: str,
    scope: str,
    *,
    phase_number: int | None = None,
    hub_code: str | None = None,
    message_key: str | None = None,
    approver_email: str | None = None,
    days: int | None = None,
    label: str = "",
    now: datetime | None = None,
) -> tuple[LinkRow, str]:
    """`make_link` from the command line: the campaign by slug (none: the only one), the
    partner by slug, a phase by number, a message by key, the approver by e-mail."""
    campaign = campaign_row(slug)
    if campaign is None:
        if slug:
            raise NotFound(_("There is no campaign %(slug)s.", slug=slug))
        raise Invalid(_("There are several campaigns (or none): name one with --campaign."))
    partner = db.session.scalar(select(Partner).filter_by(slug=partner_slug))
    if partner is None:
        raise NotFound(_("There is no partner organisation %(slug)s.", slug=partner_slug))
    phase_id = message_id = approver_id = None
    if phase_number is not None:
        phase = db.session.scalar(
            select(Phase).filter_by(campaign_id=campaign.id, number=phase_number)
        )
        if phase is None:
            raise NotFound(_("The campaign has no phase %(id)s.", id=phase_number))
        phase_id = phase.id
    if message_key is not None:
        message = db.session.scalar(
            select(Message).filter_by(campaign_id=campaign.id, key=message_key)
        )
        if message is None:
            raise NotFound(_("The campaign has no message %(id)s.", id=message_key))
        message_id = message.id
    if approver_email:
        approver = db.session.scalar(select(User).filter_by(email=approver_email.strip().lower()))
        if approver is None:
            raise NotFound(_("There is no user %(email)s.", email=approver_email))
        approver_id = approver.id
    return make_link(
        campaign.id,
        partner.id,
        scope,
        None,
        phase_id=phase_id,
        hub_code=hub_code,
        message_id=message_id,
        approver_id=approver_id,
        days=days,
        label=label,
        now=now,
    )


def list_links(
    user: User | None,
    campaign: int | None = None,
    *,
    now: datetime | None = None,
    reader_lang: str | None = None,
) -> list[LinkRow]:
    """Every link, or one campaign's, the newest first, expired and revoked ones too."""
    _require_staff(user)
    query = select(PreviewLink).order_by(PreviewLink.created_at.desc(), PreviewLink.id.desc())
    if campaign is not None:
        query = query.where(PreviewLink.campaign_id == campaign)
    return _rows(query, reader_lang, now or clock.now())


def get_link(
    link_id: int, user: User | None, *, now: datetime | None = None, reader_lang: str | None = None
) -> LinkRow:
    _require_staff(user)
    link = db.session.get(PreviewLink, link_id)
    if link is None:
        raise NotFound(_("There is no preview link %(id)s.", id=link_id))
    return _row(link, reader_lang, now or clock.now())


def revoke_link(
    link_id: int,
    user: User | None,
    *,
    now: datetime | None = None,
    reader_lang: str | None = None,
) -> LinkRow:
    """Revoke a link: from now on it shows nothing. Revoking it again changes nothing. The
    change is in the audit trail, by whoever revoked it."""
    _require_staff(user)
    now = now or clock.now()
    link = db.session.get(PreviewLink, link_id)
    if link is None:
        raise NotFound(_("There is no preview link %(id)s.", id=link_id))
    if link.revoked_at is None:
        link.revoked_at = now
        commit(_("the preview link"))
    return _row(link, reader_lang, now)
