"""Error answers: JSON {error, detail} for the API, a plain page elsewhere; never a trace."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, error: str, detail: str) -> Response:
    if wants_json():
        response = jsonify(error=error, detail=detail)
    else:
        response = Response(
            render_template("error.html", status=status, error=error, detail=detail),
            mimetype="text/html",
        )
    response.status_code = status
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        response = error_response(
            exc.code or 500, (exc.name or "error").lower().replace(" ", "_"), exc.description or ""
        )
        for header in ("WWW-Authenticate", "Retry-After", "Allow"):
            if exc.response is None and hasattr(exc, "get_headers"):
                for name, value in exc.get_headers():
                    if name == header:
                        response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(
            500, "internal_error", InternalServerError.description or "Something went wrong."
        )
