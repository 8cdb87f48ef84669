"""Schemas for partner preview links: a link as listed, a new one with its address, making one."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from campaign.web.api.schemas.common import CODE, id_field, text

SCOPES = ["campaign", "phase", "hub", "message"]


class PreviewLinkSchema(Schema):
    id = fields.Integer(required=True)
    campaign_id = fields.Integer(required=True)
    campaign_slug = fields.String(required=True)
    partner_id = fields.Integer(required=True)
    partner_slug = fields.String(required=True)
    scope = fields.String(required=True, metadata={"enum": SCOPES})
    phase_id = fields.Integer(allow_none=True, metadata={"description": "A phase's link"})
    hub_code = fields.String(allow_none=True, metadata={"description": "A hub's link"})
    message_id = fields.Integer(allow_none=True, metadata={"description": "A message's link"})
    target = fields.String(required=True, metadata={"description": "What it shows, in words"})
    approver_id = fields.Integer(
        allow_none=True,
        metadata={"description": "The partner's user who may approve and comment; null: view only"},
    )
    approver = fields.String(required=True, metadata={"description": "Their name or e-mail"})
    label = fields.String(required=True)
    created_by = fields.String(
        required=True, metadata={"description": "Who made it; empty for the command line"}
    )
    created_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True)
    revoked_at = fields.DateTime(allow_none=True)
    last_opened_at = fields.DateTime(allow_none=True)
    status = fields.String(required=True, metadata={"enum": ["active", "expired", "revoked"]})


class NewPreviewLinkSchema(PreviewLinkSchema):
    url = fields.String(
        required=True,
        metadata={"description": "The address a partner opens, shown only this once"},
    )


class PreviewLinkInSchema(Schema):
    campaign_id = id_field(required=True)
    partner_id = id_field(
        required=True, metadata={"description": "A partner organisation of the campaign"}
    )
    scope = fields.String(
        load_default="campaign",
        validate=validate.OneOf(SCOPES),
        metadata={"description": "What the link shows: the campaign, or one phase, hub or message"},
    )
    phase_id = id_field(
        load_default=None, allow_none=True, metadata={"description": "For scope phase"}
    )
    hub_code = fields.String(
        load_default=None,
        allow_none=True,
        validate=CODE,
        metadata={"description": "For scope hub: a hub of the campaign's phases"},
    )
    message_id = id_field(
        load_default=None, allow_none=True, metadata={"description": "For scope message"}
    )
    approver_id = id_field(
        load_default=None,
        allow_none=True,
        metadata={"description": "An active user of the partner organisation; none: view only"},
    )
    days = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=10_000),
        metadata={"description": "How long it lasts (default 30; at most PREVIEW_LINK_MAX_DAYS)"},
    )
    label = text(200, load_default="")


class PreviewLinkArgs(Schema):
    campaign_id = id_field(metadata={"description": "Only this campaign's links"})
