"""GET /api/v1/player/playlist: the hot path, answered from prebuilt bytes."""

from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint, abort
from werkzeug.http import parse_etags

from campaign.web.player import cache as player_cache
from campaign.web.player.auth import authenticate

blp = Blueprint(
    "player_playlist",
    __name__,
    url_prefix="/api/v1/player",
    description="What a screen plays: polled every few seconds by every screen.",
)


def matches(header: str | None, answer: player_cache.Answer) -> bool:
    if not header:
        return False
    # Players echo the ETag verbatim; anything else goes through the full parser.
    return header == answer.etag or parse_etags(header).contains_weak(answer.version)


def _ref(name: str) -> dict[str, object]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}


# Documented with @blp.doc, not @blp.response: each smorest response decorator wraps the view,
# and the poll is the hot path; its body is prebuilt bytes, never serialised per request.
@blp.get("/playlist")
@blp.doc(
    security=[{"screenToken": []}],
    responses={
        "200": {"description": "The screen's playlist", "content": _ref("Playlist")},
        "304": {"description": "Not modified: the If-None-Match version is current"},
        "400": {"description": "A token in the query string", "content": _ref("PlayerError")},
        "401": {"description": "Missing, unknown or revoked token", "content": _ref("PlayerError")},
        "404": {"description": "No campaign is loaded", "content": _ref("PlayerError")},
    },
)
def get_playlist() -> Response:
    """The playlist of the token's own screen, with its fallback; ETag is its version."""
    screen = authenticate()
    try:
        answer = player_cache.cache().answer(screen.code)
    except player_cache.NoCampaign as exc:
        abort(404, message=str(exc))
    headers = {"ETag": answer.etag, "Cache-Control": "no-cache"}
    if matches(request.headers.get("If-None-Match"), answer):
        return Response(status=304, headers=headers)
    return Response(answer.body, status=200, headers=headers, mimetype="application/json")
