"""Schemas for calendar feeds: a feed as listed, a new one with its address, making one."""

from __future__ import annotations

from marshmallow import Schema, fields

from campaign.web.api.schemas.common import CODE, id_field, text


class CalendarFeedSchema(Schema):
    id = fields.Integer(required=True)
    campaign_id = fields.Integer(required=True)
    campaign_slug = fields.String(required=True)
    hub_code = fields.String(
        allow_none=True, metadata={"description": "The hub of a hub's feed; null: every hub"}
    )
    label = fields.String(required=True)
    created_by = fields.String(
        required=True, metadata={"description": "Who made it; empty for the command line"}
    )
    created_at = fields.DateTime(required=True)
    revoked_at = fields.DateTime(allow_none=True)
    status = fields.String(required=True, metadata={"enum": ["active", "revoked"]})


class NewCalendarFeedSchema(CalendarFeedSchema):
    url = fields.String(
        required=True,
        metadata={"description": "The feed's address (text/calendar), shown only this once"},
    )
    webcal_url = fields.String(
        required=True, metadata={"description": "The same address as webcal://, for calendar apps"}
    )


class CalendarFeedInSchema(Schema):
    campaign_id = id_field(required=True)
    hub_code = fields.String(
        load_default=None,
        allow_none=True,
        validate=CODE,
        metadata={
            "description": "A hub of the campaign's phases for a hub's feed; none: every hub"
        },
    )
    label = text(200, load_default="")


class CalendarFeedArgs(Schema):
    campaign_id = id_field(metadata={"description": "Only this campaign's feeds"})
