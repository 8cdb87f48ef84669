"""/api/v1/assets: upload posters (PNG, JPEG, WebP), list, read, re-frame and delete them."""

from __future__ import annotations

from typing import Any, ClassVar

from flask import request
from flask.views import MethodView
from flask_smorest import abort
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from campaign.domain.roles import ANY, STAFF
from campaign.services import posters as service
from campaign.web.api.common import blueprint, now, page_request
from campaign.web.api.schemas.common import (
    LANG,
    VersionArgs,
    id_field,
    list_args,
    page_body,
    page_of,
)
from campaign.web.api_access import requires
from campaign.web.identity import current_user_required

blp = blueprint("posters", "Posters: uploaded pictures shown instead of text slides")

FIT = validate.OneOf(service.FITS)
SHARE = validate.Range(min=0.0, max=1.0)


class PosterSchema(Schema):
    id = fields.Integer(dump_only=True)
    version = fields.Integer(attribute="lock_version", dump_only=True)
    campaign_id = fields.Integer(allow_none=True, dump_only=True)
    message_id = fields.Integer(allow_none=True, dump_only=True)
    lang = fields.String(allow_none=True, dump_only=True)
    sha256 = fields.String(dump_only=True)
    ext = fields.String(dump_only=True)
    content_type = fields.String(attribute="media.content_type", dump_only=True)
    size_bytes = fields.Integer(attribute="media.size_bytes", dump_only=True)
    width = fields.Integer(dump_only=True)
    height = fields.Integer(dump_only=True)
    url = fields.String(dump_only=True, metadata={"description": "Where the stored file is"})
    fit = fields.String(validate=FIT)
    focal_x = fields.Float(validate=SHARE)
    focal_y = fields.Float(validate=SHARE)
    label = fields.String(
        validate=validate.Length(max=service.LABEL_MAX),
        metadata={"description": "The uploaded file's name, as a label only"},
    )
    uploaded_by_id = fields.Integer(allow_none=True, dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class PosterPatchSchema(Schema):
    fit = fields.String(validate=FIT)
    focal_x = fields.Float(validate=SHARE)
    focal_y = fields.Float(validate=SHARE)
    label = fields.String(validate=validate.Length(max=service.LABEL_MAX))
    version = fields.Integer(
        required=True, metadata={"description": "The version you read; a stale one gets 409"}
    )


class UploadFormSchema(Schema):
    # The file is required, which the document says (campaign.web.openapi adds it): the view
    # reads it from request.files, so the field itself cannot be required.
    JSON_SCHEMA: ClassVar[dict[str, Any]] = {"required": ["file"]}

    campaign = id_field(
        metadata={"description": "The campaign's id (needed only when there are several)"}
    )
    message = fields.String(
        validate=validate.Length(min=1, max=80),
        metadata={"description": "The key of the message the poster stands for"},
    )
    lang = fields.String(
        validate=LANG, metadata={"description": "Its language; leave out for any language"}
    )
    fit = fields.String(
        load_default="contain",
        validate=FIT,
        metadata={"description": "contain: show it all, letterboxed; cover: fill, cropped"},
    )
    focal_x = fields.Float(load_default=0.5, validate=SHARE)
    focal_y = fields.Float(load_default=0.5, validate=SHARE)
    # webargs reads one location per schema: the file is declared here for the document and
    # read from request.files by the view (OpenAPI 3 has one multipart body for both).
    file = Upload(metadata={"description": "Required: a PNG, JPEG or WebP image"})


PosterArgs = list_args(
    "Poster",
    service.POSTER_SORTS,
    {"campaign_id": id_field(), "message_id": id_field(), "lang": fields.String()},
)


@blp.route("/assets")
class Assets(MethodView):
    @requires(*ANY)
    @blp.arguments(PosterArgs, location="query")
    @blp.response(200, page_of(PosterSchema))
    def get(self, args: dict[str, Any]) -> Any:
        """List posters (a partner sees those of campaigns shared with them)."""
        request = page_request(args, service.POSTER_FILTERS)
        return page_body(service.list_posters(current_user_required(), request))

    @requires(*STAFF, body_limit="MAX_CONTENT_LENGTH")
    @blp.arguments(UploadFormSchema, location="form", content_type="multipart/form-data")
    @blp.response(201, PosterSchema)
    def post(self, form: dict[str, Any]) -> service.Poster:
        """Upload a poster. It is checked, cleaned of metadata and re-encoded; a file that is
        not a PNG, JPEG or WebP image, or is too large, is refused with the reason."""
        upload = request.files.get("file")
        if upload is None:
            abort(422, message="Send the picture in the multipart field named 'file'.")
        place = service.Placement(form.get("campaign"), form.get("message"), form.get("lang"))
        return service.upload_poster(
            upload.stream.read(),
            label=upload.filename,
            place=place,
            uploaded_by=current_user_required().id,
            now=now(),
            fit=form["fit"],
            focal=(form["focal_x"], form["focal_y"]),
        )


@blp.route("/assets/<int:poster_id>")
class AssetItem(MethodView):
    @requires(*ANY)
    @blp.response(200, PosterSchema)
    def get(self, poster_id: int) -> service.Poster:
        """One poster."""
        return service.get_poster(poster_id, current_user_required())

    @requires(*STAFF)
    @blp.arguments(PosterPatchSchema)
    @blp.response(200, PosterSchema)
    def patch(self, data: dict[str, Any], poster_id: int) -> service.Poster:
        """Change how a poster fills the screen; its renditions are drawn again."""
        return service.update_poster(poster_id, current_user_required(), data)

    @requires(*STAFF)
    @blp.arguments(VersionArgs, location="query")
    @blp.response(204)
    def delete(self, args: dict[str, Any], poster_id: int) -> None:
        """Delete a poster; its messages show their text slides again."""
        service.delete_poster(poster_id, current_user_required(), args["version"])
