"""Screen authentication: the bearer token in the Authorization header, never in the URL."""

from __future__ import annotations

from flask import request
from flask_smorest import abort

from campaign.domain.url_secrets import TOKEN_PARAMS
from campaign.services.screens import hash_token
from campaign.web.player import cache as player_cache
from campaign.web.player.cache import ScreenRef

# Query parameters a misconfigured player might put its token in (refused here, masked in logs).
_TOKEN_PARAMS = TOKEN_PARAMS


def bearer_token() -> str:
    """The bearer token the request carries ("" if none)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def screen_key() -> str:
    """A rate-limit key per screen: its token's hash (the token itself is never kept)."""
    return "screen:" + hash_token(bearer_token())


def refuse_bad_requests() -> str:
    """The request's token; 400 if one is in the URL, 401 if there is none (no database)."""
    if request.query_string and _TOKEN_PARAMS & {k.lower() for k in request.args}:
        abort(
            400,
            message="Send the screen token in the Authorization header "
            "('Authorization: Bearer <token>'), never in the URL.",
        )
    token = bearer_token()
    if not token:
        abort(401, message="Send the screen's token as 'Authorization: Bearer <token>'.")
    return token


def authenticate() -> ScreenRef:
    """The screen whose token the request carries; 400 or 401 otherwise. Syncs the caches."""
    token = refuse_bad_requests()
    cache = player_cache.cache()
    cache.sync()
    screen = cache.screen_for(token)
    if screen is None:
        abort(401, message="This token is unknown or has been revoked.")
    return screen  # type: ignore[return-value]
