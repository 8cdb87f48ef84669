"""Schemas for opening hubs from a kit and for every hub at a glance."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from campaign.services.expansion import BY_PHASE, BY_VENUE, COPIED, NO_SCREEN, OUTSIDE
from campaign.services.hub_overview import NO_PHASE
from campaign.web.api.schemas.common import SLUG
from campaign.web.api.schemas.places import HubSchema

_PHASE = validate.Range(min=1, max=99_999)
STATUSES = ("active", "upcoming", "unfunded", "completed", "cancelled", NO_PHASE)
BOOKING_FATES = (COPIED, BY_VENUE, BY_PHASE, OUTSIDE, NO_SCREEN)


class OverviewArgs(Schema):
    format = fields.String(
        load_default="json",
        validate=validate.OneOf(["json", "csv"]),
        metadata={"description": "csv: the same rows as a CSV file (or send Accept: text/csv)"},
    )


class HubRowSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    region = fields.String(required=True)
    timezone = fields.String(required=True)
    campaign = fields.String(allow_none=True, metadata={"description": "The phase's campaign"})
    phase = fields.Integer(
        allow_none=True,
        metadata={
            "description": "The phase that decides it: the active one, else the next, "
            "else the latest"
        },
    )
    phase_name = fields.String(required=True)
    status = fields.String(
        required=True,
        metadata={
            "enum": list(STATUSES),
            "description": "upcoming: planned and funded; "
            "unfunded: planned, waiting for funding; none: in no phase",
        },
    )
    screens_planned = fields.Integer(required=True, metadata={"description": "Registered"})
    screens_installed = fields.Integer(required=True, metadata={"description": "With a token"})
    screens_online = fields.Integer(
        required=True, metadata={"description": "Heard from within three poll intervals"}
    )
    plays = fields.Integer(required=True, metadata={"description": "Every play reported so far"})
    yearly_passengers = fields.Integer(allow_none=True)


class OverviewSchema(Schema):
    at = fields.DateTime(required=True)
    items = fields.List(fields.Nested(HubRowSchema), required=True)


class PhaseRefSchema(Schema):
    campaign = fields.String(required=True)
    number = fields.Integer(required=True)
    name = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class ScreenClassSchema(Schema):
    orientation = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    language_policy = fields.String(allow_none=True)
    count = fields.Integer(required=True)


class KitZoneSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    venue_type = fields.String(required=True)
    language_policy = fields.String(allow_none=True)
    screen_classes = fields.List(fields.Nested(ScreenClassSchema), required=True)


class KitBookingSchema(Schema):
    key = fields.String(required=True)
    message_key = fields.String(required=True)
    target = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    copied = fields.Boolean(
        required=True,
        metadata={"description": "false: a venue booking, which reaches the new zones already"},
    )


class KitSchema(Schema):
    hub_code = fields.String(required=True)
    hub_name = fields.String(required=True)
    phase = fields.Nested(
        PhaseRefSchema, allow_none=True, metadata={"description": "Where the bookings come from"}
    )
    zones = fields.List(fields.Nested(KitZoneSchema), required=True)
    bookings = fields.List(fields.Nested(KitBookingSchema), required=True)


class KitArgs(Schema):
    phase = fields.Integer(
        validate=_PHASE,
        metadata={
            "description": "The phase the bookings come from (default: the latest "
            "including the hub that has bookings)"
        },
    )
    campaign = fields.String(
        validate=SLUG, metadata={"description": "The campaign, when there are several"}
    )


class OpenHubSchema(HubSchema):
    """A new hub, built from another hub's kit into a phase."""

    source_hub = fields.String(
        required=True,
        validate=validate.Regexp(r"^[A-Z0-9][A-Z0-9_-]{0,11}$"),
        metadata={"description": "The hub whose kit is copied", "example": "LIM"},
    )
    phase = fields.Integer(
        required=True, validate=_PHASE, metadata={"description": "The phase the hub joins"}
    )
    campaign = fields.String(
        load_default=None,
        validate=SLUG,
        metadata={"description": "The phase's campaign, when there are several"},
    )
    source_phase = fields.Integer(
        load_default=None,
        validate=_PHASE,
        metadata={
            "description": "The phase the bookings come from (default: the latest "
            "including the source hub that has bookings)"
        },
    )
    create_screens = fields.Boolean(
        load_default=True,
        metadata={"description": "Register its screens (planned: without a token) per class"},
    )
    dry_run = fields.Boolean(
        load_default=False, metadata={"description": "true: answer the plan, save nothing"}
    )


class PlannedHubSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    region = fields.String(required=True)
    timezone = fields.String(required=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    yearly_passengers = fields.Integer(allow_none=True)


class PlannedScreenSchema(Schema):
    code = fields.String(required=True)
    orientation = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    language_policy = fields.String(allow_none=True)


class PlannedZoneSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    venue_type = fields.String(required=True)
    language_policy = fields.String(allow_none=True)
    screens = fields.List(fields.Nested(PlannedScreenSchema), required=True)


class PlannedBookingSchema(Schema):
    key = fields.String(required=True)
    message_key = fields.String(required=True)
    target = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    status = fields.String(
        required=True,
        metadata={
            "enum": list(BOOKING_FATES),
            "description": "copied; by_venue: reaches the new zones by venue type already; "
            "by_phase: aims at the phase the hub joins; outside: shifted, it falls after "
            "the phase; no_screen: aims at a screen, and none is created",
        },
    )
    new_key = fields.String(allow_none=True)
    new_target = fields.String(allow_none=True)
    new_starts_on = fields.Date(allow_none=True)
    new_ends_on = fields.Date(allow_none=True)


class OpenHubPlanSchema(Schema):
    applied = fields.Boolean(required=True, metadata={"description": "false: a dry run"})
    hub = fields.Nested(PlannedHubSchema, attribute="request", required=True)
    phase = fields.Nested(PhaseRefSchema, required=True, metadata={"description": "It joins"})
    source_phase = fields.Nested(PhaseRefSchema, allow_none=True)
    zones = fields.List(fields.Nested(PlannedZoneSchema), required=True)
    bookings = fields.List(fields.Nested(PlannedBookingSchema), required=True)
