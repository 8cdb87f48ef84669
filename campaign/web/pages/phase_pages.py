"""A phase's own page: its lifecycle at each hub, its transitions, its funding decisions, and
cancelling it or moving its dates (previewed, then applied)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from campaign.domain.roles import STAFF
from campaign.services import clock, phase_lifecycle, phase_page
from campaign.services.errors import Conflict, NotFound, ServiceError
from campaign.web.i18n import local_date, locale_name
from campaign.web.identity import session_user
from campaign.web.page_access import page_requires
from campaign.web.pages.phase_forms import CancelForm, DatesForm, FundingForm

# Registered inside the "admin" blueprint: its endpoints are admin.phase.show, .funding, .cancel
# and .dates, so the navigation marks Administration while they are open.
bp = Blueprint("phase", __name__, url_prefix="/phases")


def _page(phase_id: int) -> phase_page.PhasePage:
    user = session_user()
    assert user is not None  # the page guard let a signed-in person in
    try:
        return phase_page.phase_page(phase_id, user, clock.now(), locale_name())
    except NotFound:
        abort(404)


def _status(exc: ServiceError) -> int:
    return 409 if isinstance(exc, Conflict) else 422


def _show(
    phase_id: int, funding: FundingForm | None = None, status: int = 200
) -> ResponseReturnValue:
    found = _page(phase_id)
    if funding is None:
        current = {"status": found.row.funding_status, "currency": found.row.currency}
        funding = FundingForm(formdata=None, data=current)
    funding.set_choices()
    page = render_template("admin/phase.html", page=found, p=found.row, funding=funding)
    return page, status


@bp.get("/<int:phase_id>")
@page_requires(*STAFF)
def show(phase_id: int) -> ResponseReturnValue:
    return _show(phase_id)


@bp.post("/<int:phase_id>/funding")
@page_requires(*STAFF)
def funding(phase_id: int) -> ResponseReturnValue:
    found = _page(phase_id)
    form = FundingForm()
    form.set_choices()
    if not form.validate_on_submit():
        return _show(phase_id, form, 422)
    try:
        phase_lifecycle.decide_funding(phase_id, **form.values(), user=session_user())
    except ServiceError as exc:
        form.form_errors.append(exc.detail)
        return _show(phase_id, form, _status(exc))
    flash(
        _("The funding decision on phase %(number)s was recorded.", number=found.row.number),
        "success",
    )
    return redirect(url_for("admin.phase.show", phase_id=phase_id, _anchor="funding"), 303)


@bp.route("/<int:phase_id>/cancel", methods=["GET", "POST"])
@page_requires(*STAFF)
def cancel(phase_id: int) -> ResponseReturnValue:
    found = _page(phase_id)
    form = CancelForm()
    posted = request.method == "POST"
    if posted and form.validate_on_submit():
        try:
            phase_lifecycle.cancel_phase(phase_id, reason=form.reason.data, user=session_user())
        except ServiceError as exc:
            form.form_errors.append(exc.detail)
        else:
            flash(_("Phase %(number)s was cancelled.", number=found.row.number), "success")
            return redirect(url_for("admin.phase.show", phase_id=phase_id), 303)
    page = render_template("admin/phase_cancel.html", page=found, p=found.row, form=form)
    return page, 422 if posted else 200


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _dates_page(
    found: phase_page.PhasePage,
    form: DatesForm,
    plan: phase_lifecycle.ResizePlan | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    if plan is not None:
        form.lock_version.data = str(plan.version)
        form.fingerprint.data = plan.fingerprint
    page = render_template("admin/phase_dates.html", page=found, p=found.row, form=form, plan=plan)
    return page, status


@bp.route("/<int:phase_id>/dates", methods=["GET", "POST"])
@page_requires(*STAFF)
def dates(phase_id: int) -> ResponseReturnValue:
    """Change the dates: the first step previews what moves, the second applies that."""
    found = _page(phase_id)
    row = found.row
    if request.method == "GET":
        # The phase's edit sends new dates here to be previewed: ?starts_on=…&ends_on=…
        starts_on = _day(request.args.get("starts_on")) or row.starts_on
        ends_on = _day(request.args.get("ends_on")) or row.ends_on
        form = DatesForm(formdata=None, data={"starts_on": starts_on, "ends_on": ends_on})
        asked = (starts_on, ends_on) != (row.starts_on, row.ends_on)
        if not asked or found.settled or ends_on < starts_on:
            return _dates_page(found, form)
        return _dates_page(
            found, form, phase_lifecycle.preview_resize(phase_id, starts_on, ends_on)
        )
    form = DatesForm()
    if not form.validate_on_submit():
        return _dates_page(found, form, status=422)
    starts_on, ends_on = form.starts_on.data, form.ends_on.data
    if request.form.get("step") != "apply":
        return _dates_page(
            found, form, phase_lifecycle.preview_resize(phase_id, starts_on, ends_on)
        )
    version = form.lock_version.data or ""
    if not version.isdigit() or len(version) > 9:  # not from the preview: preview it first
        return _dates_page(
            found, form, phase_lifecycle.preview_resize(phase_id, starts_on, ends_on)
        )
    try:
        applied = phase_lifecycle.apply_resize(
            phase_id, starts_on, ends_on, int(version), fingerprint=form.fingerprint.data or None
        )
    except ServiceError as exc:
        form.form_errors.append(exc.detail)
        fresh = phase_lifecycle.preview_resize(phase_id, starts_on, ends_on)
        return _dates_page(_page(phase_id), form, fresh, _status(exc))
    moved = len(applied.moves)
    flash(
        _(
            "Phase %(number)s now runs from %(start)s to %(end)s; %(count)s booking(s) moved "
            "with it.",
            number=row.number,
            start=local_date(applied.new_starts_on),
            end=local_date(applied.new_ends_on),
            count=moved,
        ),
        "success",
    )
    return redirect(url_for("admin.phase.show", phase_id=phase_id), 303)


@bp.context_processor
def _words() -> dict[str, Any]:
    return {"next_change": _next_change}


def _next_change(state: str | None, when: str) -> str:
    """The next change foreseen at a hub, as a sentence: "completes on 6 Feb 2027, 00:00"."""
    if state == "active":
        return _("becomes active on %(when)s", when=when)
    if state == "completed":
        return _("completes on %(when)s", when=when)
    return _("is cancelled on %(when)s", when=when)
