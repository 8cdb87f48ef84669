"""Reports: plays and on-screen time, uptime and audience, with filters, charts and CSV."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from campaign.domain.roles import ANY
from campaign.services import clock, rejected_plays, reports, reports_page
from campaign.services.errors import NotFound, ServiceError
from campaign.web.i18n import locale_name
from campaign.web.identity import session_user
from campaign.web.page_access import page_requires

bp = Blueprint("reports", __name__)

TABLES = "any(" + ", ".join(f'"{name}"' for name in reports_page.TABLES) + ")"
FIELDS = ("campaign", "phase", "hub", "from", "to")


class ReportFilterForm(FlaskForm):
    """The report's filter: GET query arguments (no CSRF token), checked by the service."""

    class Meta:
        csrf = False

    campaign = SelectField(_l("Campaign"), validate_choice=False)
    phase = SelectField(_l("Phase"), validate_choice=False)
    hub = SelectField(_l("Hub"), validate_choice=False)
    date_from = StringField(_l("From (day at the hub)"), name="from", render_kw={"type": "date"})
    date_to = StringField(
        _l("To (day at the hub, included)"), name="to", render_kw={"type": "date"}
    )

    def set_choices(self, choices: reports_page.FilterChoices) -> None:
        self.campaign.choices = [(c.value, c.label) for c in choices.campaigns]
        self.phase.choices = [("", _l("Every phase"))] + [
            (c.value, c.label) for c in choices.phases
        ]
        self.hub.choices = [("", _l("Every hub"))] + [(c.value, c.label) for c in choices.hubs]

    def field_for(self, name: str) -> Any:
        return {"from": self.date_from, "to": self.date_to}.get(name) or self[name]


def _form(flt: Any) -> ReportFilterForm:
    if flt is None:
        return ReportFilterForm(formdata=request.args)
    data = {
        "campaign": flt.campaign,
        "phase": "" if flt.phase_id is None else str(flt.phase_id),
        "hub": flt.hub_code or "",
        "date_from": flt.date_from.isoformat(),
        "date_to": flt.date_to.isoformat(),
    }
    return ReportFilterForm(formdata=None, data=data)


def _asked() -> dict[str, str]:
    return {k: v for k in FIELDS if (v := request.args.get(k, "").strip())}


@bp.get("/reports")
@page_requires(*ANY)
def index() -> ResponseReturnValue:
    """The report for the filter: figures, charts, tables and their CSV files."""
    user, at = session_user(), clock.now()
    flt = page = problem = None
    status = 200
    try:
        flt = reports_page.read_filter(user, at, request.args)
        page = reports_page.report_page(flt, at=at, lang=locale_name())
    except ServiceError as exc:
        problem, status = exc, 400
    form = _form(None if problem is not None else flt)
    choices = reports_page.filter_choices(
        user, flt.campaign if flt else request.args.get("campaign")
    )
    form.set_choices(choices)
    if problem is not None:
        name = getattr(problem, "field", None) or ("campaign" if choices.campaigns else None)
        if name:
            form.field_for(name).errors = [problem.detail]
    body = render_template(
        "reports/index.html",
        form=form,
        page=page,
        problem=problem,
        choices=choices,
        asked=_asked(),
        tables=reports_page.TABLES,
        audience_formula=str(reports.AUDIENCE_FORMULA),
        uptime_formula=str(reports.UPTIME_FORMULA),
        reason_label=rejected_plays.reason_label,
    )
    return body, status


@bp.get(f"/reports/<{TABLES}:table>.csv")
@page_requires(*ANY)
def table_csv(table: str) -> ResponseReturnValue:
    """One table of the page as a CSV file, for the same filter."""
    user, at = session_user(), clock.now()
    try:
        flt = reports_page.read_filter(user, at, request.args)
        page = reports_page.report_page(flt, at=at, lang=locale_name())
    except NotFound as exc:
        return Response(exc.detail + "\n", 404, mimetype="text/plain")
    except ServiceError as exc:
        field = getattr(exc, "field", "")
        return Response(f"{field}: {exc.detail}\n", 400, mimetype="text/plain")
    name = reports_page.csv_filename(table, flt)
    return Response(
        reports_page.table_csv(table, page),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
