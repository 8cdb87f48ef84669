"""The phase-end report: everything a funder is sent about one phase, in Spanish or English.

What ran, where and how often come from the reports service (`campaign.services.reports`: its
plays, uptime and audience figures, never counted a second way here); planned against actual
from `delivery_report`. A phase not over yet is reported so far: up to today at its first hub.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from flask import render_template
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from campaign.config import PROJECT_ROOT
from campaign.domain.model import PartnerRole
from campaign.domain.roles import STAFF
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign, Phase
from campaign.services import phase_facts, reports
from campaign.services.campaigns import get_in_visible_campaign
from campaign.services.delivery_report import DeliveryReport, delivery_report, jsonable
from campaign.services.errors import Invalid, NotFound
from campaign.services.pdf import render_pdf
from campaign.services.report_filters import parse_filter

LANGUAGES = ("es", "en")


@dataclass(frozen=True)
class FundingLine:
    """One funding decision, as recorded."""

    status: str
    amount: Decimal | None
    currency: str
    decided_by: str
    decided_at: datetime
    note: str


@dataclass(frozen=True)
class Funding:
    """What is recorded of who pays for the phase."""

    source: str  # the phase's funding source, as written ("" when none is recorded)
    partners: tuple[str, ...]  # the campaign's partner organisations in the funder role
    status: str  # pending, confirmed or declined
    budget: Decimal | None
    currency: str
    decisions: tuple[FundingLine, ...]  # oldest first

    @property
    def funder(self) -> str:
        """The funder's name for the headers: the phase's funding source, else the campaign's
        funders ("" when neither is recorded)."""
        return self.source or ", ".join(self.partners)


@dataclass(frozen=True)
class ZoneInfoRow:
    code: str
    name: str
    screens: int


@dataclass(frozen=True)
class HubInfo:
    code: str
    name: str
    timezone: str
    zones: tuple[ZoneInfoRow, ...]

    @property
    def screens(self) -> int:
        return sum(zone.screens for zone in self.zones)


@dataclass(frozen=True)
class PhaseReport:
    lang: str
    generated_at: datetime
    timezone: str  # the phase's first hub's: dates and times are read there
    campaign_slug: str
    campaign_name: str
    campaign_slogan: str
    phase_id: int
    phase_number: int
    phase_name: str
    starts_on: date
    ends_on: date
    status: str  # the phase's state at its first hub now: planned, active, completed, cancelled
    funding: Funding
    hubs: tuple[HubInfo, ...]
    period_from: date  # the days covered: the phase's, up to today while it runs
    period_to: date
    started: bool  # False: the phase has not begun, nothing has run yet
    over: bool  # False: "so far, up to period_to"
    plays: reports.PlayReport
    delivery: DeliveryReport
    uptime: reports.UptimeReport
    audience: tuple[reports.AudienceEstimate, ...]
    audience_formula: str
    uptime_formula: str
    day_chart: str  # an inline SVG of plays per day (the reports service's chart)

    @property
    def screens(self) -> int:
        return sum(hub.screens for hub in self.hubs)

    @property
    def zones(self) -> int:
        return sum(len(hub.zones) for hub in self.hubs)

    @property
    def funder(self) -> str:
        return self.funding.funder

    def as_json(self) -> dict[str, Any]:
        """The report as plain JSON (the API's answer; the chart is left out)."""
        found = jsonable(self)
        found.pop("day_chart", None)
        return found  # type: ignore[no-any-return]


def check_lang(lang: str | None, default: str) -> str:
    """The report's language: "es" or "en" (None or "": `default`)."""
    lang = (lang or default or "es").strip().lower()
    if lang not in LANGUAGES:
        exc = Invalid(_("Choose the report's language: es (Spanish) or en (English)."))
        exc.field = "lang"  # type: ignore[attr-defined]
        raise exc
    return lang


def _funding(row: Phase, campaign: Campaign, user: User | None) -> Funding:
    """The phase's funding as a funder may read it. The decisions (who decided, amounts on the
    way) are the team's record, shown to staff only, as the funding API is; their notes are
    internal and never go into a report meant to be sent as it is."""
    staff = user is None or user.role in STAFF
    return Funding(
        source=(row.funding_source or "").strip(),
        partners=tuple(p.name for p in campaign.partners if p.role == PartnerRole.FUNDER),
        status=row.funding_status,
        budget=row.budget,
        currency=row.currency,
        decisions=tuple(
            FundingLine(
                status=d.status,
                amount=d.amount,
                currency=d.currency,
                decided_by=d.decided_by_label,
                decided_at=d.decided_at,
                note="",
            )
            for d in sorted(row.funding_decisions, key=lambda d: (d.decided_at, d.id or 0))
            if staff
        ),
    )


def _hubs(row: Phase) -> tuple[HubInfo, ...]:
    return tuple(
        HubInfo(
            code=hub.code,
            name=hub.name,
            timezone=hub.timezone,
            zones=tuple(
                ZoneInfoRow(zone.code, zone.name, len(zone.screens))
                for zone in sorted(hub.zones, key=lambda z: z.code)
            ),
        )
        for hub in row.hubs
    )


def phase_report(phase_id: int, user: User | None, *, lang: str, at: datetime) -> PhaseReport:
    """The phase-end report of phase `phase_id` in `lang` ("es" or "en") as of `at`; user None:
    an operator at the command line. A phase the user may not see is NotFound."""
    lang = check_lang(lang, "es")
    if user is None:
        row = db.session.get(Phase, phase_id)
        if row is None:
            raise NotFound(_("There is no phase %(id)s.", id=phase_id))
    else:
        try:
            row = get_in_visible_campaign(Phase, phase_id, user, "phase")
        except NotFound:
            raise NotFound(
                _("There is no phase %(id)s, or you may not see it.", id=phase_id)
            ) from None
    campaign = row.campaign
    timezone = phase_facts.timezone_of(row)
    today = at.astimezone(ZoneInfo(timezone)).date()
    started, over = today >= row.starts_on, today > row.ends_on
    period_to = min(row.ends_on, max(today, row.starts_on))
    with force_locale(lang):
        report = parse_filter(
            user=user,
            today=today,
            campaign=campaign.slug,
            phase=row.id,
            date_from=row.starts_on,
            date_to=period_to,
        )
        plays = reports.play_report(report, at=at, lang=lang)
        return PhaseReport(
            lang=lang,
            generated_at=at,
            timezone=timezone,
            campaign_slug=campaign.slug,
            campaign_name=_in(campaign.names, lang, campaign.slug),
            campaign_slogan=_in(campaign.slogans or {}, lang, ""),
            phase_id=row.id,
            phase_number=row.number,
            phase_name=row.name,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            status=phase_facts.status(row, at),
            funding=_funding(row, campaign, user),
            hubs=_hubs(row),
            period_from=row.starts_on,
            period_to=period_to,
            started=started,
            over=over,
            plays=plays,
            delivery=delivery_report(report, at=at, lang=lang),
            uptime=reports.uptime_report(report, at=at),
            audience=reports.audience_estimates(report, at=at, report=plays),
            audience_formula=str(reports.AUDIENCE_FORMULA),
            uptime_formula=str(reports.UPTIME_FORMULA),
            day_chart=reports.chart_by_day(plays, lang),
        )


def _in(texts: dict[str, str], lang: str, default: str) -> str:
    return texts.get(lang) or next((t for t in texts.values() if t), default)


def money(amount: Decimal | None, currency: str) -> str:
    """A sum of money the way the report's language writes it ("45.000,00 US$", "$45,000.00")."""
    return "" if amount is None else format_currency(amount, currency, locale=str(get_locale()))


def template_words() -> dict[str, Any]:
    """What the report's templates use besides the report: the same on the page and in the PDF."""
    return {"money": money}


def phase_report_html(report: PhaseReport, *, template: str = "reports/phase_pdf.html") -> str:
    """The report rendered in its own language: the standalone PDF document by default, or
    `reports/_phase_body.html`, the body the page shows inside the shell."""
    with force_locale(report.lang):
        return render_template(template, report=report, **template_words())


def phase_report_pdf(report: PhaseReport) -> bytes:
    """The report as an A4 PDF, from the same body as the page (WeasyPrint, offline)."""
    return render_pdf(phase_report_html(report), base_url=PROJECT_ROOT.as_uri() + "/")


def pdf_name(report: PhaseReport) -> str:
    return f"{report.campaign_slug}-phase-{report.phase_number}-{report.lang}.pdf"


def summary_lines(report: PhaseReport) -> list[str]:
    """The report's main figures as lines of text, in its language (for the command line)."""
    with force_locale(report.lang):
        locale = str(get_locale())

        def day(value: date) -> str:
            return format_date(value, format="medium", locale=locale)

        def n(value: float) -> str:
            return format_decimal(value, locale=locale)

        total = report.delivery.total
        period = _(
            "%(first)s to %(last)s, both days included",
            first=day(report.period_from),
            last=day(report.period_to),
        )
        if not report.over:
            period += " · " + _("So far, up to %(day)s", day=day(report.period_to))
        funded, plays, planned = _("Funded by"), _("Number of plays"), _("Planned against actual")
        title = _("Phase %(number)s report", number=report.phase_number)
        funder = f"{funded} {report.funder}"
        if not report.funder:
            funder = _("No funder is recorded for this phase.")
        delivered = "" if total.delivered_pct is None else f" ({n(total.delivered_pct)} %)"
        lines = [
            report.campaign_name,
            f"{title} · {report.phase_name}",
            funder,
            period,
            f"{plays}: {n(report.plays.total.plays)}",
            f"{planned}: {n(total.planned)} / {n(total.actual)}{delivered}",
        ]
        for row in report.delivery.bookings:
            short = f" (-{n(row.shortfall)})" if row.shortfall else ""
            lines.append(f"  {row.booking_key}: {n(row.planned)} / {n(row.actual)}{short}")
        if report.uptime.share is not None:
            uptime = _("Uptime")
            lines.append(f"{uptime}: {n(round(100 * report.uptime.share, 1))} %")
        return lines
