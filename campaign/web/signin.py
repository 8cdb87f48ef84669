"""Sign-in and sign-out pages for people using the web pages (the API has its own endpoints)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

from campaign.services import auth as auth_service
from campaign.services import clock

bp = Blueprint("signin", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an address elsewhere (an open redirect)."""
    if not target:
        return url_for("pages.overview")
    parts = urlsplit(target)
    # Browsers read "/\\host" as "//host", and strip tabs and newlines: refuse them all.
    odd = "\\" in target or any(not c.isprintable() for c in target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or odd:
        return url_for("pages.overview")
    return target


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
        return page, exc.status
    # A fresh session: nothing from before signing in (a planted value, an old token) stays.
    session.clear()
    login_user(user)
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    if current_user.is_authenticated:
        auth_service.end_sessions(current_user._get_current_object())  # type: ignore[attr-defined]
    logout_user()
    session.clear()
    return redirect(url_for("signin.login_form"))
