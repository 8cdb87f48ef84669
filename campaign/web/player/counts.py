"""POST play-counts: plays a player kept only as counts, when it ran short of storage."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields

from campaign.extensions import limiter
from campaign.services import clock, play_counts
from campaign.web.player.auth import authenticate, bearer_token, screen_key
from campaign.web.player.reports import over_the_limit, plays_limit
from campaign.web.player.schemas import PlayerErrorSchema

blp = Blueprint(
    "player_counts",
    __name__,
    url_prefix="/api/v1/player",
    description="Plays kept only as counts by a player short of storage.",
)
MAX_COUNTS_BYTES = 256 * 1024


class PlayCountSchema(Schema):
    id = fields.UUID(required=True, metadata={"description": "Made by the player, once per count"})
    item_id = fields.String(required=True)
    hour = fields.DateTime(required=True, metadata={"description": "The UTC hour counted"})
    plays = fields.Integer(required=True)
    seconds = fields.Float(required=True, metadata={"description": "Their durations, summed"})
    first = fields.DateTime(required=True, metadata={"description": "The first play's start"})
    last = fields.DateTime(required=True, metadata={"description": "The last play's start"})


class RejectedCountSchema(Schema):
    index = fields.Integer(required=True)
    detail = fields.String(required=True)


class CountsResultSchema(Schema):
    accepted = fields.Integer(required=True)
    duplicates = fields.Integer(required=True)
    rejected = fields.List(fields.Nested(RejectedCountSchema), required=True)


_COUNTS_DOC = {
    "type": "object",
    "required": ["counts"],
    "properties": {
        "counts": {
            "type": "array",
            "maxItems": play_counts.MAX_COUNTS,
            "items": {
                "anyOf": [
                    {"$ref": "#/components/schemas/PlayCount"},
                    {"description": "Anything else: rejected, with its index"},
                ]
            },
        }
    },
}


@blp.post("/play-counts")
@limiter.limit(
    plays_limit,
    key_func=screen_key,
    exempt_when=lambda: not bearer_token(),
    error_message=over_the_limit,
)
@blp.response(200, CountsResultSchema, description="Counts; rejected records by index, with why")
@blp.alt_response(400, schema=PlayerErrorSchema, description="Malformed JSON")
@blp.alt_response(401, schema=PlayerErrorSchema)
@blp.alt_response(413, schema=PlayerErrorSchema, description="More than 200 counts")
@blp.alt_response(422, schema=PlayerErrorSchema, description="Not a {counts: [...]} object")
@blp.alt_response(
    429,
    schema=PlayerErrorSchema,
    description="Too many requests from this screen: send them again after `Retry-After` seconds",
    headers={"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
)
@blp.doc(
    security=[{"screenToken": []}],
    requestBody={"required": True, "content": {"application/json": {"schema": _COUNTS_DOC}}},
)
def counts() -> dict[str, Any]:
    """Plays of one item in one UTC hour that the player kept only as a count, for lack of
    storage. Idempotent by the count's id. A count is rejected (listed by index) when its item
    was never served to the screen, its instants are not within its hour or in the future."""
    screen = authenticate()
    if (request.content_length or 0) > MAX_COUNTS_BYTES:
        abort(413, message=f"Send at most {play_counts.MAX_COUNTS} counts a request.")
    body = request.get_json(force=True)
    if not isinstance(body, dict) or "counts" not in body:
        abort(422, message='The body must be a JSON object {"counts": [...]}.')
    if isinstance(body["counts"], list) and len(body["counts"]) > play_counts.MAX_COUNTS:
        abort(413, message=f"Send at most {play_counts.MAX_COUNTS} counts a request.")
    try:
        result = play_counts.record_counts(screen.id, body["counts"], now=clock.now())
    except play_counts.BadCounts as exc:
        abort(422, message=str(exc))
    return {
        "accepted": result.accepted,
        "duplicates": result.duplicates,
        "rejected": result.rejected,
    }
