"""The reports page: its filter's choices, every figure and chart at once, each table as CSV."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign, Phase
from campaign.persistence.network import Hub
from campaign.services import report_queries as q
from campaign.services import reports
from campaign.services.campaigns import visible_campaigns
from campaign.services.errors import NotFound
from campaign.services.report_filters import ReportFilter, parse_filter
from campaign.services.spreadsheet_csv import csv_bytes

HOME_TIMEZONE = "America/Lima"  # where "today" is read for the filter's defaults
TABLES = (
    "messages",
    "languages",
    "hubs",
    "zones",
    "screens",
    "days",
    "uptime",
    "uptime-hubs",
    "audience",
    "rejected",
)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class FilterChoices:
    campaigns: tuple[Choice, ...]  # the campaigns the reader may see, by slug
    phases: tuple[Choice, ...]  # the chosen campaign's phases, by number (value: the phase id)
    hubs: tuple[Choice, ...]  # the hubs of its phases, by code


@dataclass(frozen=True)
class ReportPage:
    filter: ReportFilter
    plays: reports.PlayReport
    uptime: reports.UptimeReport
    audience: tuple[reports.AudienceEstimate, ...]
    rejected: tuple[reports.RejectedCount, ...]
    timezones: dict[str, str]  # hub code -> its timezone, for times shown at the hub
    charts: dict[str, str]  # "days", "hubs", "messages" -> an SVG document


def home_today(at: datetime) -> date:
    return at.astimezone(ZoneInfo(HOME_TIMEZONE)).date()


def read_filter(user: User | None, at: datetime, args: dict[str, Any]) -> ReportFilter:
    """The filter as typed (campaign, phase, hub, from, to), checked (see parse_filter)."""
    return parse_filter(
        user=user,
        today=home_today(at),
        campaign=args.get("campaign") or None,
        phase=args.get("phase") or None,
        hub=args.get("hub") or None,
        date_from=args.get("from") or None,
        date_to=args.get("to") or None,
    )


def filter_choices(user: User | None, campaign: str | None) -> FilterChoices:
    """What the filter form offers the reader: their campaigns, and the chosen one's (else the
    first one's) phases and hubs."""
    query = select(Campaign) if user is None else visible_campaigns(user)
    rows = list(db.session.scalars(query.order_by(Campaign.slug)))
    chosen = next((c for c in rows if c.slug == campaign), rows[0] if rows else None)
    campaigns = tuple(Choice(c.slug, _campaign_name(c)) for c in rows)
    if chosen is None:
        return FilterChoices(campaigns, (), ())
    phases = db.session.scalars(
        select(Phase).where(Phase.campaign_id == chosen.id).order_by(Phase.number)
    )
    phase_choices = tuple(Choice(str(p.id), p.name) for p in phases)
    hubs = q.scope_hubs(chosen.id, None, None)
    return FilterChoices(
        campaigns, phase_choices, tuple(Choice(h.code, f"{h.name} ({h.code})") for h in hubs)
    )


def _campaign_name(row: Campaign) -> str:
    names = row.names or {}
    return names.get(reports.reader_lang()) or next(iter(names.values()), row.slug)


def report_page(flt: ReportFilter, *, at: datetime, lang: str | None = None) -> ReportPage:
    """Every figure of the page for one filter."""
    lang = lang or reports.reader_lang()
    plays = reports.play_report(flt, at=at, lang=lang)
    codes = list(plays.hub_codes)
    timezones = dict(
        db.session.execute(select(Hub.code, Hub.timezone).where(Hub.code.in_(codes))).all()
    )
    return ReportPage(
        filter=flt,
        plays=plays,
        uptime=reports.uptime_report(flt, at=at),
        audience=reports.audience_estimates(flt, at=at, report=plays),
        rejected=reports.rejected_plays(flt, at=at),
        timezones=timezones,
        charts={
            "days": reports.chart_by_day(plays, lang),
            "hubs": reports.chart_by_hub(plays, lang),
            "messages": reports.chart_by_message(plays, lang),
        }
        if plays.total.plays
        else {},
    )


# --- the tables as CSV ----------------------------------------------------------------------


def _hours(seconds: float) -> float:
    return round(seconds / 3600, 2)


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _figure_rows(
    figures: Sequence[reports.Figure], key: str, label: str
) -> tuple[list[str], list[list[object]]]:
    header = [key, label, _("Number of plays"), _("Seconds on screen"), _("Hours on screen")]
    rows = [[f.key, f.label, f.plays, round(f.seconds, 1), _hours(f.seconds)] for f in figures]
    return header, rows


def _uptime_row(s: reports.ScreenUptime) -> list[object]:
    up = round(s.up_hours, 2)
    return [
        s.hub_code,
        s.zone_code,
        s.screen_code,
        s.hours,
        up,
        _percent(s.share),
        s.last_heartbeat_at,
    ]


def table(name: str, page: ReportPage) -> tuple[list[str], list[list[object]]]:
    """One table of the page: its header row (in the reader's language) and its rows."""
    plays = page.plays
    by_figures: dict[str, Callable[[], tuple[list[str], list[list[object]]]]] = {
        "messages": lambda: _figure_rows(plays.by_message, _("Message key"), _("Message")),
        "languages": lambda: _figure_rows(plays.by_lang, _("Language code"), _("Language")),
        "hubs": lambda: _figure_rows(plays.by_hub, _("Hub code"), _("Hub")),
        "zones": lambda: _figure_rows(plays.by_zone, _("Hub/zone"), _("Zone")),
        "screens": lambda: _figure_rows(plays.by_screen, _("Screen code"), _("Screen")),
    }
    if name in by_figures:
        return by_figures[name]()
    if name == "days":
        header = [
            _("Day (at the hub)"),
            _("Number of plays"),
            _("Seconds on screen"),
            _("Hours on screen"),
        ]
        days = plays.by_day
        return header, [[f.key, f.plays, round(f.seconds, 1), _hours(f.seconds)] for f in days]
    if name == "uptime":
        header = [_("Hub"), _("Zone"), _("Screen"), _("Hours counted"), _("Hours up")]
        header += [_("Uptime (%)"), _("Last heartbeat (UTC)")]
        return header, [_uptime_row(s) for s in page.uptime.screens]
    if name == "uptime-hubs":
        header = [_("Hub code"), _("Hub"), _("Screens"), _("Screen-hours counted")]
        header += [_("Hours up"), _("Uptime (%)")]
        return header, [
            [h.hub_code, h.hub_name, h.screens, h.hours, round(h.up_hours, 2), _percent(h.share)]
            for h in page.uptime.hubs
        ]
    if name == "audience":
        header = [_("Hub code"), _("Hub"), _("Passengers a year"), _("Days with plays")]
        header.append(_("Audience estimate (%(formula)s)", formula=reports.AUDIENCE_FORMULA))
        return header, [
            [a.hub_code, a.hub_name, a.yearly_passengers, a.days_with_plays, a.estimate]
            for a in page.audience
        ]
    if name == "rejected":
        header = [_("Hub"), _("Screen"), _("Reason"), _("Plays rejected (not counted)")]
        header.append(_("Last received (UTC)"))
        return header, [
            [r.hub_code, r.screen_code, r.reason, r.plays, r.last_received_at]
            for r in page.rejected
        ]
    raise NotFound(_("There is no report table %(name)s.", name=name))


def table_csv(name: str, page: ReportPage) -> bytes:
    """The table as a CSV file for spreadsheet programs (see spreadsheet_csv)."""
    header, rows = table(name, page)
    return csv_bytes(header, rows)


def csv_filename(name: str, flt: ReportFilter) -> str:
    place = f"-{flt.hub_code}" if flt.hub_code else ""
    return f"report-{name}{place}-{flt.date_from:%Y%m%d}-{flt.date_to:%Y%m%d}.csv"
