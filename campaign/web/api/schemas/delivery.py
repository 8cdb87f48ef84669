"""Schemas for planned against actual, and for the phase-end report (dates as ISO strings)."""

from __future__ import annotations

from datetime import date

from marshmallow import Schema, ValidationError, fields, validate

from campaign.web.api.schemas.common import CODE, SLUG, FilterArgs

LANGS = validate.OneOf(["es", "en"])


def _iso_day(value: str) -> None:
    try:
        ok = len(value) == 10 and date.fromisoformat(value) is not None
    except ValueError:
        ok = False
    if not ok:
        raise ValidationError("a day like 2026-12-24")


def _day(description: str, **kwargs: object) -> fields.String:
    """A day as YYYY-MM-DD (checked when read: an empty or other value is refused)."""
    metadata = {"format": "date", "description": description}
    return fields.String(metadata=metadata, validate=_iso_day, **kwargs)  # type: ignore[arg-type]


def _instant(description: str, **kwargs: object) -> fields.String:
    return fields.String(metadata={"format": "date-time", "description": description}, **kwargs)


# "from" and "to" cannot be attribute names: the schema is made from a dict.
DeliveryArgs = FilterArgs.from_dict(
    {
        "campaign": fields.String(
            validate=SLUG, metadata={"description": "The campaign's slug (default: the first)"}
        ),
        "phase": fields.Integer(
            validate=validate.Range(min=1, max=2**31 - 1),
            metadata={"description": "One of the campaign's phases (its id)"},
        ),
        "hub": fields.String(validate=CODE, metadata={"description": "One hub of the campaign"}),
        "from": _day("The first day, at each hub (default: the phase's, or 30 days ago)"),
        "to": _day("The last day, included (default: the phase's last, or today)"),
        "lang": fields.String(validate=LANGS, metadata={"description": "Headlines in es or en"}),
    },
    name="DeliveryArgs",
)


class PhaseReportArgs(FilterArgs):
    lang = fields.String(
        validate=LANGS, metadata={"description": "The report's language (default: the caller's)"}
    )


class DeliveryFilterSchema(Schema):
    campaign_id = fields.Integer(required=True)
    campaign = fields.String(required=True)
    phase_id = fields.Integer(allow_none=True)
    hub_code = fields.String(allow_none=True)
    date_from = _day("The first day covered", required=True)
    date_to = _day("The last day covered, included", required=True)


class DeliveryFigureSchema(Schema):
    planned = fields.Integer(required=True)
    actual = fields.Integer(required=True)
    shortfall = fields.Integer(
        required=True, metadata={"description": "planned - actual, 0 when more were played"}
    )
    delivered_pct = fields.Float(
        allow_none=True, metadata={"description": "actual / planned in percent (null: none)"}
    )


class DeliveryPlaceSchema(Schema):
    hub_code = fields.String(required=True)
    hub_name = fields.String(required=True)
    zones = fields.List(fields.String(), required=True)


class BookingDeliverySchema(DeliveryFigureSchema):
    booking_key = fields.String(required=True)
    message_key = fields.String(required=True)
    headline = fields.String(required=True)
    target = fields.String(required=True, metadata={"description": '"": a booking gone'})
    places = fields.List(fields.Nested(DeliveryPlaceSchema), required=True)
    where = fields.String(required=True)


class HubDeliverySchema(DeliveryFigureSchema):
    hub_code = fields.String(required=True)
    hub_name = fields.String(required=True)


class DeliveryReportSchema(Schema):
    filter = fields.Nested(DeliveryFilterSchema, required=True)
    range_end = _instant("The instant the range ends", required=True)
    planned_until = _instant("Planned counts up to here (the range's end, or now)", required=True)
    complete = fields.Boolean(required=True)
    bookings = fields.List(fields.Nested(BookingDeliverySchema), required=True)
    fallback = fields.Nested(DeliveryFigureSchema, required=True)
    total = fields.Nested(DeliveryFigureSchema, required=True)
    hubs = fields.List(fields.Nested(HubDeliverySchema), required=True)
    screens = fields.Integer(required=True)


class PhaseReportSchema(Schema):
    lang = fields.String(required=True)
    generated_at = _instant("When the report was made", required=True)
    timezone = fields.String(required=True)
    campaign_slug = fields.String(required=True)
    campaign_name = fields.String(required=True)
    campaign_slogan = fields.String(required=True)
    phase_id = fields.Integer(required=True)
    phase_number = fields.Integer(required=True)
    phase_name = fields.String(required=True)
    starts_on = _day("The phase's first day", required=True)
    ends_on = _day("The phase's last day", required=True)
    status = fields.String(required=True)
    funder = fields.String(required=True, metadata={"description": "The funder's name"})
    funding = fields.Dict(required=True, metadata={"description": "Source, funders, decisions"})
    hubs = fields.List(fields.Dict(), required=True)
    screens = fields.Integer(required=True)
    period_from = _day("The first day covered", required=True)
    period_to = _day("The last day covered (so far, while the phase runs)", required=True)
    started = fields.Boolean(required=True)
    over = fields.Boolean(required=True)
    plays = fields.Dict(required=True, metadata={"description": "Plays by every dimension"})
    delivery = fields.Nested(DeliveryReportSchema, required=True)
    uptime = fields.Dict(required=True)
    audience = fields.List(fields.Dict(), required=True)
    audience_formula = fields.String(required=True)
    uptime_formula = fields.String(required=True)
