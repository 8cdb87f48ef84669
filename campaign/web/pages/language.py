"""Switching the pages' language: remembered per user once signed in, else in a cookie."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from campaign.services import accounts
from campaign.web.i18n import LANGUAGE_COOKIE, supported_locales
from campaign.web.identity import session_user
from campaign.web.pages.paths import safe_next

bp = Blueprint("language", __name__)

ONE_YEAR = 365 * 24 * 3600


def return_path() -> str:
    """Where the language buttons bring the reader back: this page, or after a refused form
    (drawn by a POST, whose address has no page to GET) the page the form was on."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("overview.index")


@bp.app_context_processor
def language_return() -> dict[str, object]:
    return {"language_return": return_path}


@bp.post("/language")
def choose() -> ResponseReturnValue:
    locale = request.form.get("locale", "")
    if locale not in supported_locales():
        abort(400, description=_("This language is not offered."))
    user = session_user()
    if user is not None:
        accounts.set_locale(user, locale, supported_locales())
    g.chosen_locale = locale
    response = redirect(safe_next(request.form.get("next")))
    response.set_cookie(
        LANGUAGE_COOKIE,
        locale,
        max_age=ONE_YEAR,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure,
    )
    return response
