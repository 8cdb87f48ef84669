"""Marshmallow schemas that document the player API in the OpenAPI document."""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields, validate


class ScreenInfoSchema(Schema):
    code = fields.String(required=True)
    hub = fields.String(required=True)
    zone = fields.String(required=True)
    orientation = fields.String(required=True, validate=validate.OneOf(["landscape", "portrait"]))
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    timezone = fields.String(required=True, metadata={"example": "America/Lima"})


class PlaylistItemSchema(Schema):
    id = fields.String(
        required=True,
        metadata={
            "description": "<campaign>/<message>.v<version>.<lang>: the same slide, the same id",
            "example": "peru-unido-contra-la-trata/trata-01.v2.es+en",
        },
    )
    campaign = fields.String(required=True, metadata={"description": "The campaign's slug"})
    message = fields.String(
        required=True,
        metadata={"description": "The message's key; \"_campaign\": the campaign's own card"},
    )
    lang = fields.String(
        required=True, metadata={"description": '"es", "en", or "es+en" for a bilingual slide'}
    )
    url = fields.String(required=True, metadata={"description": "/assets/<sha256>.<ext>"})
    sha256 = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    content_type = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    duration_s = fields.Integer(required=True, validate=validate.Range(min=1))


class PlaylistSchema(Schema):
    screen = fields.Nested(ScreenInfoSchema, required=True)
    version = fields.String(required=True, metadata={"description": "Also the ETag"})
    generated_at = fields.DateTime(required=True)
    valid_until = fields.DateTime(
        required=True, metadata={"description": "Play `fallback` after this if not refreshed"}
    )
    poll_after_s = fields.Integer(required=True, validate=validate.Range(min=1))
    items = fields.List(fields.Nested(PlaylistItemSchema), required=True)
    fallback = fields.List(fields.Nested(PlaylistItemSchema), required=True)
    published_url = fields.String(
        allow_none=True,
        metadata={
            "description": "Where this same answer is published as a static file (no token; "
            "poll it with If-None-Match on its own ETag; 404 once the token is revoked or "
            "rotated: poll this API again). Absent when the server does not publish. Not "
            "part of `version`."
        },
    )


class HeartbeatSchema(Schema):
    class Meta:
        unknown = INCLUDE

    playing_version = fields.String(allow_none=True, validate=validate.Length(max=64))
    player = fields.Raw(allow_none=True, metadata={"description": "Player software and version"})
    uptime_s = fields.Float()
    free_bytes = fields.Integer()


class PlaySchema(Schema):
    class Meta:
        unknown = INCLUDE  # other keys are ignored, as in the batch

    id = fields.UUID(required=True, metadata={"description": "Made by the player, once per play"})
    item_id = fields.String(required=True)
    started_at = fields.DateTime(required=True, metadata={"description": "With a UTC offset"})
    duration_s = fields.Float(required=True, validate=validate.Range(min=0, max=3600))


class PlaysBatchSchema(Schema):
    class Meta:
        # Other keys are ignored: a newer player may send more than this server reads.
        unknown = INCLUDE

    plays = fields.List(
        fields.Nested(PlaySchema), required=True, validate=validate.Length(max=1000)
    )


class RejectedPlaySchema(Schema):
    index = fields.Integer(required=True, metadata={"description": "Its place in the batch"})
    detail = fields.String(required=True, metadata={"description": "What is wrong, in English"})
    reason = fields.String(
        required=True,
        validate=validate.OneOf(["malformed", "not-served", "before-served", "future", "overlap"]),
        metadata={
            "description": "malformed: not the protocol's shape; not-served: the item was never "
            "in a playlist served to this screen; before-served: it started before the screen "
            "was first served a playlist with the item; future: it starts ahead of the server's "
            "clock; overlap: it overlaps another play of the screen by more than a transition"
        },
    )


class PlaysResultSchema(Schema):
    accepted = fields.Integer(required=True, metadata={"description": "Plays stored now"})
    duplicates = fields.Integer(
        required=True, metadata={"description": "Plays already received (by id): not stored again"}
    )
    rejected = fields.List(
        fields.Nested(RejectedPlaySchema),
        required=True,
        metadata={
            "description": "Plays that do not count, and why: drop them, re-sending will not help"
        },
    )


class PlayerErrorSchema(Schema):
    error = fields.String(required=True)
    detail = fields.String(required=True)
    # "fields" would shadow Schema.fields, so the attribute has another name.
    field_errors = fields.Dict(
        data_key="fields", metadata={"description": "Per location and field, the reasons"}
    )
