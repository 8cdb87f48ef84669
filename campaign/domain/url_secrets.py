"""Secrets that travel in URL paths (partner preview links, calendar feeds), masked for logs."""

from __future__ import annotations

import re

# A signed token is URL-safe base64 with dots (itsdangerous); anything after the prefix until
# the next "/", "?", "#", quote or space is the secret.
_SECRET_PATHS = re.compile(r"(/p/|/calendar/)[^/?#\s\"']+?(?=\.ics\b|[/?#\s\"']|$)")
MASK = "[secret]"


def mask_secrets(text: str) -> str:
    """The text (a path, a request line, a Referer) with every link token replaced by MASK."""
    return _SECRET_PATHS.sub(lambda found: found.group(1) + MASK, text)
