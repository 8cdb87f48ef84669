"""The screen network: hubs, zones and screens, their health, tokens and what plays on them."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from campaign.domain.roles import ANY, STAFF
from campaign.services import clock
from campaign.services import network_pages as network
from campaign.services.errors import Conflict, NotFound, ServiceError
from campaign.services.screen_health import MISSED_POLLS
from campaign.web.identity import session_user
from campaign.web.page_access import page_requires
from campaign.web.pages import expansion_pages
from campaign.web.pages import network_forms as forms
from campaign.web.pages.network_forms import ConfirmForm, HubForm, ScreenForm, ZoneForm

bp = Blueprint("network", __name__)
# Every hub at a glance and opening a hub: endpoints "network.expansion.*", in the Screens area.
bp.register_blueprint(expansion_pages.bp)

HUB_FIELDS = ("name", "kind", "region", "timezone", "latitude", "longitude", "yearly_passengers")
ZONE_FIELDS = ("name", "venue_type", "language_policy")
SCREEN_FIELDS = ("zone", "name", "orientation", "width", "height", "language_policy")
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


@bp.context_processor
def _words() -> dict[str, Any]:
    return {
        "hub_kind_label": lambda v: str(forms.HUB_KINDS.get(v, v)),
        "health_label": lambda v: str(forms.HEALTH.get(v, v)),
        "venue_label": forms.venue_label,
        "policy_label": forms.policy_label,
        "missed_polls": MISSED_POLLS,
    }


def _may_edit() -> bool:
    user = session_user()
    return user is not None and user.role in STAFF


def _found(lookup: Any, *args: Any) -> Any:
    try:
        return lookup(*args)
    except NotFound as exc:
        abort(404, description=exc.detail)


def _page(template: str, status: int = 200, **context: Any) -> ResponseReturnValue:
    return render_template(f"network/{template}", may_edit=_may_edit(), **context), status


def _shown(form: FlaskForm, name: str, value: Any) -> str:
    """A field's value as the form shows it: a choice's label, else the value."""
    field = form[name]
    if value is None or value == "":
        return "—"
    for choice in getattr(field, "choices", None) or ():
        if isinstance(choice, SelectChoice) and choice.value == str(value):
            return str(choice.label)
    return str(value)


def _comparison(form: FlaskForm, saved: dict[str, Any], names: tuple[str, ...]) -> list[Any]:
    """(label, saved now, yours, differs) for each field: what a stale edit is shown with."""
    rows = []
    for name in names:
        theirs, yours = _shown(form, name, saved[name]), _shown(form, name, form[name].data)
        rows.append((form[name].label.text, theirs, yours, theirs != yours))
    return rows


def _refuse(form: FlaskForm, exc: ServiceError, field: str | None = None) -> int:
    """Put a service's refusal on the field it is about, else above the form."""
    if field is not None and field in form:
        form[field].errors = [*form[field].errors, exc.detail]
    else:
        form.form_errors.append(exc.detail)
    return 422 if exc.status in (404, 409) else exc.status


# --- screens: the list ----------------------------------------------------------------------


@bp.get("/screens")
@page_requires(*ANY)
def index() -> ResponseReturnValue:
    user = session_user()
    hubs = network.hub_choices(user)
    hub_code = request.args.get("hub") or ""
    problem = ""
    if hub_code and hub_code not in {h.code for h in hubs}:
        problem = _("There is no hub «%(code)s»; choose one from the list.", code=hub_code)
    lines = network.screen_lines(clock.now(), None if problem else hub_code or None, user)
    return _page(
        "index.html",
        400 if problem else 200,
        lines=lines,
        hubs=hubs,
        hub_code=hub_code,
        problem=problem,
        now=clock.now(),
    )


# --- hubs -----------------------------------------------------------------------------------


@bp.get("/hubs")
@page_requires(*ANY)
def hubs() -> ResponseReturnValue:
    return _page("hubs.html", summaries=network.hub_summaries(session_user()))


@bp.route("/hubs/new", methods=["GET", "POST"])
@page_requires(*STAFF)
def hub_new() -> ResponseReturnValue:
    form = HubForm(formdata=request.form if request.method == "POST" else None)
    del form.version
    if request.method == "GET":
        return _page("hub_form.html", form=form, hub=None)
    if not form.validate_on_submit():
        return _page("hub_form.html", 422, form=form, hub=None)
    try:
        hub = network.create_hub({"code": form.code.data, **form.values()})
    except Conflict:
        form.code.errors = [_("A hub with this code already exists; choose another code.")]
        return _page("hub_form.html", 422, form=form, hub=None)
    except ServiceError as exc:
        return _page("hub_form.html", _refuse(form, exc), form=form, hub=None)
    flash(_("The hub %(code)s was added. Add its zones next.", code=hub.code), "success")
    return redirect(url_for("network.hub", code=hub.code), 303)


@bp.get("/hubs/<code>")
@page_requires(*ANY)
def hub(code: str) -> ResponseReturnValue:
    return _page("hub.html", hub=_found(network.hub_by_code, code, session_user()))


def _hub_saved(hub: Any) -> dict[str, Any]:
    return {name: getattr(hub, name) for name in HUB_FIELDS}


@bp.route("/hubs/<code>/edit", methods=["GET", "POST"])
@page_requires(*STAFF)
def hub_edit(code: str) -> ResponseReturnValue:
    hub = _found(network.hub_by_code, code)
    posted = request.method == "POST"
    data = {**_hub_saved(hub), "code": hub.code, "version": str(hub.lock_version)}
    form = HubForm(formdata=request.form if posted else None, data=data)
    del form.code
    if not posted:
        return _page("hub_form.html", form=form, hub=hub)
    version = forms.version_of(form)
    if not form.validate_on_submit() or version is None:
        return _page("hub_form.html", 422, form=form, hub=hub)
    try:
        network.update_hub(code, {**form.values(), "version": version})
    except Conflict:
        hub = _found(network.hub_by_code, code)
        forms.set_version(form, hub.lock_version)
        stale = _comparison(form, _hub_saved(hub), HUB_FIELDS)
        return _page("hub_form.html", 409, form=form, hub=hub, stale=stale)
    except ServiceError as exc:
        return _page("hub_form.html", _refuse(form, exc), form=form, hub=hub)
    flash(_("The hub %(code)s was saved.", code=code), "success")
    return redirect(url_for("network.hub", code=code), 303)


# --- zones ----------------------------------------------------------------------------------


def _zone_form(zone: Any | None, hub_code: str | None) -> ZoneForm:
    posted = request.method == "POST"
    hubs = network.hub_choices()
    data: dict[str, Any] = {}
    if zone is not None:
        data = {n: getattr(zone, n) or "" for n in ZONE_FIELDS}
        data["version"] = str(zone.lock_version)
        hub_kind = zone.hub.kind
    else:
        chosen = next((h for h in hubs if h.code == hub_code), hubs[0] if hubs else None)
        data["hub"] = str(chosen.id) if chosen else ""
        hub_kind = chosen.kind if chosen else None
    form = ZoneForm(formdata=request.form if posted else None, data=data)
    form.set_choices(hubs, hub_kind, data)
    return form


@bp.route("/zones/new", methods=["GET", "POST"])
@page_requires(*STAFF)
def zone_new() -> ResponseReturnValue:
    form = _zone_form(None, request.args.get("hub"))
    del form.version
    if not form.hub.choices:
        return _page("zone_form.html", 409, form=form, zone=None, no_hub=True)
    if request.method == "GET":
        return _page("zone_form.html", form=form, zone=None)
    if not form.validate_on_submit():
        return _page("zone_form.html", 422, form=form, zone=None)
    values = {"hub_id": int(form.hub.data), "code": form.code.data, **form.values()}
    try:
        zone = network.create_zone(values)
    except Conflict:
        form.code.errors = [_("This hub already has a zone with this code; choose another.")]
        return _page("zone_form.html", 422, form=form, zone=None)
    except ServiceError as exc:
        return _page("zone_form.html", _refuse(form, exc, "hub"), form=form, zone=None)
    flash(_("The zone %(code)s was added.", code=zone.code), "success")
    return redirect(url_for("network.zone", zone_id=zone.id), 303)


@bp.get("/zones/<int:zone_id>")
@page_requires(*ANY)
def zone(zone_id: int) -> ResponseReturnValue:
    return _page("zone.html", zone=_found(network.zone_by_id, zone_id, session_user()))


@bp.route("/zones/<int:zone_id>/edit", methods=["GET", "POST"])
@page_requires(*STAFF)
def zone_edit(zone_id: int) -> ResponseReturnValue:
    zone = _found(network.zone_by_id, zone_id)
    form = _zone_form(zone, None)
    del form.hub, form.code
    if request.method == "GET":
        return _page("zone_form.html", form=form, zone=zone)
    version = forms.version_of(form)
    if not form.validate_on_submit() or version is None:
        return _page("zone_form.html", 422, form=form, zone=zone)
    try:
        network.update_zone(zone_id, {**form.values(), "version": version})
    except Conflict:
        zone = _found(network.zone_by_id, zone_id)
        forms.set_version(form, zone.lock_version)
        saved = {n: getattr(zone, n) for n in ZONE_FIELDS}
        stale = _comparison(form, saved, ZONE_FIELDS)
        return _page("zone_form.html", 409, form=form, zone=zone, stale=stale)
    except ServiceError as exc:
        return _page("zone_form.html", _refuse(form, exc), form=form, zone=zone)
    flash(_("The zone %(code)s was saved.", code=zone.code), "success")
    return redirect(url_for("network.zone", zone_id=zone_id), 303)


# --- screens: register, edit, tokens --------------------------------------------------------


def _screen_form(screen: Any | None, zone_id: str | None) -> ScreenForm:
    posted = request.method == "POST"
    zones = network.zone_choices()
    if screen is not None:
        data = {n: getattr(screen, n) for n in SCREEN_FIELDS if n != "zone"}
        data.update(zone=str(screen.zone_id), version=str(screen.lock_version))
    else:
        data = {"orientation": "landscape", "width": 1920, "height": 1080}
        data["zone"] = zone_id or (str(zones[0].id) if zones else "")
    form = ScreenForm(formdata=request.form if posted else None, data=data)
    form.set_choices(zones, data.get("language_policy"))
    return form


def _token_page(screen: Any, token: str, status: int, rotated: bool) -> ResponseReturnValue:
    """The one page that shows a screen's token: it is kept nowhere (neither in the session nor
    in a cache), so reloading cannot show it again."""
    kiosk_url = url_for("kiosk.play", _external=True) + "#token=" + token
    html = render_template(
        "network/token.html",
        screen=screen,
        token=token,
        kiosk_url=kiosk_url,
        qr=Markup(network.kiosk_qr_svg(kiosk_url)),  # drawn by segno from our own URL
        rotated=rotated,
        may_edit=True,
    )
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache", "Referrer-Policy": "no-referrer"}
    return html, status, headers


@bp.route("/screens/new", methods=["GET", "POST"])
@page_requires(*STAFF)
def screen_new() -> ResponseReturnValue:
    form = _screen_form(None, request.args.get("zone"))
    del form.version
    if not form.zone.choices:
        return _page("screen_form.html", 409, form=form, screen=None, no_zone=True)
    if request.method == "GET":
        return _page("screen_form.html", form=form, screen=None)
    if not form.validate_on_submit():
        return _page("screen_form.html", 422, form=form, screen=None)
    try:
        screen, token = network.register_screen(
            {"code": form.code.data, **form.values()}, now=clock.now()
        )
    except Conflict:
        form.code.errors = [_("A screen with this code already exists; choose another code.")]
        return _page("screen_form.html", 422, form=form, screen=None)
    except ServiceError as exc:
        return _page("screen_form.html", _refuse(form, exc), form=form, screen=None)
    return _token_page(screen, token, 201, rotated=False)


@bp.get("/screens/<code>")
@page_requires(*ANY)
def screen(code: str) -> ResponseReturnValue:
    line = _found(network.screen_line, code, clock.now(), session_user())
    return _page("screen.html", line=line, now=clock.now())


@bp.route("/screens/<code>/edit", methods=["GET", "POST"])
@page_requires(*STAFF)
def screen_edit(code: str) -> ResponseReturnValue:
    screen = _found(network.screen_by_code, code)
    form = _screen_form(screen, None)
    del form.code
    if request.method == "GET":
        return _page("screen_form.html", form=form, screen=screen)
    version = forms.version_of(form)
    if not form.validate_on_submit() or version is None:
        return _page("screen_form.html", 422, form=form, screen=screen)
    try:
        network.update_screen(code, {**form.values(), "version": version})
    except Conflict:
        screen = _found(network.screen_by_code, code)
        forms.set_version(form, screen.lock_version)
        saved = {n: getattr(screen, n) for n in SCREEN_FIELDS if n != "zone"}
        saved["zone"] = screen.zone_id
        stale = _comparison(form, saved, SCREEN_FIELDS)
        return _page("screen_form.html", 409, form=form, screen=screen, stale=stale)
    except ServiceError as exc:
        return _page("screen_form.html", _refuse(form, exc), form=form, screen=screen)
    flash(_("The screen %(code)s was saved.", code=code), "success")
    return redirect(url_for("network.screen", code=code), 303)


@bp.route("/screens/<code>/rotate", methods=["GET", "POST"])
@page_requires(*STAFF)
def rotate(code: str) -> ResponseReturnValue:
    screen = _found(network.screen_by_code, code)
    form = ConfirmForm()
    if request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 400
        return _page("confirm.html", status, form=form, screen=screen, action="rotate")
    screen, token = _found(lambda: network.rotate_token(code, now=clock.now()))
    return _token_page(screen, token, 200, rotated=True)


@bp.route("/screens/<code>/revoke", methods=["GET", "POST"])
@page_requires(*STAFF)
def revoke(code: str) -> ResponseReturnValue:
    screen = _found(network.screen_by_code, code)
    form = ConfirmForm()
    if request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 400
        return _page("confirm.html", status, form=form, screen=screen, action="revoke")
    _found(lambda: network.revoke_token(code, now=clock.now()))
    flash(
        _(
            "The token of %(screen)s was revoked: the screen gets no new playlist until you "
            "give it a new token.",
            screen=_screen_name(screen),
        ),
        "success",
    )
    return redirect(url_for("network.screen", code=code), 303)


def _screen_name(screen: Any) -> str:
    return f"{screen.code} ({screen.name})" if screen.name else screen.code


# --- what plays here at an instant -----------------------------------------------------------


def _asked_instant(text: str, timezone: str) -> tuple[datetime | None, str]:
    """The local date and time asked for, as an instant; or why it cannot be read."""
    if not text:
        return clock.now(), ""
    try:
        local = datetime.fromisoformat(text.strip())
    except ValueError:
        local = None
    if local is None or not EARLIEST_YEAR <= local.year <= LATEST_YEAR:
        return None, _(
            "«%(text)s» is not a date and time between %(first)s and %(last)s, such as "
            "2026-12-24T21:00.",
            text=text,
            first=EARLIEST_YEAR,
            last=LATEST_YEAR,
        )
    return network.local_instant(local, timezone), ""


@bp.get("/screens/<code>/plays")
@page_requires(*ANY)
def plays(code: str) -> ResponseReturnValue:
    timezone = network.screen_timezone(code, session_user())
    if timezone is None:  # also a screen at a hub the reader may not see: the same answer
        abort(404, description=_("There is no screen %(code)s.", code=code))
    asked = request.args.get("at", "")
    at, problem = _asked_instant(asked, timezone)
    view = None
    if at is not None:
        view = network.plays_at(code, at, session_user())
    shown = (at or clock.now()).astimezone(ZoneInfo(timezone))
    return _page(
        "plays.html",
        422 if problem else 200,
        code=code,
        timezone=timezone,
        asked=asked,
        field_value=asked if problem else shown.strftime("%Y-%m-%dT%H:%M"),
        problem=problem,
        view=view,
    )
