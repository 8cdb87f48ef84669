"""What a report covers: one campaign, optionally one phase and one hub, and a range of days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign, Phase, phase_hubs
from campaign.persistence.network import Hub
from campaign.services.campaigns import visible_campaigns
from campaign.services.errors import Invalid, NotFound

DEFAULT_DAYS = 30  # with no phase and no dates: the last 30 days, today included
# The days a report may name: anything else is a typing slip (and 0001 or 9999 would overflow).
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
MAX_ID = 2**31 - 1  # the largest id a column holds on every database


@dataclass(frozen=True)
class ReportFilter:
    """A checked filter: the campaign exists and is visible, the phase is the campaign's, the
    hub is one of its phases' hubs, and the days (hub-local, both ends included) are in order."""

    campaign_id: int
    campaign: str  # the campaign's slug, as play records and roll-ups carry it
    phase_id: int | None
    hub_code: str | None
    date_from: date
    date_to: date

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def query_args(self) -> dict[str, str]:
        """The filter as the query string of the report pages (for links and CSV downloads)."""
        args = {"campaign": self.campaign, "from": self.date_from.isoformat()}
        args["to"] = self.date_to.isoformat()
        if self.phase_id is not None:
            args["phase"] = str(self.phase_id)
        if self.hub_code:
            args["hub"] = self.hub_code
        return args


def _refused(field: str, detail: str) -> Invalid:
    exc = Invalid(detail)
    exc.field = field  # type: ignore[attr-defined]
    return exc


def _day(value: str | date | None, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise _refused(field, _("Write the date as YYYY-MM-DD, e.g. 2026-12-24.")) from None
    if not EARLIEST <= day <= LATEST:
        raise _refused(
            field,
            _(
                "Choose a day between %(first)s and %(last)s.",
                first=EARLIEST.isoformat(),
                last=LATEST.isoformat(),
            ),
        )
    return day


def _campaign(slug: str | None, user: User | None) -> Campaign:
    query = select(Campaign) if user is None else visible_campaigns(user)
    if slug:
        found = db.session.scalar(query.where(Campaign.slug == slug))
        if found is None:
            raise NotFound(_("There is no campaign %(slug)s, or you may not see it.", slug=slug))
        return found
    first = db.session.scalar(query.order_by(Campaign.id))
    if first is None:
        raise NotFound(_("No campaign is loaded yet."))
    return first


def parse_filter(
    *,
    user: User | None,
    today: date,
    campaign: str | None = None,
    phase: str | int | None = None,
    hub: str | None = None,
    date_from: str | date | None = None,
    date_to: str | date | None = None,
) -> ReportFilter:
    """Check a report's filter as a person typed it (user None: an operator at the command line).

    With a phase and no dates, the phase's own dates; with neither, the last DEFAULT_DAYS days.
    Invalid names the field at fault ("phase", "hub", "from", "to"); NotFound the campaign.
    """
    chosen = _campaign(campaign, user)
    phase_row: Phase | None = None
    if phase not in (None, ""):
        try:
            number = int(phase)  # type: ignore[arg-type]
        except ValueError:
            raise _refused("phase", _("Choose one of the campaign's phases.")) from None
        phase_row = db.session.get(Phase, number) if 0 < number <= MAX_ID else None
        if phase_row is None or phase_row.campaign_id != chosen.id:
            raise _refused("phase", _("Choose one of the campaign's phases."))
    hub_code = (hub or "").strip().upper() or None
    if hub_code is not None:
        hubs = (
            select(Hub.code)
            .join(phase_hubs, phase_hubs.c.hub_id == Hub.id)
            .join(Phase, Phase.id == phase_hubs.c.phase_id)
        )
        hubs = hubs.where(Phase.campaign_id == chosen.id)
        if phase_row is not None:
            hubs = hubs.where(Phase.id == phase_row.id)
        if hub_code not in set(db.session.scalars(hubs)):
            raise _refused("hub", _("Choose a hub where the campaign (or the phase) runs."))
    start, end = _day(date_from, "from"), _day(date_to, "to")
    if start is None:
        start = phase_row.starts_on if phase_row is not None else None
    if end is None:
        end = phase_row.ends_on if phase_row is not None else None
    end = end or today
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise _refused("to", _("The last day comes before the first day: swap them."))
    longest = int(current_app.config["REPORT_MAX_DAYS"])
    if (end - start).days + 1 > longest:
        raise _refused(
            "to",
            _("A report covers at most %(days)d days; choose a shorter range.", days=longest),
        )
    return ReportFilter(
        campaign_id=chosen.id,
        campaign=chosen.slug,
        phase_id=phase_row.id if phase_row is not None else None,
        hub_code=hub_code,
        date_from=start,
        date_to=end,
    )
