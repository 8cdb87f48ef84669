"""API: reports of plays, on-screen time, uptime and audience."""

from __future__ import annotations

from typing import Any

from flask import Response

from campaign.domain.roles import ANY
from campaign.services import reports, reports_page
from campaign.services.errors import Invalid
from campaign.services.report_filters import ReportFilter
from campaign.web.api.common import blueprint, now
from campaign.web.api.schemas.play_reports import (
    AudienceReportSchema,
    PlayReportArgs,
    PlayReportFilterArgs,
    PlayReportSchema,
    UptimeReportSchema,
)
from campaign.web.api_access import requires
from campaign.web.errors import error_response
from campaign.web.identity import current_user_required

blp = blueprint("play-reports", "Reports built from proof of play and the nightly roll-up.")
QUERY_NAMES = {"date_from": "from", "date_to": "to"}


@blp.errorhandler(Invalid)
def refused(exc: Invalid) -> Response:
    """A refused filter names the query argument at fault, as a refused schema field is."""
    field = getattr(exc, "field", None)
    if field is None:
        return error_response(exc.status, exc.code, exc.detail)
    return error_response(
        exc.status, exc.code, f"{field}: {exc.detail}", {"query": {field: [exc.detail]}}
    )


def _filter(args: dict[str, Any]) -> ReportFilter:
    asked = {QUERY_NAMES.get(k, k): v for k, v in args.items()}
    asked["phase"] = args.get("phase")
    return reports_page.read_filter(current_user_required(), now(), asked)


def _filter_doc(flt: ReportFilter) -> dict[str, Any]:
    first, last = reports.covered_days(flt)
    return {
        "campaign": flt.campaign,
        "phase": flt.phase_id,
        "hub": flt.hub_code,
        "date_from": first,
        "date_to": last,
    }


@blp.route("/reports/plays", methods=["GET"])
@requires(*ANY)
@blp.arguments(PlayReportArgs, location="query")
@blp.response(200, PlayReportSchema)
def plays(args: dict[str, Any]) -> Any:
    """Plays and on-screen seconds of one campaign, by message, language, hub, zone, screen or
    day (`by`). Days are each hub's local days, both ends included; with a phase, only its hubs
    and days. Days the nightly roll-up has counted come from it, later ones from the plays
    received so far; rejected plays never count. A partner sees only campaigns shared with
    them. A bad filter answers 422 naming the argument (e.g. `to` before `from`)."""
    flt = _filter(args)
    report = reports.play_report(flt, at=now())
    return {
        "filter": _filter_doc(flt),
        "by": args["by"],
        "total": report.total,
        "rows": report.by(args["by"]),
        "rolled_up_plays": report.rolled_up_plays,
        "recent_plays": report.recent_plays,
    }


@blp.route("/reports/uptime", methods=["GET"])
@requires(*ANY)
@blp.arguments(PlayReportFilterArgs, location="query")
@blp.response(200, UptimeReportSchema)
def uptime(args: dict[str, Any]) -> Any:
    """Screen uptime from the heartbeats, per hub and per screen, over the hours of the days
    that have ended: each hour counts min(1, heartbeats / 60) (a player sends one a minute)."""
    flt = _filter(args)
    found = reports.uptime_report(flt, at=now())
    return {
        "filter": _filter_doc(flt),
        "formula": str(reports.UPTIME_FORMULA),
        "share": found.share,
        "hours": found.hours,
        "up_hours": found.up_hours,
        "hubs": [
            {
                "hub": h.hub_code,
                "name": h.hub_name,
                "screens": h.screens,
                "hours": h.hours,
                "up_hours": h.up_hours,
                "share": h.share,
            }
            for h in found.hubs
        ],
        "screens": [
            {
                "screen": s.screen_code,
                "hub": s.hub_code,
                "zone": s.zone_code,
                "hours": s.hours,
                "up_hours": s.up_hours,
                "share": s.share,
                "last_heartbeat_at": s.last_heartbeat_at,
            }
            for s in found.screens
        ],
    }


@blp.route("/reports/audience", methods=["GET"])
@requires(*ANY)
@blp.arguments(PlayReportFilterArgs, location="query")
@blp.response(200, AudienceReportSchema)
def audience(args: dict[str, Any]) -> Any:
    """The audience estimate per hub: yearly passengers / 365 x the days the hub's screens
    played the campaign in the range. An estimate, not a count; null where the hub has no
    passenger figure."""
    flt = _filter(args)
    return {
        "filter": _filter_doc(flt),
        "formula": str(reports.AUDIENCE_FORMULA),
        "hubs": [
            {
                "hub": a.hub_code,
                "name": a.hub_name,
                "yearly_passengers": a.yearly_passengers,
                "days_with_plays": a.days_with_plays,
                "estimate": a.estimate,
            }
            for a in reports.audience_estimates(flt, at=now())
        ],
    }
