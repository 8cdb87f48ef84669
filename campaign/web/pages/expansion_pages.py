"""The Screens area's expansion pages: every hub at a glance (and its CSV), opening a hub."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Field, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError as Refused

from campaign.domain.roles import ANY, STAFF
from campaign.services import clock, expansion
from campaign.services.errors import ServiceError
from campaign.services.hub_overview import NO_PHASE, hub_overview, hub_overview_csv
from campaign.web.identity import session_user
from campaign.web.page_access import page_requires
from campaign.web.pages.network_forms import HubForm
from campaign.web.pages.vocabulary import status_label

# Registered inside the "network" blueprint: its endpoints are network.expansion.overview,
# .overview_csv and .open, so the navigation marks Screens while they are open.
bp = Blueprint("expansion", __name__, url_prefix="/hubs")

HOME_TIMEZONE = "America/Lima"  # where the file name's date and the phases' status are read
DEFAULT_SOURCE = "LIM"
# Each request field the service may refuse, and the form field it is shown next to.
FIELDS = {"campaign": "phase", "source_phase": "phase"}
FATES = {
    expansion.BY_VENUE: _l(
        "Not copied: it reaches every zone of its venue type, the new ones too."
    ),
    expansion.BY_PHASE: _l(
        "Not copied: it is booked on the phase the hub joins, so it reaches the hub already."
    ),
    expansion.OUTSIDE: _l("Not copied: moved to the phase, it would fall after its last day."),
    expansion.NO_SCREEN: _l("Not copied: it is booked on one screen, and no screens are created."),
}


class OpenHubForm(HubForm):
    """A new hub (as the hub form has it), the hub whose kit it copies, the phase it joins."""

    source_hub = SelectField(_l("Copy the kit of"), validate_choice=False)
    phase = SelectField(_l("Phase it joins"), validate_choice=False)
    create_screens = BooleanField(
        _l("Register its screens, without a token until each one is installed"), default=True
    )

    def set_choices(self, hubs: list[Any], phases: list[Any]) -> None:
        self.source_hub.choices = [SelectChoice(h.code, _hub_label(h)) for h in hubs]
        self.phase.choices = [SelectChoice(p.value, _phase_label(p)) for p in phases]

    def validate_source_hub(self, field: Field) -> None:
        _chosen(field, _l("Choose one of the hubs in the list."))

    def validate_phase(self, field: Field) -> None:
        _chosen(field, _l("Choose one of the phases in the list."))

    def open_request(self) -> expansion.OpenHubRequest:
        slug, _colon, number = (self.phase.data or "").rpartition(":")
        return expansion.OpenHubRequest(
            code=self.code.data,
            source_hub=self.source_hub.data,
            phase=int(number),
            campaign=slug,
            create_screens=bool(self.create_screens.data),
            **self.values(),
        )


def _chosen(field: Field, message: Any) -> None:
    if (field.data or "") not in {c.value for c in field.choices}:
        raise Refused(message)


def _hub_label(hub: expansion.HubChoice) -> str:
    if not hub.zones:
        return _("%(code)s · %(name)s (no zones)", code=hub.code, name=hub.name)
    return _(
        "%(code)s · %(name)s (zones: %(zones)s, screens: %(screens)s)",
        code=hub.code,
        name=hub.name,
        zones=hub.zones,
        screens=hub.screens,
    )


def _phase_label(phase: expansion.PhaseChoice) -> str:
    text = _(
        "%(name)s · %(start)s to %(end)s · %(status)s",
        name=phase.name,
        start=format_date(phase.starts_on, "medium"),
        end=format_date(phase.ends_on, "medium"),
        status=status_label(phase.status),
    )
    return f"{phase.campaign} · {text}" if phase.several_campaigns else text


def _may_edit() -> bool:
    user = session_user()
    return user is not None and user.role in STAFF


def _page(template: str, status: int = 200, **context: Any) -> ResponseReturnValue:
    words = {"fate_label": lambda v: str(FATES.get(v, v)), "no_phase": NO_PHASE}
    return (
        render_template(f"network/{template}", may_edit=_may_edit(), **words, **context),
        status,
    )


# --- every hub at a glance ------------------------------------------------------------------


@bp.get("/overview")
@page_requires(*ANY)
def overview() -> ResponseReturnValue:
    rows = hub_overview(session_user(), clock.now())
    return _page("overview.html", rows=rows)


@bp.get("/overview.csv")
@page_requires(*ANY)
def overview_csv() -> ResponseReturnValue:
    """The same rows as a CSV file: UTF-8 with a byte-order mark, for spreadsheet programs."""
    now = clock.now()
    name = f"hubs-{now.astimezone(ZoneInfo(HOME_TIMEZONE)):%Y%m%d-%H%M}.csv"
    return Response(
        hub_overview_csv(hub_overview(session_user(), now)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


# --- opening a hub --------------------------------------------------------------------------


def _form() -> OpenHubForm:
    posted = request.method == "POST"
    hubs = expansion.source_choices()
    phases = expansion.phase_choices(clock.now(), HOME_TIMEZONE)
    data: dict[str, Any] = {}
    if not posted:
        source = next((h for h in hubs if h.code == DEFAULT_SOURCE and h.zones), None)
        source = source or next((h for h in hubs if h.zones), None)
        waiting = ("upcoming", "unfunded", "active")
        phase = next((p for p in phases if p.status in waiting[:2]), None)
        phase = phase or next((p for p in phases if p.status in waiting), None)
        data = {"source_hub": source.code if source else "", "phase": phase.value if phase else ""}
    form = OpenHubForm(formdata=request.form if posted else None, data=data)
    del form.version
    form.set_choices(hubs, phases)
    return form


def _refuse(form: OpenHubForm, exc: ServiceError) -> int:
    """Put the service's refusal next to the field it is about, else above the form."""
    name = getattr(exc, "field", None)
    name = FIELDS.get(name, name) if name else None
    if name in form:
        form[name].errors = [*form[name].errors, exc.detail]
    else:
        form.form_errors.append(exc.detail)
    return 422 if exc.status in (404, 409) else exc.status


@bp.route("/open", methods=["GET", "POST"], endpoint="open")
@page_requires(*STAFF)
def open_hub() -> ResponseReturnValue:
    """A form; "Preview" shows what opening the hub makes, "Open the hub" makes it."""
    form = _form()
    if request.method == "GET":
        return _page("open.html", form=form, plan=None)
    if not form.validate_on_submit():
        return _page("open.html", 422, form=form, plan=None)
    apply = request.form.get("action") == "apply"
    try:
        if apply:
            plan = expansion.open_hub(form.open_request())
        else:
            plan = expansion.preview_open_hub(form.open_request())
    except ServiceError as exc:
        return _page("open.html", _refuse(form, exc), form=form, plan=None)
    if not plan.applied:
        return _page("open.html", form=form, plan=plan)
    flash(
        _(
            "The hub %(code)s was opened. Zones: %(zones)s; screens: %(screens)s; bookings "
            "copied: %(bookings)s. Give each screen its token when it is installed.",
            code=plan.request.code,
            zones=len(plan.zones),
            screens=plan.screens_created,
            bookings=len(plan.copied),
        ),
        "success",
    )
    return redirect(url_for("network.hub", code=plan.request.code), 303)
