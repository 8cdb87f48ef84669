"""Warm polls answered in front of Flask, from the bytes the playlist view already built."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask

from campaign.web import security
from campaign.web.player import cache as player_cache
from campaign.web.player.playlist import matches

PLAYLIST_PATH = "/api/v1/player/playlist"


class PollFastPath:
    """WSGI middleware for the poll, the one request every screen sends every few seconds.

    When the token, the screen's answer and the content generation are all cached and fresh,
    the answer (200 or 304, with the headers the Flask view and its hooks would give) is sent
    without entering Flask. Anything else (a cold cache, a stale generation check, an unknown
    token, a query string, another method or path) goes through Flask unchanged, which answers
    it and warms the cache. Both paths serve the same bytes: tests compare them.
    """

    def __init__(self, app: Flask, wsgi_app: Any) -> None:
        self.cache = player_cache.cache(app)
        self.wsgi_app = wsgi_app
        self.headers = [("Cache-Control", "no-cache"), *security.data_headers()]

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if (
            environ.get("PATH_INFO") != PLAYLIST_PATH
            or environ.get("REQUEST_METHOD") != "GET"
            or environ.get("QUERY_STRING")
        ):
            return self.wsgi_app(environ, start_response)  # type: ignore[no-any-return]
        scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        answer = self.cache.warm_answer(token.strip()) if scheme.lower() == "bearer" else None
        if answer is None:
            return self.wsgi_app(environ, start_response)  # type: ignore[no-any-return]
        headers = [("ETag", answer.etag), *self.headers]
        if matches(environ.get("HTTP_IF_NONE_MATCH"), answer):
            start_response("304 NOT MODIFIED", headers)
            return []
        start_response(
            "200 OK",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(answer.body))),
                *headers,
            ],
        )
        return [answer.body]


def init_app(app: Flask) -> None:
    if app.config["PLAYER_FAST_PATH"]:
        app.wsgi_app = PollFastPath(app, app.wsgi_app)  # type: ignore[method-assign]
