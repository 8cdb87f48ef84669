"""Secrets that travel in URLs (link tokens in paths, tokens in query strings), masked for logs."""

from __future__ import annotations

import re
from urllib.parse import unquote

MASK = "[secret]"

# Query parameters a client might put a screen's or a person's token in (the player refuses
# them with 400, but the request line is logged before anything refuses it).
TOKEN_PARAMS = frozenset({"token", "access_token", "bearer", "auth", "authorization", "key"})

# A signed token is URL-safe base64 with dots (itsdangerous); anything after the prefix until
# the next "/", "?", "#", quote or space is the secret.
_SECRET_PATHS = re.compile(r"(/p/|/calendar/)[^/?#\s\"']+?(?=\.ics\b|[/?#\s\"']|$)")
# A token parameter anywhere a query string starts or goes on ("+" is a space in a query).
_SECRET_PARAMS = re.compile(
    r"([?&;][+\s]*(?:" + "|".join(sorted(TOKEN_PARAMS)) + r")[+\s]*=)[^&;#\s\"']*",
    re.IGNORECASE,
)
# Header (or environ) names whose values are credentials: never logged, whatever they hold.
_SECRET_HEADER = re.compile(r"auth|token|cookie|secret|key|session|password", re.IGNORECASE)


def _mask_plain(text: str) -> str:
    text = _SECRET_PATHS.sub(lambda found: found.group(1) + MASK, text)
    return _SECRET_PARAMS.sub(lambda found: found.group(1) + MASK, text)


def _unquoted(text: str) -> str:
    """Percent-decoded until nothing changes (a secret may be encoded twice, in a `next=`)."""
    while (decoded := unquote(text)) != text:
        text = decoded
    return text


def mask_secrets(text: str) -> str:
    """The text (a path, a request line, a URL, a Referer) with every link token and every
    token query parameter replaced by MASK; percent-encoded ones too, shown decoded then."""
    masked = _mask_plain(text)
    decoded = _unquoted(masked)
    if decoded != masked and _mask_plain(decoded) != decoded:
        return _mask_plain(decoded)
    return masked


def mask_query(query: str) -> str:
    """A query string (without its "?") with the value of every token parameter masked."""
    return mask_secrets("?" + query)[1:]


def is_secret_header(name: str) -> bool:
    """Whether a header (or its environ name, HTTP_...) carries credentials: Authorization,
    Cookie, X-Api-Key and the like. Their values never belong in a log."""
    return bool(_SECRET_HEADER.search(name))
