"""Security headers on every response, and session cookies marked Secure over HTTPS."""

from __future__ import annotations

from flask import Flask, Request, Response, current_app, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI (served by the app from its package) sets inline styles; its scripts are files.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"


# Screens never sign in: their requests skip the cookie session (the poll is the hot path).
SESSIONLESS_PREFIXES = ("/api/v1/player/", "/assets/", "/calendar/")


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Secure cookies whenever the request came over HTTPS, even if the config says not."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(SESSIONLESS_PREFIXES):
            return self.make_null_session(app)
        return super().open_session(app, request)


def _policy(response: Response) -> str:
    if request.path.startswith(current_app.config["OPENAPI_URL_PREFIX"] + "/docs"):
        return DOCS_POLICY
    if response.mimetype == "text/html":
        return PAGE_POLICY
    return DATA_POLICY


_FIXED = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
)


def data_headers() -> list[tuple[str, str]]:
    """The headers add_headers gives a JSON answer, for answers made outside Flask's cycle."""
    return [("Content-Security-Policy", DATA_POLICY), *_FIXED]


def add_headers(response: Response) -> Response:
    # A view that needs another policy sets its own and keeps it. One pass over the headers
    # instead of a lookup per name: this runs on every poll.
    headers = response.headers
    present = {name.lower() for name, _ in headers.items()}
    if "content-security-policy" not in present:
        headers.add("Content-Security-Policy", _policy(response))
    for name, value in _FIXED:
        if name.lower() not in present:
            headers.add(name, value)
    return response


def init_app(app: Flask) -> None:
    app.session_interface = HttpsAwareSessionInterface()
    app.after_request(add_headers)
