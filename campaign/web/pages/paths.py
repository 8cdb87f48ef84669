"""Where a page may send the browser next: only a path on this site, never elsewhere."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an address elsewhere (an open redirect)."""
    home = url_for("overview.index")
    if not target:
        return home
    parts = urlsplit(target)
    # Browsers read "/\\host" as "//host", and strip tabs and newlines: refuse them all.
    odd = "\\" in target or any(not c.isprintable() for c in target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or odd:
        return home
    return target
