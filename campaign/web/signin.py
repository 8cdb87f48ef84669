"""Sign-in and sign-out pages for people using the web pages (the API has its own endpoints)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

from campaign.services import accounts, clock
from campaign.services import auth as auth_service
from campaign.web.i18n import LANGUAGE_COOKIE, supported_locales
from campaign.web.pages.paths import safe_next

bp = Blueprint("signin", __name__)


@bp.get("/login")
def login_form() -> ResponseReturnValue:
    return render_template("auth/login.html", email="", problem="", next=request.args.get("next"))


@bp.post("/login")
def login() -> ResponseReturnValue:
    email = request.form.get("email", "")
    try:
        user = auth_service.login(
            email,
            request.form.get("password", ""),
            address=request.remote_addr or "",
            now=clock.now(),
        )
    except (auth_service.BadCredentials, auth_service.TooManyAttempts) as exc:
        page = render_template(
            "auth/login.html", email=email, problem=exc.detail, next=request.form.get("next")
        )
        headers: dict[str, str] = {}
        if isinstance(exc, auth_service.TooManyAttempts):
            headers["Retry-After"] = str(exc.retry_after)
        return page, exc.status, headers
    # A fresh session: nothing from before signing in (a planted value, an old token) stays.
    session.clear()
    login_user(user)
    if user.locale is None and request.cookies.get(LANGUAGE_COOKIE) in supported_locales():
        accounts.set_locale(user, request.cookies[LANGUAGE_COOKIE], supported_locales())
    return redirect(safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    if current_user.is_authenticated:
        auth_service.end_sessions(current_user._get_current_object())  # type: ignore[attr-defined]
    logout_user()
    session.clear()
    return redirect(url_for("signin.login_form"))
