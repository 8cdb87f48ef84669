"""Error answers: JSON {error, detail} for the API, a page in the reader's language elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions

from campaign.domain.url_secrets import mask_secrets
from campaign.services import db_failures

log = logging.getLogger(__name__)


def wants_json() -> bool:
    # /assets/ is fetched by screens and <img>, with no session: a page there cannot be drawn.
    return (
        request.path.startswith(("/api/", "/assets/"))
        or request.accept_mimetypes.best == "application/json"
    )


def error_response(
    status: int, error: str, detail: str, fields: dict[str, object] | None = None
) -> Response:
    if wants_json():
        body: dict[str, object] = {"error": error, "detail": detail}
        if fields:
            body["fields"] = fields
        response = jsonify(body)
    else:
        response = Response(_error_page(status, error, detail), mimetype="text/html")
    response.status_code = status
    return response


# What a person reads on an error page: what happened, and what they can do about it.
PAGE_TEXTS = {
    400: (_l("The request could not be understood"), _l("Check what you sent and try again.")),
    403: (
        _l("You may not open this page"),
        _l(
            "Your account's role does not give access to it. Ask the campaign's administrator "
            "if you need it."
        ),
    ),
    404: (
        _l("Page not found"),
        _l("The address may be mistyped, or what it pointed to was removed."),
    ),
    410: (
        _l("This link is no longer valid"),
        _l("It has expired or was revoked. Ask whoever sent it for a new one."),
    ),
    503: (
        _l("The campaign is busy"),
        _l(
            "Another change is holding the database. Nothing was saved: try again in a few seconds."
        ),
    ),
    507: (
        _l("The server has no room to save"),
        _l(
            "Its disk is full, so nothing was saved. Tell the campaign's administrator; once "
            "there is room, send it again."
        ),
    ),
    500: (
        _l("Something went wrong"),
        _l(
            "The error has been logged. Try again in a moment; if it keeps happening, tell the "
            "campaign's administrator."
        ),
    ),
}
UNAVAILABLE_TEXT = (
    _l("The campaign's database cannot be reached"),
    _l(
        "Nothing was saved. The administrator has to bring the database back; screens keep "
        "playing what they have meanwhile. Try again in a few minutes."
    ),
)
CSRF_TEXT = (
    _l("The form has expired"),
    _l("Go back, reload the page and send the form again. Nothing was saved."),
)
RETRY_AFTER_S = 5  # the busy timeout: a lock held longer is rare, and soon over
# A database gone or unmigrated needs an operator: clients wait about a poll before trying again.
UNAVAILABLE_RETRY_AFTER_S = 30
OTHER_TEXT = (_l("The request could not be completed"), _l("Check what you sent and try again."))


def _error_page(status: int, error: str, detail: str) -> str:
    if error == "csrf":
        heading, explanation = CSRF_TEXT
    elif error == "database_unavailable":
        heading, explanation = UNAVAILABLE_TEXT
    else:
        heading, explanation = PAGE_TEXTS.get(status, OTHER_TEXT)
    # Werkzeug's own descriptions are English boilerplate: only a reason of ours is shown.
    generic = getattr(default_exceptions.get(status), "description", None)
    # A missing page needs no reason, and its reason would name ids in the API's words.
    shown = "" if status >= 500 or status == 404 or detail == generic or error == "csrf" else detail
    try:
        return render_template(
            "errors/error.html",
            status=status,
            heading=heading,
            explanation=explanation,
            detail=shown,
        )
    except Exception:  # the shell needs the database; an error page must not need it
        log.exception("the error page could not be drawn")
        return f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{escape(heading)}</p>"


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        data = getattr(exc, "data", None) or {}
        fields = data.get("messages") or data.get("errors")
        detail = data.get("message") or exc.description or ""
        if fields and exc.code == 422:
            detail = "The request has invalid fields: " + ", ".join(_field_names(fields))
        name = "csrf" if isinstance(exc, CSRFError) else (exc.name or "error")
        if name == "csrf":
            detail = f"{CSRF_TEXT[0]}. {CSRF_TEXT[1]}"
        response = error_response(exc.code or 500, name.lower().replace(" ", "_"), detail, fields)
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
        log.exception("unhandled error on %s %s", request.method, mask_secrets(request.path))
        return error_response(
            500, "internal_error", InternalServerError.description or "Something went wrong."
        )

    @app.errorhandler(DBAPIError)
    def database_error(exc: DBAPIError) -> Response:
        # Whatever the request had changed is dropped before anything else reads the session.
        db_failures.discard_transaction()
        failure = db_failures.classify(exc)
        where = f"{request.method} {mask_secrets(request.path)}"
        if failure == "locked":
            log.warning("the database was locked too long on %s", where)
            return _retry_later(
                "database_busy",
                _("The database is busy with another change. Nothing was saved; try again."),
                RETRY_AFTER_S,
            )
        if failure == "unavailable":
            log.error(
                "the database cannot be used on %s: %s (%s)",
                where,
                type(exc.orig).__name__,
                mask_secrets(str(exc.orig).splitlines()[0] if str(exc.orig) else ""),
            )
            return _retry_later(
                "database_unavailable",
                _("The database cannot be used now. Nothing was saved; try again later."),
                UNAVAILABLE_RETRY_AFTER_S,
            )
        if failure == "full":
            log.error("the database's disk is full on %s", where)
            return error_response(
                507,
                "insufficient_storage",
                _("The server's disk is full. Nothing was saved; tell the administrator."),
            )
        return unexpected_error(exc)


def _retry_later(error: str, detail: str, seconds: int) -> Response:
    """503 with Retry-After: nothing was saved, and the same request may be sent again."""
    response = error_response(503, error, detail)
    response.headers["Retry-After"] = str(seconds)
    return response


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
