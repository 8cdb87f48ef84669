"""Who is calling: session or bearer-token sign-in, and the roles each view allows."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import Flask, current_app, g, request
from flask_login import current_user
from flask_smorest import abort

from campaign.extensions import csrf, login_manager
from campaign.persistence.accounts import User
from campaign.services import audit
from campaign.services import auth as auth_service

F = TypeVar("F", bound=Callable[..., Any])

ROLES = ("admin", "manager", "partner")
STAFF = ("admin", "manager")
ADMIN = ("admin",)
ANY_USER = ROLES
PUBLIC: tuple[str, ...] = ()
ACCESS_ATTR = "_campaign_access"
MAX_ID = 2**31 - 1
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Principal:
    user: User
    via: str  # "session" or "token"


def _now() -> datetime:
    return datetime.now(UTC)


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
        user = auth_service.user_for_token(secret.strip(), now=_now())
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


def _limit_body(limit_key: str) -> None:
    limit = current_app.config[limit_key]
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        abort(413, message=f"the request body is larger than {limit} bytes")


def _check_csrf(principal: Principal | None) -> None:
    # Only cookies ride along on cross-site requests; bearer tokens need no CSRF token.
    if (
        request.method in _UNSAFE
        and (principal is None or principal.via == "session")
        and current_app.config.get("WTF_CSRF_ENABLED", True)
    ):
        csrf.protect()


def requires(*roles: str, body_limit: str = "API_MAX_BODY_BYTES") -> Callable[[F], F]:
    """Allow a view to the given roles (none: public); the rule is recorded for the test matrix.

    `body_limit` names the config key of the largest body accepted: uploads pass
    "MAX_CONTENT_LENGTH"; JSON views keep the small default."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            _limit_body(body_limit)
            principal = current_principal()
            if roles:
                if principal is None:
                    abort(401, message="sign in or send an API token")
                if principal.user.role not in roles:
                    abort(403, message="your role may not do this")
            _check_csrf(principal)
            if any(isinstance(v, int) and v > MAX_ID for v in kwargs.values()):
                abort(404, message="no such record")  # beyond any database's integer range
            return view(*args, **kwargs)

        setattr(wrapper, ACCESS_ATTR, tuple(roles))
        _document(wrapper, roles)
        return wrapper  # type: ignore[return-value]

    return decorate


def public(view: F) -> F:
    """A view anyone may call (signing in, the CSRF token)."""
    return requires()(view)


def _document(wrapper: Any, roles: tuple[str, ...]) -> None:
    from campaign.web.api.schemas.common import ApiErrorSchema

    doc = dict(getattr(wrapper, "_apidoc", {}))
    manual = dict(doc.get("manual_doc", {}))
    error = {"description": "", "content": {"application/json": {"schema": ApiErrorSchema}}}
    responses = dict(manual.get("responses", {}))
    if roles:
        manual["security"] = [{"apiToken": []}, {"session": []}]
        responses["401"] = {**error, "description": "Not signed in"}
        responses["403"] = {**error, "description": f"Allowed to: {', '.join(roles)}"}
        manual["description"] = f"Roles: {', '.join(roles)}."
    else:
        manual["security"] = []
    for status, text in (("400", "Bad request"), ("413", "Body too large")):
        responses[status] = {**error, "description": text}
    manual["responses"] = responses
    doc["manual_doc"] = manual
    wrapper._apidoc = doc


def declared_access(app: Flask, endpoint: str, method: str) -> tuple[str, ...] | None:
    """The roles a route declares for a method, or None when it declares no rule at all."""
    view = app.view_functions[endpoint]
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, method.lower(), None)
    return getattr(view, ACCESS_ATTR, None)


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
