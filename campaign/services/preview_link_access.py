"""Opening a preview link: checked against the database on every request, whatever it says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from itsdangerous import BadSignature
from sqlalchemy import or_, select, update

from campaign.extensions import db
from campaign.persistence.campaigns import Campaign
from campaign.persistence.previews import PreviewLink
from campaign.services.errors import Forbidden, NotFound, ServiceError
from campaign.services.preview_links import (
    MAX_TOKEN,
    campaign_hub_ids,
    partner_on_campaign,
    serializer,
    status_at,
)

# Opening a link stamps it at most this often: one page loads many pictures.
STAMP_EVERY = timedelta(minutes=1)


class LinkGone(ServiceError):
    """The link was real but is over: `reason` is "expired" or "revoked"."""

    status = 410
    code = "gone"

    def __init__(self, detail: str, reason: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True)
class PreviewAccess:
    """What an opened link may see, as checked against the database on this request."""

    link_id: int
    campaign_id: int
    partner_id: int
    scope: str
    phase_id: int | None
    hub_id: int | None
    message_id: int | None
    approver_id: int | None
    label: str
    expires_at: datetime


def _missing() -> NotFound:
    # One answer for a made-up, tampered or deleted link: the URL tells nobody whether it was.
    return NotFound(_("There is nothing at this address."))


def open_link(token: str, now: datetime) -> PreviewAccess:
    """What the link in a URL may see at `now`, asked of the database every time, whatever
    the signature says: a bad signature or an unknown link is NotFound (404), a revoked or
    expired one LinkGone (410), a link whose partner is no longer on the campaign Forbidden
    (403). Stamps the link as opened (at most once a minute, without an audit event)."""
    if not token or len(token) > MAX_TOKEN:
        raise _missing()
    try:
        nonce = serializer().loads(token)
    except BadSignature as exc:
        raise _missing() from exc
    if not isinstance(nonce, str) or not nonce:
        raise _missing()
    link = db.session.scalar(select(PreviewLink).filter_by(nonce=nonce))
    if link is None:
        raise _missing()
    status = status_at(link, now)
    if status == "revoked":
        raise LinkGone(_("This preview link was revoked."), "revoked")
    if status == "expired":
        raise LinkGone(_("This preview link has expired."), "expired")
    if db.session.get(Campaign, link.campaign_id) is None or not partner_on_campaign(
        link.campaign_id, link.partner_id
    ):
        raise Forbidden(_("This preview link no longer gives access to anything."))
    if link.scope == "hub" and link.hub_id not in campaign_hub_ids(link.campaign_id):
        raise Forbidden(_("This preview link no longer gives access to anything."))
    access = PreviewAccess(
        link_id=link.id,
        campaign_id=link.campaign_id,
        partner_id=link.partner_id,
        scope=link.scope,
        phase_id=link.phase_id,
        hub_id=link.hub_id,
        message_id=link.message_id,
        approver_id=link.approver_id,
        label=link.label,
        expires_at=link.expires_at,
    )
    _stamp(link.id, now)
    return access


def _stamp(link_id: int, now: datetime) -> None:
    # A Core update: no audit event for a view, no content generation bump, one row written.
    result = db.session.execute(
        update(PreviewLink)
        .where(
            PreviewLink.id == link_id,
            or_(
                PreviewLink.last_opened_at.is_(None),
                PreviewLink.last_opened_at <= now - STAMP_EVERY,
            ),
        )
        .values(last_opened_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:  # type: ignore[attr-defined]
        db.session.commit()
