"""Schemas for a phase's lifecycle: funding decisions, cancelling, transitions, moving dates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from marshmallow import Schema, fields, validate, validates_schema
from marshmallow.exceptions import ValidationError

from campaign.domain.model import FundingStatus
from campaign.web.api.schemas.campaigns import phase_day
from campaign.web.api.schemas.common import MONEY_PATTERN, text

_CURRENCY = validate.Regexp(r"^[A-Z]{3}$", error="three capital letters, such as USD or PEN")
_STATES = ["planned", "active", "completed", "cancelled"]


def _amount(value: Decimal | None) -> None:
    # A plain function: a Range on a Decimal would put strings into the OpenAPI bounds.
    if value is not None and not 0 <= value < 10**12:
        raise ValidationError("must be between 0 and 999999999999.99")


def _money(description: str = "", **kwargs: Any) -> fields.Decimal:
    metadata = {"type": "string", "example": "45000.00", "pattern": MONEY_PATTERN}
    if description:
        metadata["description"] = description
    return fields.Decimal(places=2, as_string=True, allow_none=True, metadata=metadata, **kwargs)


class FundingDecisionSchema(Schema):
    """A decision on a phase's funding, as recorded."""

    id = fields.Integer(required=True)
    phase_id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": [s.value for s in FundingStatus]})
    amount = _money(required=True)
    currency = fields.String(required=True)
    decided_by_id = fields.Integer(
        allow_none=True, required=True, metadata={"description": "The user who decided"}
    )
    decided_by = fields.String(
        attribute="decided_by_label",
        required=True,
        metadata={"description": "Who decided, as written at the time (name and e-mail)"},
    )
    decided_at = fields.DateTime(required=True)
    note = fields.String(required=True)


class FundingDecisionInSchema(Schema):
    status = fields.String(
        required=True,
        validate=validate.OneOf([s.value for s in FundingStatus]),
        metadata={
            "description": "confirmed lets the phase play within its dates; declined cancels it "
            "for good; pending waits"
        },
    )
    amount = _money(
        "The amount decided; it becomes the phase's budget", load_default=None, validate=_amount
    )
    currency = fields.String(
        load_default=None,
        validate=_CURRENCY,
        metadata={"description": "The amount's currency; the phase's when left out"},
    )
    note = text(500, load_default="")


class CancelSchema(Schema):
    reason = text(300, 1, required=True, metadata={"description": "Why, for the record"})


class ResizeSchema(Schema):
    # The rule of version_to_apply, as the document states it (campaign.web.openapi adds it).
    JSON_SCHEMA: ClassVar[dict[str, Any]] = {
        "anyOf": [
            {"required": ["version"], "properties": {"version": {"type": "integer"}}},
            {"required": ["dry_run"], "properties": {"dry_run": {"enum": [True]}}},
        ]
    }

    starts_on = fields.Date(
        load_default=None, validate=phase_day, metadata={"description": "The new first day"}
    )
    ends_on = fields.Date(
        load_default=None, validate=phase_day, metadata={"description": "The new last day"}
    )
    version = fields.Integer(
        load_default=None,
        metadata={"description": "The phase's version you read; needed unless dry_run"},
    )
    dry_run = fields.Boolean(
        load_default=False, metadata={"description": "Only answer the plan; nothing is saved"}
    )
    fingerprint = fields.String(
        load_default=None,
        validate=validate.Length(max=64),
        metadata={
            "description": "The plan's fingerprint from a dry run: applying is refused (409) "
            "when the bookings to move have changed since"
        },
    )

    @validates_schema
    def version_to_apply(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data.get("dry_run") and data.get("version") is None:
            raise ValidationError("send the version you read to apply the change", "version")


class BookingMoveSchema(Schema):
    booking_id = fields.Integer(required=True)
    key = fields.String(required=True)
    message = fields.String(required=True, metadata={"description": "The message's key"})
    target = fields.String(required=True)
    old_starts_on = fields.Date(required=True)
    old_ends_on = fields.Date(required=True)
    new_starts_on = fields.Date(required=True)
    new_ends_on = fields.Date(required=True)


class ResizePlanSchema(Schema):
    phase_id = fields.Integer(required=True)
    number = fields.Integer(required=True)
    campaign = fields.String(required=True, metadata={"description": "The campaign's slug"})
    version = fields.Integer(
        required=True, metadata={"description": "The phase's version (after applying, the new one)"}
    )
    old_starts_on = fields.Date(required=True)
    old_ends_on = fields.Date(required=True)
    new_starts_on = fields.Date(required=True)
    new_ends_on = fields.Date(required=True)
    moves = fields.List(fields.Nested(BookingMoveSchema), required=True)
    refusals = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Why these dates cannot be applied; empty when they can"},
    )
    warnings = fields.List(fields.String(), required=True)
    fingerprint = fields.String(required=True)
    allowed = fields.Boolean(required=True)
    applied = fields.Boolean(required=True)


class TransitionSchema(Schema):
    hub_code = fields.String(required=True)
    hub_name = fields.String(required=True)
    timezone = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": _STATES[1:]})
    at = fields.DateTime(required=True, metadata={"description": "When it happened"})
    recorded_at = fields.DateTime(
        required=True, metadata={"description": "When the scheduler recorded it"}
    )


class HubStateSchema(Schema):
    code = fields.String(required=True)
    timezone = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": _STATES})
    next_state = fields.String(allow_none=True, required=True)
    next_at = fields.DateTime(allow_none=True, required=True)
