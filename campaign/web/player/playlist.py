"""GET /api/v1/player/playlist: the hot path, answered from prebuilt bytes."""

from __future__ import annotations

import logging

from flask import Response, request
from flask_smorest import Blueprint, abort
from sqlalchemy.exc import DBAPIError
from werkzeug.http import parse_etags

from campaign.services import db_failures
from campaign.services.last_good_answers import KeptAnswer
from campaign.web.errors import UNAVAILABLE_RETRY_AFTER_S
from campaign.web.player import cache as player_cache
from campaign.web.player.auth import authenticate, bearer_token, refuse_bad_requests

log = logging.getLogger(__name__)

blp = Blueprint(
    "player_playlist",
    __name__,
    url_prefix="/api/v1/player",
    description="What a screen plays: polled every few seconds by every screen.",
)


def matches(header: str | None, answer: player_cache.Answer | KeptAnswer) -> bool:
    if not header:
        return False
    # Players echo the ETag verbatim; anything else goes through the full parser.
    return header == answer.etag or parse_etags(header).contains_weak(answer.etag.strip('"'))


def _ref(name: str) -> dict[str, object]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}


# Documented with @blp.doc, not @blp.response: each smorest response decorator wraps the view,
# and the poll is the hot path; its body is prebuilt bytes, never serialised per request.
@blp.get("/playlist")
@blp.doc(
    security=[{"screenToken": []}],
    responses={
        "200": {
            "description": "The screen's playlist (while the database is unusable, the last "
            "one this server gave this token)",
            "content": _ref("Playlist"),
        },
        "304": {"description": "Not modified: the If-None-Match version is current"},
        "400": {"description": "A token in the query string", "content": _ref("PlayerError")},
        "401": {"description": "Missing, unknown or revoked token", "content": _ref("PlayerError")},
        "404": {"description": "No campaign is loaded", "content": _ref("PlayerError")},
        "503": {
            "description": "The database is unusable and this token has no last good answer "
            "here: keep playing what you have and poll again after `Retry-After` seconds",
            "content": _ref("PlayerError"),
            "headers": {
                "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
            },
        },
    },
)
def get_playlist() -> Response:
    """The playlist of the token's own screen, with its fallback; ETag is its version. While
    the database is unusable, the last answer built for this token, kept on disk."""
    cache = player_cache.cache()
    if cache.database_presumed_down():
        refuse_bad_requests()
        return _last_good(cache, bearer_token())
    try:
        screen = authenticate()
        answer = cache.answer(screen.code, bearer_token())
    except player_cache.NoCampaign as exc:
        abort(404, message=str(exc))
    except DBAPIError as exc:
        db_failures.discard_transaction()
        log.warning(
            "the database failed a poll (%s): answering from the last good answers",
            db_failures.classify(exc) or type(exc.orig).__name__,
        )
        cache.database_failed()
        return _last_good(cache, bearer_token())
    return _send(answer)


def _send(answer: player_cache.Answer | KeptAnswer) -> Response:
    headers = {"ETag": answer.etag, "Cache-Control": "no-cache"}
    if matches(request.headers.get("If-None-Match"), answer):
        return Response(status=304, headers=headers)
    return Response(answer.body, status=200, headers=headers, mimetype="application/json")


def _last_good(cache: player_cache.PlayerCache, token: str) -> Response:
    kept = cache.last_good_answer(token)
    if kept is None:
        abort(
            503,
            message="The server cannot read its database and has no earlier playlist for this "
            "token. Keep playing what you have; poll again after Retry-After seconds.",
            headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER_S)},
        )
    return _send(kept)  # type: ignore[arg-type]
