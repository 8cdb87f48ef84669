"""Schemas for messages, their versions and texts, the workflow actions and comments."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from campaign.web.api.schemas.common import HTTPS, ID, LANG, SLUG, patch_of, text


class TextSchema(Schema):
    headline = text(300)
    body = text(2000)
    call_to_action = text(300)
    hotline = text(40)


class TextOutSchema(TextSchema):
    lang = fields.String(required=True)


_TEXTS = fields.Dict(
    keys=fields.String(validate=LANG),
    values=fields.Nested(TextSchema),
    validate=validate.Length(max=10),
    metadata={"description": "Per language code, e.g. {'es': {...}, 'en': {...}}"},
)


class VersionSchema(Schema):
    number = fields.Integer(required=True)
    status = fields.String(required=True)
    link = fields.String(required=True)
    author_id = fields.Integer(allow_none=True)
    approved_by_id = fields.Integer(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)
    texts = fields.List(fields.Nested(TextOutSchema), required=True)


class MessageSchema(Schema):
    id = fields.Integer(dump_only=True)
    version = fields.Integer(attribute="lock_version", dump_only=True)
    campaign_id = fields.Integer(required=True, validate=ID)
    key = fields.String(required=True, validate=SLUG)
    topic = text(80, load_default="")
    link = fields.String(load_default="", validate=[validate.Length(max=500), HTTPS])
    is_fallback = fields.Boolean(load_default=False)
    texts = _TEXTS


class MessageOutSchema(MessageSchema):
    class Meta:
        exclude = ("texts",)

    latest = fields.Nested(VersionSchema, allow_none=True, dump_only=True)
    missing_languages = fields.List(
        fields.String(),
        dump_only=True,
        metadata={
            "description": "Campaign languages the newest version lacks (an incomplete message "
            "cannot be submitted; its approved version plays in the languages it has)",
        },
    )
    live = fields.Nested(
        VersionSchema,
        allow_none=True,
        dump_only=True,
        metadata={"description": "The version screens may show (approved or paused), if any"},
    )


MessagePatchSchema = patch_of(MessageSchema, exclude=("campaign_id", "key", "texts"))


class TextsEditSchema(Schema):
    version = fields.Integer(required=True)
    texts = fields.Dict(
        keys=fields.String(validate=LANG),
        values=fields.Nested(TextSchema),
        required=True,
        validate=validate.Length(min=1, max=10),
    )


class NumberSchema(Schema):
    number = fields.Integer(
        required=True,
        validate=ID,
        metadata={"description": "The version you reviewed"},
    )


class RejectSchema(NumberSchema):
    comment = text(4000, load_default="")


class CommentInSchema(Schema):
    body = text(4000, 1, required=True)


class CommentSchema(Schema):
    id = fields.Integer(required=True)
    author_id = fields.Integer(allow_none=True)
    body = fields.String(required=True)
    created_at = fields.DateTime(required=True)
