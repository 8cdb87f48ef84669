"""API: planned plays against actual plays per booking, and the phase-end report."""

from __future__ import annotations

from typing import Any

from flask import Response

from campaign.domain.roles import ANY
from campaign.services import delivery_report, phase_report
from campaign.web.api.common import blueprint, now
from campaign.web.api.schemas.delivery import (
    DeliveryArgs,
    DeliveryReportSchema,
    PhaseReportArgs,
    PhaseReportSchema,
)
from campaign.web.api_access import requires
from campaign.web.i18n import locale_name
from campaign.web.identity import current_user_required

blp = blueprint("delivery-reports", "Planned against actual, and phase-end reports")


def _lang(args: dict[str, Any]) -> str:
    return phase_report.check_lang(args.get("lang"), locale_name())


@blp.route("/reports/delivery", methods=["GET"])
@requires(*ANY)
@blp.arguments(DeliveryArgs, location="query")
@blp.response(200, DeliveryReportSchema)
def delivery(args: dict[str, Any]) -> Any:
    """Planned against actual plays per booking, with the shortfall and the fallback apart.
    Planned walks the schedule screen by screen (a loop restarts when the playlist changes)
    up to now; actual is the plays accepted with their booking. Partners see their campaigns."""
    report = delivery_report.report_for(
        current_user_required(),
        at=now(),
        lang=_lang(args),
        campaign=args.get("campaign"),
        phase=args.get("phase"),
        hub=args.get("hub"),
        date_from=args.get("from"),
        date_to=args.get("to"),
    )
    return delivery_report.jsonable(report)


@blp.route("/phases/<int:phase_id>/report", methods=["GET"])
@requires(*ANY)
@blp.arguments(PhaseReportArgs, location="query")
@blp.response(200, PhaseReportSchema)
def phase(args: dict[str, Any], phase_id: int) -> Any:
    """The phase-end report as JSON: what ran, where, how often, planned against actual,
    uptime, the audience estimate and the funder's name, in es or en."""
    report = phase_report.phase_report(
        phase_id, current_user_required(), lang=_lang(args), at=now()
    )
    return report.as_json()


@blp.route("/phases/<int:phase_id>/report.pdf", methods=["GET"])
@requires(*ANY)
@blp.arguments(PhaseReportArgs, location="query")
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
def phase_pdf(args: dict[str, Any], phase_id: int) -> Response:
    """The phase-end report as an A4 PDF, made from the same template as its page."""
    report = phase_report.phase_report(
        phase_id, current_user_required(), lang=_lang(args), at=now()
    )
    return Response(
        phase_report.phase_report_pdf(report),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{phase_report.pdf_name(report)}"',
            "Cache-Control": "private, no-store",
        },
    )
