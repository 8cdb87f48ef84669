"""Schemas for hubs, zones and screens."""

from __future__ import annotations

from zoneinfo import ZoneInfo, available_timezones

from marshmallow import Schema, ValidationError, fields, validate

from campaign.domain.model import HubKind, LanguagePolicy, Orientation
from campaign.web.api.schemas.common import CODE, ID, patch_of, text

_POLICY = validate.Regexp(
    rf"^({'|'.join(p.value for p in LanguagePolicy)}|[a-z]{{2,3}})$",
    error="pair, alternate, bilingual or a language code",
)


# Every IANA name this server knows, listed in the document (about 600 short strings).
TIMEZONES = sorted(tz for tz in available_timezones() if len(tz) <= 64)


def _timezone(value: str) -> None:
    try:
        ok = value in available_timezones() and ZoneInfo(value) is not None
    except (ValueError, OSError):
        ok = False
    if not ok:
        raise ValidationError(f"{value!r} is not an IANA timezone like 'America/Lima'")


class HubSchema(Schema):
    id = fields.Integer(dump_only=True)
    version = fields.Integer(attribute="lock_version", dump_only=True)
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Z0-9][A-Z0-9_-]{0,11}$"))
    name = text(200, 1, required=True)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in HubKind]))
    region = text(120, load_default="")
    timezone = fields.String(
        required=True,
        validate=[validate.Length(max=64), _timezone],
        metadata={"example": "America/Lima", "enum": TIMEZONES},
    )
    latitude = fields.Float(allow_none=True, load_default=None, validate=validate.Range(-90, 90))
    longitude = fields.Float(allow_none=True, load_default=None, validate=validate.Range(-180, 180))
    yearly_passengers = fields.Integer(
        allow_none=True, load_default=None, validate=validate.Range(min=0, max=2**31 - 1)
    )


HubPatchSchema = patch_of(HubSchema, exclude=("code",))


class ZoneSchema(Schema):
    id = fields.Integer(dump_only=True)
    version = fields.Integer(attribute="lock_version", dump_only=True)
    hub_id = fields.Integer(required=True, validate=ID)
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Z0-9][A-Z0-9_-]{0,23}$"))
    name = text(200, 1, required=True)
    venue_type = text(80, load_default="")
    language_policy = fields.String(allow_none=True, load_default=None, validate=_POLICY)


ZonePatchSchema = patch_of(ZoneSchema, exclude=("hub_id", "code"))


class ScreenSchema(Schema):
    id = fields.Integer(dump_only=True)
    version = fields.Integer(attribute="lock_version", dump_only=True)
    zone_id = fields.Integer(required=True, validate=ID)
    code = fields.String(required=True, validate=CODE)
    name = text(200, load_default="")
    orientation = fields.String(
        required=True, validate=validate.OneOf([o.value for o in Orientation])
    )
    width = fields.Integer(required=True, validate=validate.Range(min=1, max=16384))
    height = fields.Integer(required=True, validate=validate.Range(min=1, max=16384))
    language_policy = fields.String(allow_none=True, load_default=None, validate=_POLICY)
    token_issued_at = fields.DateTime(dump_only=True, allow_none=True)
    token_revoked_at = fields.DateTime(dump_only=True, allow_none=True)
    last_seen_at = fields.DateTime(dump_only=True, allow_none=True)
    has_token = fields.Method("_has_token", metadata={"type": "boolean"})

    def _has_token(self, row: object) -> bool:
        return getattr(row, "token_hash", None) is not None


ScreenPatchSchema = patch_of(ScreenSchema, exclude=("code",))


class ScreenTokenSchema(Schema):
    screen = fields.Nested(ScreenSchema, required=True)
    token = fields.String(
        required=True, metadata={"description": "The screen's secret, shown only this once"}
    )
