"""Schemas for campaigns, partner organisations and phases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from marshmallow import Schema, fields, validate, validates_schema
from marshmallow.exceptions import ValidationError

from campaign.domain.model import FundingStatus, PartnerRole
from campaign.services import clock, phase_lifecycle
from campaign.web.api.schemas.common import (
    COLOUR,
    HTTPS,
    ID,
    LANG,
    MONEY_PATTERN,
    SLUG,
    patch_of,
    text,
)

_ID_LIST = {"type": "array", "items": {"type": "integer"}}
_PER_LANGUAGE = {"keys": fields.String(validate=LANG), "values": text(300)}
_MAX_SHARE = 1000


def share_of_voice(**kwargs: Any) -> fields.Float:
    """A positive number: a campaign's share of a screen's loop against the other campaigns."""
    return fields.Float(
        validate=validate.Range(
            min=0.001, max=_MAX_SHARE, error="must be a positive number from 0.001 up to 1000"
        ),
        **kwargs,
    )


FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2999, 12, 31)


def phase_day(value: date | None) -> None:
    """A phase's day within reach of every hub's clock (a plain function, as `_budget`)."""
    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        raise ValidationError(f"must be a day from {FIRST_DAY} to {LAST_DAY}")


# The document says it too (campaign.web.openapi reads `json_schema`): years 1970 to 2999.
phase_day.json_schema = {"pattern": r"^(19[7-9][0-9]|2[0-9]{3})-"}  # type: ignore[attr-defined]


def _budget(value: Decimal | None) -> None:
    # A plain function: a Range on a Decimal would put strings into the OpenAPI bounds.
    if value is not None and not 0 <= value < 10**12:
        raise ValidationError("must be between 0 and 999999999999.99")


class CampaignSchema(Schema):
    id = fields.Integer(dump_only=True)
    version = fields.Integer(attribute="lock_version", dump_only=True)
    slug = fields.String(required=True, validate=SLUG)
    names = fields.Dict(required=True, validate=validate.Length(min=1, max=10), **_PER_LANGUAGE)
    slogans = fields.Dict(load_default=dict, validate=validate.Length(max=10), **_PER_LANGUAGE)
    languages = fields.List(
        fields.String(validate=LANG),
        required=True,
        validate=validate.Length(min=1, max=5),
        metadata={"uniqueItems": True},
    )
    background = fields.String(load_default="#0B3D91", validate=COLOUR)
    foreground = fields.String(load_default="#FFFFFF", validate=COLOUR)
    accent = fields.String(load_default="#FFC72C", validate=COLOUR)
    requires_partner_approval = fields.Boolean(load_default=False)
    share_of_voice_by_hub = fields.Dict(
        keys=fields.String(validate=validate.Regexp(r"^[A-Z0-9][A-Z0-9_-]{0,39}$")),
        values=share_of_voice(),
        load_default=dict,
        validate=validate.Length(max=500),
        metadata={
            "description": "Hub code → the campaign's share of voice there, over its phases' "
            '(see Phase.share_of_voice); e.g. {"LIM": 2}'
        },
    )
    partner_ids = fields.List(
        fields.Integer(validate=ID),
        load_default=list,
        validate=validate.Length(max=50),
    )

    @validates_schema
    def distinct_languages(self, data: dict[str, Any], **_kwargs: Any) -> None:
        languages = data.get("languages")
        if languages is not None and len(set(languages)) != len(languages):
            raise ValidationError("each language once", "languages")


class CampaignOutSchema(CampaignSchema):
    partner_ids = fields.Method("_partner_ids", metadata=_ID_LIST)

    def _partner_ids(self, row: Any) -> list[int]:
        return [p.id for p in row.partners]


class CampaignPatchSchema(patch_of(CampaignSchema, exclude=("slug",))):  # type: ignore[misc]
    confirm_language_removal = fields.Boolean(
        load_only=True,
        load_default=False,
        metadata={
            "description": "Remove a language even though approved messages use it (they then "
            "play in the languages left); without it such a change is refused with 409"
        },
    )


class PartnerSchema(Schema):
    id = fields.Integer(dump_only=True)
    version = fields.Integer(attribute="lock_version", dump_only=True)
    slug = fields.String(required=True, validate=SLUG)
    name = text(200, 1, required=True)
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in PartnerRole]))
    website = fields.String(load_default="", validate=[validate.Length(max=300), HTTPS])
    appears_on_slides = fields.Boolean(load_default=False)


PartnerPatchSchema = patch_of(PartnerSchema, exclude=("slug",))


class PhaseSchema(Schema):
    id = fields.Integer(dump_only=True)
    version = fields.Integer(attribute="lock_version", dump_only=True)
    campaign_id = fields.Integer(required=True, validate=ID)
    number = fields.Integer(required=True, validate=validate.Range(min=1, max=1000))
    name = text(200, 1, required=True)
    starts_on = fields.Date(required=True, validate=phase_day)
    ends_on = fields.Date(required=True, validate=phase_day)
    funding_source = text(200, load_default="")
    budget = fields.Decimal(
        places=2,
        allow_none=True,
        load_default=None,
        as_string=True,
        metadata={"type": "string", "example": "1500.00", "pattern": MONEY_PATTERN},
        validate=_budget,
    )
    currency = fields.String(load_default="USD", validate=validate.Regexp(r"^[A-Z]{3}$"))
    funding_status = fields.String(
        load_default="pending", validate=validate.OneOf([s.value for s in FundingStatus])
    )
    hub_ids = fields.List(
        fields.Integer(validate=ID),
        load_default=list,
        validate=validate.Length(max=200),
    )
    share_of_voice = share_of_voice(
        load_default=1.0,
        metadata={
            "description": "The campaign's share of a screen's loop at this phase's hubs while "
            "the phase is active, against the other campaigns playing there: 2 against another "
            "campaign's 1 gives it two thirds of the airtime. Equal (1) by default."
        },
    )


class PhaseOutSchema(PhaseSchema):
    hub_ids = fields.Method("_hub_ids", metadata=_ID_LIST)
    status = fields.Method(
        "_status",
        metadata={
            "type": "string",
            "enum": ["planned", "active", "completed", "cancelled"],
            "description": "The phase's lifecycle now at its first hub (its dates are read in "
            "each hub's timezone); status_by_hub has every hub's",
        },
    )
    status_by_hub = fields.Method(
        "_status_by_hub",
        metadata={
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": 'Hub code → the phase\'s lifecycle there now, e.g. {"LIM": "active"}',
        },
    )
    cancelled_at = fields.DateTime(allow_none=True, dump_only=True)
    cancel_reason = fields.String(dump_only=True)

    def _hub_ids(self, row: Any) -> list[int]:
        return [h.id for h in row.hubs]

    def _status(self, row: Any) -> str:
        return phase_lifecycle.status(row, clock.now())

    def _status_by_hub(self, row: Any) -> dict[str, str]:
        return {h.code: h.state for h in phase_lifecycle.hub_states(row, clock.now())}


PhasePatchSchema = patch_of(PhaseSchema, exclude=("campaign_id",))
