"""Switching the pages' language: remembered per user once signed in, else in a cookie."""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, request
from flask.typing import ResponseReturnValue

from campaign.services import accounts
from campaign.web.i18n import LANGUAGE_COOKIE, supported_locales
from campaign.web.identity import session_user
from campaign.web.pages.paths import safe_next

bp = Blueprint("language", __name__)

ONE_YEAR = 365 * 24 * 3600


@bp.post("/language")
def choose() -> ResponseReturnValue:
    locale = request.form.get("locale", "")
    if locale not in supported_locales():
        abort(400, description="unknown language")
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
