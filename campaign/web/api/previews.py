"""/api/v1/screens/{code}/preview: what a screen plays at any instant (the players' engine)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_smorest import abort
from marshmallow import Schema, fields

from campaign.services.overview import build_overview
from campaign.web.api.common import blueprint
from campaign.web.auth import ANY_USER, current_user_required, requires

blp = blueprint("previews", "What a screen plays at a given time, for managers and partners")


class PreviewArgs(Schema):
    at = fields.AwareDateTime(
        load_default=None,
        metadata={"description": "The instant, with its UTC offset; default: now"},
    )


class PreviewItemSchema(Schema):
    id = fields.String(required=True)
    message = fields.String(required=True)
    lang = fields.String(required=True)
    duration_s = fields.Integer(required=True)
    headline = fields.String(required=True)
    url = fields.String(allow_none=True, metadata={"description": "Its picture, once drawn"})


class PreviewSchema(Schema):
    screen = fields.String(required=True)
    at = fields.DateTime(required=True)
    local_time = fields.DateTime(required=True, metadata={"description": "In the hub's timezone"})
    valid_until = fields.DateTime(allow_none=True)
    version = fields.String(required=True)
    is_fallback = fields.Boolean(required=True)
    items = fields.List(fields.Nested(PreviewItemSchema), required=True)


@blp.route("/screens/<string:code>/preview", methods=["GET"])
@requires(*ANY_USER)
@blp.arguments(PreviewArgs, location="query")
@blp.response(200, PreviewSchema)
def preview(args: dict[str, Any], code: str) -> Any:
    """The playlist a screen plays at `at`: e.g. LIM departures on 24 December at 21:00."""
    at = args["at"] or datetime.now(UTC)
    overview = build_overview(at, current_user_required(), code)
    if overview is None or not overview.screens:
        abort(404, message=f"no screen {code!r} in a campaign you may see")
    view = overview.screens[0]
    return {
        "screen": view.screen.code,
        "at": at,
        "local_time": view.local_time,
        "valid_until": view.valid_until,
        "version": view.version,
        "is_fallback": view.is_fallback,
        "items": [
            {
                "id": i.item.id,
                "message": i.item.message_key,
                "lang": i.item.lang,
                "duration_s": i.item.duration_s,
                "headline": i.headline,
                "url": i.asset.url if i.asset else None,
            }
            for i in view.items
        ],
    }
