"""POST heartbeat and plays: what a screen tells the server about itself."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, request
from flask_smorest import Blueprint, abort

from campaign.extensions import limiter
from campaign.services import clock, player
from campaign.web.api.common import JsonTypesParser
from campaign.web.player.auth import ScreenRef, authenticate, bearer_token, screen_key
from campaign.web.player.schemas import HeartbeatSchema, PlayerErrorSchema, PlaysResultSchema

blp = Blueprint(
    "player_reports",
    __name__,
    url_prefix="/api/v1/player",
    description="Heartbeats and proof of play, sent by screens.",
)
blp.ARGUMENTS_PARSER = JsonTypesParser()
MAX_PLAYS_BYTES = 1024 * 1024  # 1,000 plays are about 150 kB: more is not a batch we accept


def _now() -> Any:
    return clock.now()


def plays_limit() -> str:
    return str(current_app.config["PLAYS_RATE_LIMIT"])


def over_the_limit() -> str:
    return (
        f"This screen sent more batches of plays than its limit ({plays_limit()}). Keep the "
        "plays and send them again after Retry-After seconds."
    )


def screen_first(view: Callable[..., Any]) -> Callable[..., Any]:
    """The token is checked before the body is read: a caller without one learns only that."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return view(*args, screen=authenticate(), **kwargs)

    return wrapper


@blp.post("/heartbeat")
@screen_first
@blp.arguments(HeartbeatSchema, required=False)
@blp.response(204, description="Noted")
@blp.alt_response(401, schema=PlayerErrorSchema)
@blp.alt_response(400, schema=PlayerErrorSchema)
@blp.doc(security=[{"screenToken": []}])
def heartbeat(report: dict[str, Any], *, screen: ScreenRef) -> Response:
    """The screen is alive and plays `playing_version`; other fields are kept as player info.
    The body may be left out."""
    try:
        player.record_heartbeat(screen.id, report, now=_now())
    except player.BadReport as exc:
        abort(422, message=str(exc))
    return Response(status=204)


# A batch is judged play by play: one not of the Play shape is answered 200, in `rejected` as
# malformed, so the document takes any item and names the shape a play should have.
_BATCH_DOC = {
    "type": "object",
    "required": ["plays"],
    "properties": {
        "plays": {
            "type": "array",
            "maxItems": 1000,
            "items": {
                "anyOf": [
                    {"$ref": "#/components/schemas/Play"},
                    {"description": "Anything else: rejected as malformed, with its index"},
                ]
            },
        }
    },
}


# Per screen (the token's hash, never the token, nor the address: a whole airport may share one);
# a request without a token is answered 401 and counts against nothing.
@blp.post("/plays")
@limiter.limit(
    plays_limit,
    key_func=screen_key,
    exempt_when=lambda: not bearer_token(),
    error_message=over_the_limit,
)
@blp.response(200, PlaysResultSchema, description="Counts; rejected records by index, with why")
@blp.alt_response(400, schema=PlayerErrorSchema, description="Malformed JSON")
@blp.alt_response(401, schema=PlayerErrorSchema)
@blp.alt_response(413, schema=PlayerErrorSchema, description="More than 1,000 plays")
@blp.alt_response(422, schema=PlayerErrorSchema, description="Not a {plays: [...]} object")
@blp.alt_response(
    429,
    schema=PlayerErrorSchema,
    description="Too many batches from this screen: send them again after `Retry-After` seconds",
    headers={"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
)
@blp.doc(
    security=[{"screenToken": []}],
    requestBody={"required": True, "content": {"application/json": {"schema": _BATCH_DOC}}},
)
def plays() -> dict[str, Any]:
    """Proof of play, idempotent: a play id already received counts as a duplicate. A play counts
    only for an item served to the screen, from when it was first served until now (give or
    take the clock skew), without overlapping the screen's other plays; the others are rejected
    with a reason (`malformed`, `not-served`, `before-served`, `future`, `overlap`)."""
    screen = authenticate()
    if (request.content_length or 0) > MAX_PLAYS_BYTES:
        abort(413, message="A plays batch must be smaller than 1 MB; send at most 1,000 plays.")
    body = request.get_json(force=True)
    if not isinstance(body, dict) or "plays" not in body:
        abort(422, message='The body must be a JSON object {"plays": [...]}.')
    try:
        result = player.record_plays(screen.id, body["plays"], now=_now())
    except player.BatchTooLarge as exc:
        abort(413, message=str(exc))
    except player.BadReport as exc:
        abort(422, message=str(exc))
    return {
        "accepted": result.accepted,
        "duplicates": result.duplicates,
        "rejected": result.rejected,
    }
