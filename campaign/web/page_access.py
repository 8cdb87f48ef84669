"""The page guard: HTML pages send anonymous visitors to sign in and refuse other roles."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _

from campaign.domain.roles import ANY, Role
from campaign.web.identity import session_user

F = TypeVar("F", bound=Callable[..., Any])

PAGE_ACCESS_ATTR = "_campaign_page_access"


def page_requires(*roles: Role | str) -> Callable[[F], F]:
    """Guard an HTML page: an anonymous visitor is redirected to the sign-in form with
    `next=` this page, and a signed-in person whose role is not among `roles` gets 403.

    With no roles, anyone signed in may see the page."""
    allowed = tuple(Role(r) for r in roles) or ANY  # an unknown role fails at import

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = session_user()
            if user is None:
                return redirect(url_for("signin.login_form", next=request.full_path.rstrip("?")))
            if user.role not in allowed:
                abort(403, description=_("Your role may not see this page."))
            return view(*args, **kwargs)

        setattr(wrapper, PAGE_ACCESS_ATTR, allowed)
        return wrapper  # type: ignore[return-value]

    return decorate
