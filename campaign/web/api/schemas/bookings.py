"""Schemas for bookings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from campaign.domain.model import WEEKDAYS, Orientation
from campaign.web.api.schemas.common import ID, SLUG, patch_of

_ID = {"allow_none": True, "load_default": None, "validate": ID}
_HUB, _ZONE_CODE = r"[A-Z0-9][A-Z0-9_-]{0,11}", r"[A-Z0-9][A-Z0-9_-]{0,23}"
_SCREEN, _VENUE_CODE = r"[A-Z0-9][A-Z0-9_-]{0,39}", r"[a-z0-9_]{1,40}(\.[a-z0-9_]{1,40}){0,5}"
_CODE = validate.Regexp(rf"^{_SCREEN}$", error="capital letters, digits, '-', '_'")
_ZONE = validate.Regexp(rf"^{_HUB}/{_ZONE_CODE}$", error="a zone like LIM/ARR")
_VENUE = validate.Regexp(
    rf"^{_VENUE_CODE}$", error="a venue type code like transit.airports.departures"
)
_TARGET = validate.Regexp(
    rf"^(phase:\d{{1,5}}|hub:{_HUB}|zone:{_HUB}/{_ZONE_CODE}|screen:{_SCREEN}|venue:{_VENUE_CODE})$",
    error="a target like phase:1, hub:LIM, zone:LIM/ARR, screen:LIM-ARR-01 or venue:a.b",
)


def _code(description: str, check: validate.Validator, **extra: object) -> fields.String:
    """A code people use instead of an id: only read, resolved to the id it names (422 naming
    the field when it names nothing)."""
    return fields.String(
        load_only=True, validate=check, metadata={"description": description, **extra}
    )


# A local time of day, as the document states it (marshmallow also reads a few other spellings).
_TIME = {"pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", "example": "18:30"}


class BookingSchema(Schema):
    """Which message runs where and when. On a screen, the bookings playing at an instant share
    its loop by weight: each gets slots exactly in proportion to its weight (3 and 1: three slots
    and one in every loop), spread out; no message plays twice in a row wherever the weights
    leave room (no message over half of the loop), else the heavy one repeats in runs as even as
    they can be. Only the highest priority playing is shown. Other campaigns on the same screen
    take their share of voice of the loop's airtime around it (Phase.share_of_voice).

    Give the message and the target by id or by code: the message by `message_id` or
    `message_key`; the campaign by `campaign_id` or `campaign_slug`; exactly one target, by id
    (`phase_id`, `hub_id`, `zone_id`, `screen_id`) or by code: `target` as a plan writes it
    ("phase:1", "hub:LIM", "zone:LIM/ARR", "screen:LIM-ARR-01",
    "venue:transit.airports.departures"), `phase_number`, `hub_code`, `zone` ("LIM/ARR") or
    `hub_code` with `zone_code`, `screen_code`, or `venue_type` (every zone of that OpenOOH
    venue type, in every hub). A code that names nothing is a 422 naming its field. The dates
    must fall within the phases the target runs in; a daily window may cross midnight
    (22:00-02:00 belongs to the day it starts) but may not end where it starts."""

    id = fields.Integer(dump_only=True)
    version = fields.Integer(attribute="lock_version", dump_only=True)
    campaign_id = fields.Integer(load_default=None, validate=ID)
    campaign_slug = _code("The campaign by its slug, instead of campaign_id", SLUG)
    key = fields.String(required=True, validate=SLUG)
    message_id = fields.Integer(load_default=None, validate=ID)
    message_key = fields.String(
        validate=SLUG,
        metadata={"description": "The message by its key, instead of message_id"},
    )
    target = fields.String(
        validate=_TARGET,
        metadata={
            "description": "The target as a plan writes it; instead of the target fields",
            "example": "zone:LIM/ARR",
        },
    )
    phase_id = fields.Integer(**_ID)
    hub_id = fields.Integer(**_ID)
    zone_id = fields.Integer(**_ID)
    screen_id = fields.Integer(**_ID)
    venue_type = fields.String(
        allow_none=True,
        load_default=None,
        validate=_VENUE,
        metadata={
            "description": "Every zone of this venue type, in every hub",
            "example": "transit.airports.departures",
        },
    )
    phase_number = fields.Integer(
        load_only=True,
        validate=validate.Range(min=1, max=99_999),
        metadata={"description": "A phase target by the phase's number"},
    )
    hub_code = _code("A hub target by its code (with zone_code: that zone)", _CODE, example="LIM")
    zone = _code("A zone target as HUB/ZONE", _ZONE, example="LIM/ARR")
    zone_code = _code("A zone target by its code, with hub_code", _CODE, example="ARR")
    screen_code = _code("A screen target by its code", _CODE, example="LIM-ARR-01")
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    weekdays = fields.String(
        load_default=",".join(WEEKDAYS),
        validate=validate.Regexp(
            rf"^({'|'.join(WEEKDAYS)})(,({'|'.join(WEEKDAYS)}))*$",
            error="days like 'mon,tue,sat'",
        ),
    )
    window_start = fields.Time(allow_none=True, load_default=None, metadata=_TIME)
    window_end = fields.Time(allow_none=True, load_default=None, metadata=_TIME)
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


BookingPatchSchema = patch_of(BookingSchema, exclude=("campaign_id", "campaign_slug", "key"))
