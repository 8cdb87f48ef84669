"""Schemas for users, personal API tokens, signing in and the audit trail."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from campaign.domain.roles import Role
from campaign.web.api.schemas.common import ID, text

ROLE = validate.OneOf([role.value for role in Role])


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    version = fields.Integer(attribute="lock_version", dump_only=True)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = text(200, load_default="")
    role = fields.String(required=True, validate=ROLE)
    partner_id = fields.Integer(allow_none=True, load_default=None, validate=ID)
    active = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    last_login_at = fields.DateTime(dump_only=True, allow_none=True)


class UserCreateSchema(UserSchema):
    password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=12, max=1024),
        metadata={"format": "password"},
    )


class UserPatchSchema(Schema):
    version = fields.Integer(required=True)
    name = text(200)
    role = fields.String(validate=ROLE)
    partner_id = fields.Integer(allow_none=True, validate=ID)
    active = fields.Boolean()
    password = fields.String(
        load_only=True, validate=validate.Length(min=12, max=1024), metadata={"format": "password"}
    )


class LoginSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=1024)
    )


class CsrfSchema(Schema):
    csrf_token = fields.String(required=True)


class TokenInSchema(Schema):
    name = text(100, load_default="")


class TokenSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class NewTokenSchema(TokenSchema):
    token = fields.String(
        required=True, metadata={"description": "The secret, shown only this once"}
    )


class AuditEventSchema(Schema):
    id = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    actor_id = fields.Integer(allow_none=True)
    actor = fields.String(required=True)
    source = fields.String(required=True)
    action = fields.String(required=True)
    entity = fields.String(required=True)
    entity_id = fields.String(required=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)
