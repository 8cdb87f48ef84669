"""POST heartbeat and plays: what a screen tells the server about itself."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_smorest import Blueprint, abort

from campaign.services import clock, player
from campaign.web.player.auth import authenticate
from campaign.web.player.schemas import HeartbeatSchema, PlayerErrorSchema, PlaysResultSchema

blp = Blueprint(
    "player_reports",
    __name__,
    url_prefix="/api/v1/player",
    description="Heartbeats and proof of play, sent by screens.",
)
MAX_PLAYS_BYTES = 1024 * 1024  # 1,000 plays are about 150 kB: more is not a batch we accept


def _now() -> Any:
    return clock.now()


@blp.post("/heartbeat")
@blp.arguments(HeartbeatSchema)
@blp.response(204, description="Noted")
@blp.alt_response(401, schema=PlayerErrorSchema)
@blp.alt_response(400, schema=PlayerErrorSchema)
@blp.doc(security=[{"screenToken": []}])
def heartbeat(report: dict[str, Any]) -> Response:
    """The screen is alive and plays `playing_version`; other fields are kept as player info."""
    screen = authenticate()
    try:
        player.record_heartbeat(screen.id, report, now=_now())
    except player.BadReport as exc:
        abort(422, message=str(exc))
    return Response(status=204)


@blp.post("/plays")
@blp.response(200, PlaysResultSchema, description="Counts; bad records listed by index")
@blp.alt_response(400, schema=PlayerErrorSchema, description="Malformed JSON")
@blp.alt_response(401, schema=PlayerErrorSchema)
@blp.alt_response(413, schema=PlayerErrorSchema, description="More than 1,000 plays")
@blp.alt_response(422, schema=PlayerErrorSchema, description="Not a {plays: [...]} object")
@blp.doc(
    security=[{"screenToken": []}],
    requestBody={
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlaysBatch"}}},
    },
)
def plays() -> dict[str, Any]:
    """Proof of play, idempotent: a play id already received counts as a duplicate."""
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
