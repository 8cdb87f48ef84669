"""The press and partner kit: a ZIP of a phase's approved materials, per language."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue

from campaign.domain.roles import ANY, STAFF
from campaign.services import press_kit
from campaign.services.accounts import User
from campaign.services.errors import Invalid, NotFound
from campaign.web.i18n import locale_name
from campaign.web.identity import session_user
from campaign.web.page_access import page_requires

bp = Blueprint("press_kits", __name__)

# A kit may change whenever a message is approved: the browser asks again each time, and the
# ETag spares it the download when nothing changed.
KIT_CACHE = "private, no-cache"


def _user() -> User:
    user = session_user()
    assert user is not None  # the page guard let a signed-in person in
    return user


@bp.get("/phases/<int:phase_id>/press-kit")
@page_requires(*ANY)
def show(phase_id: int) -> ResponseReturnValue:
    """What the kit will hold, with the button that downloads it."""
    user = _user()
    try:
        page = press_kit.press_kit_page(phase_id, user, locale_name())
    except NotFound:
        abort(404)
    return render_template("press_kits/show.html", page=page, staff=user.role in STAFF)


def kit_response(kit: press_kit.PressKit) -> Response:
    """The ZIP as a download, with its ETag."""
    response = Response(kit.data, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{kit.filename}"'
    response.headers["Cache-Control"] = KIT_CACHE
    response.set_etag(kit.etag)
    return response


def not_modified(etag: str) -> Response | None:
    """A 304 when the browser has this kit already (nothing is drawn or zipped then)."""
    if not request.if_none_match.contains_weak(etag):
        return None
    response = Response(status=304)
    response.set_etag(etag)
    response.headers["Cache-Control"] = KIT_CACHE
    return response


@bp.get("/phases/<int:phase_id>/press-kit.zip")
@page_requires(*ANY)
def download(phase_id: int) -> ResponseReturnValue:
    try:
        plan = press_kit.plan_press_kit(phase_id, _user())
    except NotFound:
        abort(404)
    except Invalid as exc:
        abort(422, description=exc.detail)
    return not_modified(plan.etag) or kit_response(press_kit.assemble(plan))
