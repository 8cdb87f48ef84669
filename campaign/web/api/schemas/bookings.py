"""Schemas for bookings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from campaign.domain.model import WEEKDAYS, Orientation
from campaign.web.api.schemas.common import ID, SLUG, patch_of

_ID = {"allow_none": True, "load_default": None, "validate": ID}


class BookingSchema(Schema):
    """Which message runs where and when. On a screen, the bookings playing at an instant share
    its loop by weight: each gets slots exactly in proportion to its weight (3 and 1: three slots
    and one in every loop), spread out; no message plays twice in a row wherever the weights
    leave room (no message over half of the loop), else the heavy one repeats in runs as even as
    they can be. Only the highest priority playing is shown. Other campaigns on the same screen
    take their share of voice of the loop's airtime around it (Phase.share_of_voice)."""

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
    weight = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=100),
        metadata={"description": "Slots in the loop, in proportion to the other bookings' weights"},
    )
    priority = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=1000),
        metadata={"description": "Only the highest priority playing on a screen is shown"},
    )
    slot_duration_s = fields.Integer(load_default=10, validate=validate.Range(min=1, max=300))
    orientation = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.OneOf([o.value for o in Orientation]),
    )


BookingPatchSchema = patch_of(BookingSchema, exclude=("campaign_id", "key"))
