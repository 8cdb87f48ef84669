"""/api/v1/screens/{code}/preview: what a screen plays at any instant (the players' engine)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields

from campaign.domain.roles import ANY
from campaign.services import clock
from campaign.services.network_pages import local_instant, screen_timezone
from campaign.services.overview import screen_preview
from campaign.web.api.common import blueprint
from campaign.web.api.schemas.common import LocalDateTime
from campaign.web.api_access import requires
from campaign.web.identity import current_user_required

blp = blueprint("previews", "What a screen plays at a given time, for managers and partners")


EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def _plausible(at: datetime) -> None:
    # The engine looks up to a day past the instant: year 9999 would overflow, not answer.
    if not EARLIEST_YEAR <= at.year <= LATEST_YEAR:
        raise ValidationError(f"a date between {EARLIEST_YEAR} and {LATEST_YEAR}")


# The document says it too (campaign.web.openapi reads `json_schema`).
_plausible.json_schema = {"pattern": r"^(20[0-9]{2}|2100)-"}  # type: ignore[attr-defined]


class PreviewArgs(Schema):
    at = fields.DateTime(
        format="iso",
        load_default=None,
        validate=_plausible,
        metadata={
            "description": "When: a local date and time without offset, read in the timezone "
            "of the screen's hub (2026-12-24T21:00 is 21:00 in Lima for a Lima screen), or an "
            "instant with its UTC offset (2026-12-24T21:00:00-05:00). A local time skipped by "
            "a daylight-saving change is read with the offset before it, one that happens "
            "twice as its first occurrence. Default: now.",
            "example": "2026-12-24T21:00",
        },
    )


class PreviewItemSchema(Schema):
    id = fields.String(required=True)
    campaign = fields.String(required=True, metadata={"description": "The campaign's slug"})
    message = fields.String(required=True)
    lang = fields.String(required=True)
    duration_s = fields.Integer(required=True)
    headline = fields.String(
        required=True, metadata={"description": "Empty for another campaign's item you may not see"}
    )
    url = fields.String(allow_none=True, metadata={"description": "Its picture"})


class PreviewSchema(Schema):
    screen = fields.String(required=True)
    at = fields.DateTime(required=True)
    local_time = LocalDateTime(required=True, metadata={"description": "In the hub's timezone"})
    timezone = fields.String(
        required=True,
        metadata={"description": "The hub's IANA timezone", "example": "America/Lima"},
    )
    valid_until = LocalDateTime(required=True)
    version = fields.String(
        required=True, metadata={"description": "The screen's playlist version (its poll's ETag)"}
    )
    is_fallback = fields.Boolean(required=True)
    campaigns = fields.List(
        fields.String(), required=True, metadata={"description": "Slugs of the campaigns playing"}
    )
    items = fields.List(fields.Nested(PreviewItemSchema), required=True)


@blp.route("/screens/<string:code>/preview", methods=["GET"])
@requires(*ANY)
@blp.arguments(PreviewArgs, location="query")
@blp.response(200, PreviewSchema)
def preview(args: dict[str, Any], code: str) -> Any:
    """The playlist a screen plays at `at`: e.g. LIM departures on 24 December at 21:00 (in
    Lima: `?at=2026-12-24T21:00`)."""
    user = current_user_required()
    timezone = screen_timezone(code)
    view = None
    if timezone is not None:
        at = local_instant(args["at"], timezone) if args["at"] else clock.now()
        view = screen_preview(code, at, user)
    if view is None:
        abort(404, message=f"no screen {code!r} in a campaign you may see")
    return {
        "screen": view.screen.code,
        "at": at,
        "local_time": view.local_time,
        "timezone": timezone,
        "valid_until": view.valid_until,
        "version": view.version,
        "is_fallback": view.is_fallback,
        "campaigns": list(view.campaigns),
        "items": [
            {
                "id": i.item.id,
                "campaign": i.item.campaign,
                "message": i.item.message_key,
                "lang": i.item.lang,
                "duration_s": i.item.duration_s,
                "headline": i.headline,
                "url": i.asset.url if i.asset else None,
            }
            for i in view.items
        ],
    }
