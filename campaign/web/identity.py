"""Who is signed in for this request: a bearer token or a session cookie, named for the audit."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g, request
from flask_login import current_user
from flask_smorest import abort

from campaign.extensions import login_manager
from campaign.services import audit, clock
from campaign.services import auth as auth_service
from campaign.services.accounts import User


@dataclass(frozen=True)
class Principal:
    user: User
    via: str  # "session" or "token"


def current_principal() -> Principal | None:
    """The signed-in caller of this request: a bearer token wins over a session cookie."""
    if "principal" in g:
        return g.principal  # type: ignore[no-any-return]
    principal = None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            abort(401, message="use 'Authorization: Bearer <token>'")
        user = auth_service.user_for_token(secret.strip(), now=clock.now())
        if user is None:
            # A wrong token never falls back to a cookie: the caller meant the token.
            abort(401, message="the API token is unknown or revoked")
        principal = Principal(user, "token")
    elif current_user.is_authenticated:
        principal = Principal(current_user._get_current_object(), "session")
    g.principal = principal
    if principal is not None:
        source = "api" if principal.via == "token" else "web"
        audit.set_actor(audit.Actor(principal.user.id, principal.user.email, source))
    return principal


def session_user() -> User | None:
    """The person signed in with a session cookie (pages take no bearer tokens), or None."""
    if not current_user.is_authenticated:
        return None
    user: User = current_user._get_current_object()
    audit.set_actor(audit.Actor(user.id, user.email, "web"))
    return user


def current_user_required() -> User:
    """The caller of a view guarded by @requires (never None there)."""
    principal = current_principal()
    if principal is None:
        abort(401, message="sign in or send an API token")
    return principal.user


def init_app(app: Flask) -> None:
    """Load users from session cookies, and name the actor of every request for the audit."""

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        # The cookie holds "id:session_version"; a sign-out bumps the version, ending it.
        return auth_service.user_for_session(user_id)

    @app.before_request
    def anonymous_actor() -> None:
        audit.set_actor(audit.Actor(source="web"))

    @app.teardown_request
    def forget_actor(_exc: BaseException | None) -> None:
        # A thread serves many requests (and tests run code between them): never carry over.
        audit.set_actor(audit.Actor())
