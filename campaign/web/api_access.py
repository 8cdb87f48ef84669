"""The API guard: who may call each management route, how large a body it takes, and CSRF."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, request
from flask_smorest import abort

from campaign.domain.roles import Role
from campaign.extensions import csrf
from campaign.web.identity import Principal, current_principal

F = TypeVar("F", bound=Callable[..., Any])

ACCESS_ATTR = "_campaign_access"
MAX_ID = 2**31 - 1
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


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


def requires(*roles: Role | str, body_limit: str = "API_MAX_BODY_BYTES") -> Callable[[F], F]:
    """Allow a view to the given roles (none: public); the rule is recorded for the test matrix.

    `body_limit` names the config key of the largest body accepted: uploads pass
    "MAX_CONTENT_LENGTH"; JSON views keep the small default."""
    allowed = tuple(Role(r) for r in roles)  # an unknown role fails at import, not per request

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            _limit_body(body_limit)
            principal = current_principal()
            if allowed:
                if principal is None:
                    abort(401, message="sign in or send an API token")
                if principal.user.role not in allowed:
                    abort(403, message="your role may not do this")
            _check_csrf(principal)
            if any(isinstance(v, int) and v > MAX_ID for v in kwargs.values()):
                abort(404, message="no such record")  # beyond any database's integer range
            return view(*args, **kwargs)

        setattr(wrapper, ACCESS_ATTR, allowed)
        _document(wrapper, allowed)
        return wrapper  # type: ignore[return-value]

    return decorate


def public(view: F) -> F:
    """A view anyone may call (signing in, the CSRF token)."""
    return requires()(view)


def _document(wrapper: Any, roles: tuple[Role, ...]) -> None:
    from campaign.web.api.schemas.common import ApiErrorSchema

    doc = dict(getattr(wrapper, "_apidoc", {}))
    manual = dict(doc.get("manual_doc", {}))
    error = {"description": "", "content": {"application/json": {"schema": ApiErrorSchema}}}
    responses = dict(manual.get("responses", {}))
    if roles:
        names = ", ".join(roles)
        manual["security"] = [{"apiToken": []}, {"session": []}]
        responses["401"] = {**error, "description": "Not signed in"}
        responses["403"] = {**error, "description": f"Allowed to: {names}"}
        manual["description"] = f"Roles: {names}."
    else:
        manual["security"] = []
    for status, text in (("400", "Bad request"), ("413", "Body too large")):
        responses[status] = {**error, "description": text}
    manual["responses"] = responses
    doc["manual_doc"] = manual
    wrapper._apidoc = doc


def declared_access(app: Flask, endpoint: str, method: str) -> tuple[Role, ...] | None:
    """The roles a route declares for a method, or None when it declares no rule at all."""
    view = app.view_functions[endpoint]
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        view = getattr(view_class, method.lower(), None)
    return getattr(view, ACCESS_ATTR, None)
