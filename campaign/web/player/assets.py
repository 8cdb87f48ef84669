"""GET /assets/<sha256>.<ext>: content-addressed files, cacheable forever."""

from __future__ import annotations

import re

from flask import Response, send_file
from flask_smorest import Blueprint, abort

from campaign.services.renditions import CONTENT_TYPES, asset_store
from campaign.web.player.schemas import PlayerErrorSchema

blp = Blueprint("assets", __name__, url_prefix="/assets", description="Stored pictures.")
_NAME = re.compile(r"\A([0-9a-f]{64})\.(png|jpg|webp)\Z")
IMMUTABLE = "public, max-age=31536000, immutable"


@blp.get("/<string:name>")
@blp.response(200, description="The file; its name is the SHA-256 of its bytes")
@blp.alt_response(304, description="Not modified")
@blp.alt_response(404, schema=PlayerErrorSchema)
def get_asset(name: str) -> Response:
    """A stored file. Its URL never changes meaning, so it may be cached for a year."""
    match = _NAME.match(name)
    if match is None:
        abort(404, message="No such asset.")
    sha256, ext = match.groups()
    path = asset_store().path_for(sha256, ext)
    if not path.is_file():
        abort(404, message="No such asset.")
    # send_file answers If-None-Match (304) and Range requests itself.
    response = send_file(
        path, mimetype=CONTENT_TYPES[ext], etag=sha256, conditional=True, max_age=31536000
    )
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
