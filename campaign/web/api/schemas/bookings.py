"""Schemas for bookings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from campaign.domain.model import WEEKDAYS, Orientation
from campaign.web.api.schemas.common import ID, SLUG, patch_of

_ID = {"allow_none": True, "load_default": None, "validate": ID}


class BookingSchema(Schema):
    id = fields.Integer(dump_only=True)
    version = fields.Integer(attribute="lock_version", dump_only=True)
    campaign_id = fields.Integer(required=True, validate=ID)
    key = fields.String(required=True, validate=SLUG)
    message_id = fields.Integer(required=True, validate=ID)
    phase_id = fields.Integer(**_ID)
    hub_id = fields.Integer(**_ID)
    zone_id = fields.Integer(**_ID)
    screen_id = fields.Integer(**_ID)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    weekdays = fields.String(
        load_default=",".join(WEEKDAYS),
        validate=validate.Regexp(
            rf"^({'|'.join(WEEKDAYS)})(,({'|'.join(WEEKDAYS)}))*$",
            error="days like 'mon,tue,sat'",
        ),
    )
    window_start = fields.Time(allow_none=True, load_default=None)
    window_end = fields.Time(allow_none=True, load_default=None)
    weight = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100))
    priority = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1000))
    slot_duration_s = fields.Integer(load_default=10, validate=validate.Range(min=1, max=300))
    orientation = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf([o.value for o in Orientation]),
    )


BookingPatchSchema = patch_of(BookingSchema, exclude=("campaign_id", "key"))
