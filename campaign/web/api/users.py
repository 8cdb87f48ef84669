"""/api/v1/users, personal /tokens and /auth (sign in, sign out, who am I, CSRF token)."""

from __future__ import annotations

from typing import Any

from flask import request, session
from flask.views import MethodView
from flask_login import login_user, logout_user
from flask_wtf.csrf import generate_csrf
from marshmallow import fields

from campaign.domain.roles import ANY, Role
from campaign.services import accounts
from campaign.services import auth as auth_service
from campaign.web.api.common import blueprint, now, page_request
from campaign.web.api.schemas.common import (
    ApiErrorSchema,
    id_field,
    list_args,
    page_body,
    page_of,
)
from campaign.web.api.schemas.users import (
    CsrfSchema,
    LoginSchema,
    NewTokenSchema,
    TokenInSchema,
    TokenSchema,
    UserCreateSchema,
    UserPatchSchema,
    UserSchema,
)
from campaign.web.api_access import public, requires
from campaign.web.identity import current_principal, current_user_required

blp = blueprint("users", "People, their API tokens and signing in")

UserArgs = list_args(
    "User",
    accounts.USER_SORTS,
    {"role": fields.String(), "partner_id": id_field(), "active": fields.Boolean()},
)


@blp.route("/users")
class Users(MethodView):
    @requires(Role.ADMIN)
    @blp.arguments(UserArgs, location="query")
    @blp.response(200, page_of(UserSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """List users (admins only)."""
        return page_body(accounts.list_users(page_request(args, accounts.USER_FILTERS)))

    @requires(Role.ADMIN)
    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Add a user (admins only)."""
        return accounts.add_user(
            data["email"],
            data["role"],
            data["password"],
            now=now(),
            name=data["name"],
            partner_id=data["partner_id"],
        )


@blp.route("/users/<int:user_id>")
class UserItem(MethodView):
    @requires(Role.ADMIN)
    @blp.response(200, UserSchema)
    def get(self, user_id: int) -> Any:
        """One user (admins only)."""
        return accounts.get_user(user_id)

    @requires(Role.ADMIN)
    @blp.arguments(UserPatchSchema)
    @blp.response(200, UserSchema)
    def patch(self, data: dict[str, Any], user_id: int) -> Any:
        """Change a user; a new role, password or deactivation signs them out everywhere."""
        version = data.pop("version")
        return accounts.update_user(user_id, data, version=version, acting=current_user_required())


@blp.route("/tokens")
class Tokens(MethodView):
    @requires(*ANY)
    @blp.response(200, TokenSchema(many=True))
    def get(self) -> Any:
        """Your personal API tokens (never their secrets)."""
        return auth_service.list_tokens(current_user_required())

    @requires(*ANY)
    @blp.arguments(TokenInSchema, required=False)
    @blp.response(201, NewTokenSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a personal API token; its secret is in this answer only."""
        token, secret = auth_service.create_token(current_user_required(), data["name"], now=now())
        return {
            **{c: getattr(token, c) for c in NewTokenSchema().fields if c != "token"},
            "token": secret,
        }


@blp.route("/tokens/<int:token_id>", methods=["DELETE"])
@requires(*ANY)
@blp.response(200, TokenSchema)
def revoke_token(token_id: int) -> Any:
    """Revoke one of your tokens; it stops working at once."""
    return auth_service.revoke_token(current_user_required(), token_id, now=now())


@blp.route("/auth/csrf", methods=["GET"])
@public
@blp.response(200, CsrfSchema)
def csrf_token() -> Any:
    """A CSRF token to send as X-CSRFToken with changes made through a session."""
    return {"csrf_token": generate_csrf()}


@blp.route("/auth/login", methods=["POST"])
@public
@blp.arguments(LoginSchema)
@blp.response(200, UserSchema)
@blp.alt_response(
    429,
    schema=ApiErrorSchema,
    description="Too many wrong passwords for this e-mail from your address: even the right "
    "one is refused until `Retry-After` seconds have passed",
    headers={"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
)
def login(data: dict[str, Any]) -> Any:
    """Sign in with e-mail and password; starts a fresh session.

    Failures are counted per (address, e-mail) only, with growing waits, and a success clears
    them: guessing elsewhere never locks the owner out.
    """
    user = auth_service.login(
        data["email"], data["password"], address=request.remote_addr or "", now=now()
    )
    # A fresh session: nothing from before signing in (a planted value, an old CSRF token) stays.
    session.clear()
    login_user(user)
    return user


@blp.route("/auth/logout", methods=["POST"])
@requires(*ANY)
@blp.response(204)
def logout() -> None:
    """Sign out: this and every other session of yours ends (API tokens stay valid)."""
    principal = current_principal()
    if principal is not None:
        auth_service.end_sessions(principal.user)
    logout_user()
    session.clear()


@blp.route("/auth/me", methods=["GET"])
@requires(*ANY)
@blp.response(200, UserSchema)
def me() -> Any:
    """Who you are signed in as."""
    return current_user_required()
