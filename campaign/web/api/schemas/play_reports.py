"""Schemas for the reports API: the filter's query arguments, figures, uptime and audience."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from campaign.services.reports import DIMENSIONS
from campaign.web.api.schemas.common import id_field, text


class PlayReportFilterArgs(Schema):
    campaign = text(80, metadata={"description": "The campaign's slug; default: your first"})
    phase = id_field(metadata={"description": "A phase's id: its hubs and days only"})
    hub = text(12, metadata={"description": "A hub's code"})
    date_from = fields.Date(
        data_key="from",
        metadata={"description": "First day (YYYY-MM-DD, at each hub); default: the phase's"},
    )
    date_to = fields.Date(
        data_key="to", metadata={"description": "Last day, included; default: today"}
    )


class PlayReportArgs(PlayReportFilterArgs):
    by = fields.String(
        load_default="day",
        validate=validate.OneOf(DIMENSIONS),
        metadata={"description": "What the rows are: " + ", ".join(DIMENSIONS)},
    )


class PlayReportFilterSchema(Schema):
    campaign = fields.String(required=True)
    phase = fields.Integer(allow_none=True, metadata={"description": "The phase's id"})
    hub = fields.String(allow_none=True)
    date_from = fields.Date(
        data_key="from", required=True, metadata={"description": "Days covered: the first"}
    )
    date_to = fields.Date(data_key="to", required=True, metadata={"description": "The last"})


class PlayReportFigureSchema(Schema):
    key = fields.String(
        required=True,
        metadata={
            "description": "message key, language code ('es+en': a bilingual slide, '': "
            "unknown), hub code, 'HUB/ZONE', screen code or day (YYYY-MM-DD)"
        },
    )
    label = fields.String(required=True, metadata={"description": "For people, in your language"})
    plays = fields.Integer(required=True, metadata={"description": "Accepted plays"})
    seconds = fields.Float(
        required=True, metadata={"description": "On-screen seconds: the plays' durations summed"}
    )


class PlayReportSchema(Schema):
    filter = fields.Nested(PlayReportFilterSchema, required=True)
    by = fields.String(required=True)
    total = fields.Nested(PlayReportFigureSchema, required=True)
    rows = fields.List(fields.Nested(PlayReportFigureSchema), required=True)
    rolled_up_plays = fields.Integer(
        required=True, metadata={"description": "Of the total, counted by the nightly roll-up"}
    )
    recent_plays = fields.Integer(
        required=True,
        metadata={"description": "Of the total, read from the plays of days not rolled up yet"},
    )


class PlayReportScreenUptimeSchema(Schema):
    screen = fields.String(required=True)
    hub = fields.String(required=True)
    zone = fields.String(required=True)
    hours = fields.Integer(required=True, metadata={"description": "Hours of the days that ended"})
    up_hours = fields.Float(required=True, metadata={"description": "Sum of min(1, beats / 60)"})
    share = fields.Float(allow_none=True, metadata={"description": "up_hours / hours, 0 to 1"})
    last_heartbeat_at = fields.DateTime(allow_none=True)


class PlayReportHubUptimeSchema(Schema):
    hub = fields.String(required=True)
    name = fields.String(required=True)
    screens = fields.Integer(required=True)
    hours = fields.Integer(required=True, metadata={"description": "Screen-hours counted"})
    up_hours = fields.Float(required=True)
    share = fields.Float(allow_none=True)


class PlayReportAudienceSchema(Schema):
    hub = fields.String(required=True)
    name = fields.String(required=True)
    yearly_passengers = fields.Integer(allow_none=True)
    days_with_plays = fields.Integer(required=True)
    estimate = fields.Integer(
        allow_none=True, metadata={"description": "An estimate; null without a passenger figure"}
    )


class UptimeReportSchema(Schema):
    filter = fields.Nested(PlayReportFilterSchema, required=True)
    formula = fields.String(required=True)
    share = fields.Float(allow_none=True)
    hours = fields.Integer(required=True)
    up_hours = fields.Float(required=True)
    hubs = fields.List(fields.Nested(PlayReportHubUptimeSchema), required=True)
    screens = fields.List(fields.Nested(PlayReportScreenUptimeSchema), required=True)


class AudienceReportSchema(Schema):
    filter = fields.Nested(PlayReportFilterSchema, required=True)
    formula = fields.String(required=True, metadata={"description": "How the estimate is made"})
    hubs = fields.List(fields.Nested(PlayReportAudienceSchema), required=True)
