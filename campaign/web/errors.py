"""Error answers: JSON {error, detail} for the API, a plain page elsewhere; never a trace."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(
    status: int, error: str, detail: str, fields: dict[str, object] | None = None
) -> Response:
    if wants_json():
        body: dict[str, object] = {"error": error, "detail": detail}
        if fields:
            body["fields"] = fields
        response = jsonify(body)
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
        data = getattr(exc, "data", None) or {}
        fields = data.get("messages") or data.get("errors")
        detail = data.get("message") or exc.description or ""
        if fields and exc.code == 422:
            detail = "The request has invalid fields: " + ", ".join(_field_names(fields))
        response = error_response(
            exc.code or 500, (exc.name or "error").lower().replace(" ", "_"), detail, fields
        )
        for name, value in (data.get("headers") or {}).items():
            response.headers[name] = value
        if exc.code == 401:
            response.headers.setdefault("WWW-Authenticate", "Bearer")
        if exc.code == 405 and exc.response is None:
            allowed = [v for k, v in exc.get_headers() if k == "Allow"]
            if allowed:
                response.headers["Allow"] = allowed[0]
        return response

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(
            500, "internal_error", InternalServerError.description or "Something went wrong."
        )


def _field_names(fields: object, prefix: str = "") -> list[str]:
    """Flatten webargs' nested {location: {field: [reasons]}} into 'field (reason)' parts."""
    if isinstance(fields, dict):
        names: list[str] = []
        for key, value in fields.items():
            if key in {"json", "query", "form", "files", "headers", "view_args"} and not prefix:
                names.extend(_field_names(value))
            else:
                names.extend(_field_names(value, f"{prefix}.{key}" if prefix else str(key)))
        return names
    if isinstance(fields, list) and all(isinstance(v, str) for v in fields):
        return [f"{prefix} ({'; '.join(fields)})"]
    return [prefix] if prefix else []
