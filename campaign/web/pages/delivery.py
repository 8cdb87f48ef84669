"""Planned plays against actual plays, per booking, with the shortfall; and its CSV."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from campaign.services import clock, delivery_report
from campaign.services.spreadsheet_csv import MEDIA_TYPE
from campaign.web.i18n import locale_name
from campaign.web.identity import session_user
from campaign.web.page_access import page_requires

bp = Blueprint("delivery", __name__)

ASKED = ("campaign", "phase", "hub", "from", "to")


class DeliveryFilterForm(FlaskForm):
    """The same filters as the reports page: GET query arguments, so no CSRF token."""

    class Meta:
        csrf = False

    campaign = SelectField(_l("Campaign"), validate_choice=False)
    phase = SelectField(_l("Phase"), validate_choice=False)
    hub = SelectField(_l("Hub"), validate_choice=False)
    date_from = StringField(_l("From (day at the hub)"), name="from")
    date_to = StringField(_l("To (day at the hub, included)"), name="to")

    def set_choices(self, choices: delivery_report.FilterChoices) -> None:
        self.campaign.choices = list(choices.campaigns)
        self.phase.choices = [("", _("Every phase"))] + [(str(i), n) for i, n in choices.phases]
        self.hub.choices = [("", _("Every hub"))] + [
            (code, f"{name} ({code})") for code, name in choices.hubs
        ]

    def field_named(self, name: str) -> Any:
        return {"from": self.date_from, "to": self.date_to}.get(name) or self[name]


def _asked() -> dict[str, str]:
    return {k: v for k in ASKED if (v := request.args.get(k, "").strip())}


def _page() -> tuple[DeliveryFilterForm, delivery_report.DeliveryPage]:
    asked = _asked()
    page = delivery_report.delivery_page(
        session_user(),
        at=clock.now(),
        lang=locale_name(),
        campaign=asked.get("campaign"),
        phase=asked.get("phase"),
        hub=asked.get("hub"),
        date_from=asked.get("from"),
        date_to=asked.get("to"),
    )
    form = DeliveryFilterForm(formdata=request.args)
    form.set_choices(page.choices)
    if page.report is not None:  # show the filter as it was understood
        f = page.report.filter
        form.campaign.data = f.campaign
        form.phase.data = str(f.phase_id) if f.phase_id is not None else ""
        form.hub.data = f.hub_code or ""
        form.date_from.data, form.date_to.data = f.date_from.isoformat(), f.date_to.isoformat()
    elif page.error_field:
        form.field_named(page.error_field).errors = [page.error]
    return form, page


@bp.get("/reports/delivery")
@page_requires()
def index() -> ResponseReturnValue:
    form, page = _page()
    body = render_template("reports/delivery.html", form=form, page=page, asked=_asked())
    return body, 200 if page.report is not None else 400


@bp.get("/reports/delivery.csv")
@page_requires()
def export() -> ResponseReturnValue:
    """The table as a CSV file, for a spreadsheet."""
    form, page = _page()
    if page.report is None:
        body = render_template("reports/delivery.html", form=form, page=page, asked=_asked())
        return body, 400
    name = delivery_report.csv_name(page.report)
    return Response(
        delivery_report.delivery_csv(page.report),
        mimetype=MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
