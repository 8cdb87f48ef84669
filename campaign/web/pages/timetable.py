"""The bookings pages: the list, a booking made and changed by names, its page, the week."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from campaign.domain.model import WEEKDAYS
from campaign.domain.roles import ANY, STAFF
from campaign.services import booking_pages, booking_timeline, clock
from campaign.services.bookings import BookingInvalid
from campaign.services.errors import Conflict, NotFound, ServiceError
from campaign.web.i18n import locale_name
from campaign.web.identity import session_user
from campaign.web.page_access import page_requires
from campaign.web.pages.timetable_forms import (
    KIND_NAMES,
    SERVICE_FIELDS,
    STATE_LABELS,
    WEEKDAY_LABELS,
    BookingForm,
    ListFilterForm,
    TimelineForm,
    message_label,
    target_label,
    venue_name,
)

bp = Blueprint("timetable", __name__)


def _words() -> dict[str, object]:
    """What the templates name things with."""
    return {
        "kind_names": KIND_NAMES,
        "state_labels": STATE_LABELS,
        "weekday_labels": WEEKDAY_LABELS,
        "message_label": message_label,
        "target_label": target_label,
        "venue_name": venue_name,
    }


@bp.get("/bookings")
@page_requires(*ANY)
def index() -> ResponseReturnValue:
    user = session_user()
    args = request.args
    form = ListFilterForm(formdata=args)
    options = booking_pages.booking_options(user, locale_name())
    form.set_choices(options)
    if not form.validate():
        return render_template(
            "timetable/index.html", form=form, listing=None, may_edit=user.role in STAFF, **_words()
        ), 400
    listing = booking_pages.booking_list(
        user,
        message_id=int(form.message.data) if form.message.data else None,
        hub_code=form.hub.data or None,
        state=form.state.data or None,
        page=form.page.data or 1,
        now=clock.now(),
        reader_lang=locale_name(),
        options=options,
    )
    filters = {k: v for k in ("message", "hub", "state") if (v := args.get(k))}
    return render_template(
        "timetable/index.html",
        form=form,
        listing=listing,
        filters=filters,
        may_edit=user.role in STAFF,
        **_words(),
    )


def _refused(form: BookingForm, exc: ServiceError) -> str:
    """Mark the refusal on its field; what concerns no field is said above the form."""
    if isinstance(exc, BookingInvalid):
        name = SERVICE_FIELDS.get(exc.field, "target")
        form[name].errors = [*form[name].errors, exc.detail]
        return ""
    if isinstance(exc, Conflict) and not form.lock_version.data:
        form.key.errors = [_("A booking with this key already exists in the campaign.")]
        return ""
    return _("The booking could not be saved: %(reason)s", reason=exc.detail)


def _form_page(
    form: BookingForm, *, status: int = 200, refusal: str = "", view: object = None
) -> ResponseReturnValue:
    return render_template(
        "timetable/form.html", form=form, refusal=refusal, booking=view, **_words()
    ), status


def _saved(booking_id: int, text: str) -> ResponseReturnValue:
    flash(text, "success")
    view, _options = booking_pages.booking_detail(
        session_user(), booking_id, now=clock.now(), reader_lang=locale_name()
    )
    for warning in view.warnings:
        flash(warning.text, "warning")
    return redirect(url_for("timetable.detail", booking_id=booking_id))


@bp.route("/bookings/new", methods=["GET", "POST"])
@page_requires(*STAFF)
def new() -> ResponseReturnValue:
    user = session_user()
    options = booking_pages.booking_options(user, locale_name())
    today = clock.now().date()
    data = {
        "starts_on": today,
        "ends_on": today + timedelta(days=27),
        "weekdays": list(WEEKDAYS),
        "message": request.args.get("message", ""),
        "target": request.args.get("target", ""),
    }
    posted = request.method == "POST"
    form = BookingForm(formdata=request.form if posted else None, data=data)
    form.set_choices(options)
    if not posted:
        return _form_page(form)
    if not form.validate_on_submit():
        return _form_page(form, status=422)
    try:
        booking_id = booking_pages.create_booking(user, form.values())
    except ServiceError as exc:
        refusal = _refused(form, exc)
        return _form_page(form, status=exc.status if refusal else 422, refusal=refusal)
    return _saved(booking_id, _("The booking was saved."))


@bp.get("/bookings/<int:booking_id>")
@page_requires(*ANY)
def detail(booking_id: int) -> ResponseReturnValue:
    try:
        view, _options = booking_pages.booking_detail(
            session_user(), booking_id, now=clock.now(), reader_lang=locale_name()
        )
    except NotFound:
        abort(404)
    return render_template(
        "timetable/detail.html",
        booking=view,
        may_edit=session_user().role in STAFF,
        **_words(),
    )


@bp.route("/bookings/<int:booking_id>/edit", methods=["GET", "POST"])
@page_requires(*STAFF)
def edit(booking_id: int) -> ResponseReturnValue:
    user = session_user()
    try:
        view, options = booking_pages.booking_detail(
            user, booking_id, now=clock.now(), reader_lang=locale_name()
        )
    except NotFound:
        abort(404)
    data = {
        "message": str(view.message.id),
        "target": view.target.value,
        "key": view.key,
        "starts_on": view.starts_on,
        "ends_on": view.ends_on,
        "weekdays": [WEEKDAYS[d] for d in view.weekdays],
        "window_start": view.window_start,
        "window_end": view.window_end,
        "weight": view.weight,
        "priority": view.priority,
        "slot_duration_s": view.slot_duration_s,
        "orientation": view.orientation or "",
        "lock_version": str(view.version),
    }
    posted = request.method == "POST"
    form = BookingForm(formdata=request.form if posted else None, data=data)
    form.set_choices(options, campaign_id=view.campaign_id)
    form.key.render_kw = {"readonly": True}  # a booking's key is its name in plans: kept
    if not posted:
        return _form_page(form, view=view)
    version = form.lock_version.data or ""
    if not form.validate_on_submit() or not version.isdigit():
        return _form_page(form, status=422, view=view)
    try:
        booking_pages.update_booking(user, booking_id, int(version), form.values())
    except ServiceError as exc:
        refusal = _refused(form, exc)
        return _form_page(form, status=exc.status if refusal else 422, refusal=refusal, view=view)
    return _saved(booking_id, _("The booking was changed."))


@bp.route("/bookings/<int:booking_id>/delete", methods=["GET", "POST"])
@page_requires(*STAFF)
def delete(booking_id: int) -> ResponseReturnValue:
    user = session_user()
    try:
        view, _options = booking_pages.booking_detail(
            user, booking_id, now=clock.now(), reader_lang=locale_name()
        )
    except NotFound:
        abort(404)
    form = BookingForm(formdata=None, data={"lock_version": str(view.version)})
    if request.method == "POST":
        version = request.form.get("lock_version", "")
        try:
            booking_pages.delete_booking(user, booking_id, int(version) if version.isdigit() else 0)
        except ServiceError as exc:
            flash(_("The booking could not be deleted: %(reason)s", reason=exc.detail), "error")
            return redirect(url_for("timetable.detail", booking_id=booking_id))
        flash(_("The booking %(key)s was deleted.", key=view.key), "success")
        return redirect(url_for("timetable.index"))
    return render_template("timetable/delete.html", booking=view, form=form, **_words())


@bp.get("/bookings/timeline")
@page_requires(*ANY)
def timeline() -> ResponseReturnValue:
    """The week at a hub (or one of its zones): what plays when, and each message's share."""
    form = TimelineForm(formdata=request.args)
    places = booking_pages.places(session_user())
    form.hub.choices = [(hub.code, f"{hub.name} ({hub.code})") for hub, _zones in places]
    # With no hub asked for, the first one that has screens to show.
    form.hub.data = form.hub.data or next((h.code for h, zones in places if zones), None)
    zones = next((zones for hub, zones in places if hub.code == form.hub.data), [])
    form.zone.choices = [("", _("Every zone")), *((z.code, f"{z.name} ({z.code})") for z in zones)]
    if not form.validate() or form.hub.data is None:
        return render_template("timetable/timeline.html", form=form, timeline=None, **_words()), (
            400 if form.errors else 200
        )
    shown = booking_timeline.hub_timeline(
        session_user(),
        form.hub.data,
        form.zone.data or None,
        form.week.data,
        now=clock.now(),
        reader_lang=locale_name(),
    )
    form.week.data = shown.week
    return render_template(
        "timetable/timeline.html",
        form=form,
        timeline=shown,
        weeks=(shown.week - timedelta(days=7), shown.week + timedelta(days=7)),
        **_words(),
    )
