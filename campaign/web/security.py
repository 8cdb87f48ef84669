"""Security headers, HTTPS-only session cookies and HSTS, and trusted proxy headers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask, Request, Response, current_app, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

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
# The web player's service worker fetches the player's files and pictures from its own origin.
WORKER_POLICY = "default-src 'none'; connect-src 'self'; frame-ancestors 'none'"


# Screens never sign in: their requests skip the cookie session (the poll is the hot path).
SESSIONLESS_PREFIXES = ("/api/v1/player/", "/assets/", "/calendar/")


# Browsers keep a `__Host-` cookie only if it is Secure, has Path=/ and no Domain: no other
# host (a sibling subdomain) and no plain-HTTP page can set or overwrite it.
HOST_PREFIX = "__Host-"
# One year; not includeSubDomains: other hosts of the airport's domain are not ours to bind.
HSTS = ("Strict-Transport-Security", "max-age=31536000")


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """The session cookie: over HTTPS `__Host-<name>` and Secure; over plain HTTP as configured.

    The name is chosen per request, so `make run` on http://127.0.0.1 keeps working while the
    same installation behind TLS gets the prefixed cookie. Over HTTPS only the prefixed cookie
    is read: accepting the plain name too would let a cookie planted by another host stand in
    for ours, which is what the prefix prevents. A plain-named cookie left from before is
    cleared.
    """

    def get_cookie_name(self, app: Flask) -> str:
        name = super().get_cookie_name(app)
        if request.is_secure and not name.startswith(HOST_PREFIX):
            return HOST_PREFIX + name
        return name

    def get_cookie_domain(self, app: Flask) -> str | None:
        return None if request.is_secure else super().get_cookie_domain(app)

    def get_cookie_path(self, app: Flask) -> str:
        return "/" if request.is_secure else super().get_cookie_path(app)

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(SESSIONLESS_PREFIXES):
            return self.make_null_session(app)
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        super().save_session(app, session, response)
        plain = super().get_cookie_name(app)
        if request.is_secure and plain != self.get_cookie_name(app) and plain in request.cookies:
            response.delete_cookie(
                plain,
                path=super().get_cookie_path(app),
                domain=super().get_cookie_domain(app),
                secure=True,
                httponly=True,
                samesite=self.get_cookie_samesite(app),
            )


class StrictTransport:
    """WSGI layer: every answer to an HTTPS request carries HSTS, the player's fast path too."""

    def __init__(self, wsgi_app: Any) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)  # type: ignore[no-any-return]

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if not any(name.lower() == "strict-transport-security" for name, _ in headers):
                headers = [*headers, HSTS]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)  # type: ignore[no-any-return]


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


def wrap_transport(app: Flask) -> None:
    """Put HSTS, then the trusted proxy hops, around the whole WSGI app (fast path included).

    With PROXY_HOPS = n >= 1, the last n values of X-Forwarded-For, -Proto and -Host are taken
    as the client's address, scheme and host (sign-in throttling, rate limits, HTTPS cookies,
    links); with 0 (the default) those headers are ignored, as any client can send them.
    """
    hops = int(app.config.get("PROXY_HOPS", 0))
    if hops < 0:
        raise ValueError(f"PROXY_HOPS must be 0 or more, not {hops}")
    wrapped: Any = StrictTransport(app.wsgi_app)
    if hops:
        wrapped = ProxyFix(wrapped, x_for=hops, x_proto=hops, x_host=hops)
    app.wsgi_app = wrapped  # type: ignore[method-assign]


def init_app(app: Flask) -> None:
    """Called after every other layer that wraps app.wsgi_app (the fast path), so as to be
    outermost."""
    app.session_interface = HttpsAwareSessionInterface()
    app.after_request(add_headers)
    wrap_transport(app)
