"""The phase-end report: one page and one PDF per phase, to send a funder as it is."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from campaign.services import clock, phase_report
from campaign.services.errors import Invalid, NotFound
from campaign.web.i18n import locale_name
from campaign.web.identity import session_user
from campaign.web.page_access import page_requires

bp = Blueprint("phase_reports", __name__)

# Each language by its own name, as the shell's language switch writes them.
ENDONYMS = {"es": "Español", "en": "English"}


def _report(phase_id: int) -> phase_report.PhaseReport:
    """The report in the language asked for (`?lang=es|en`), else the reader's; 404 for a
    phase the reader may not see, 400 for a language there is no report in."""
    try:
        lang = phase_report.check_lang(request.args.get("lang"), locale_name())
        return phase_report.phase_report(phase_id, session_user(), lang=lang, at=clock.now())
    except NotFound as exc:
        abort(404, description=exc.detail)
    except Invalid as exc:
        abort(400, description=exc.detail)


@bp.get("/reports/phases/<int:phase_id>")
@page_requires()
def show(phase_id: int) -> ResponseReturnValue:
    report = _report(phase_id)
    body = phase_report.phase_report_html(report, template="reports/_phase_body.html")
    return render_template(
        "reports/phase.html",
        report=report,
        body=Markup(body),  # rendered by our own template, which escapes what it shows
        languages=[(code, ENDONYMS.get(code, code)) for code in phase_report.LANGUAGES],
    )


@bp.get("/reports/phases/<int:phase_id>.pdf")
@page_requires()
def pdf(phase_id: int) -> ResponseReturnValue:
    report = _report(phase_id)
    return Response(
        phase_report.phase_report_pdf(report),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{phase_report.pdf_name(report)}"',
            "Cache-Control": "private, no-store",
        },
    )
