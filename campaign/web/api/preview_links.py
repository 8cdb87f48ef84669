"""API: partner preview links (make, list, revoke)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "preview-links",
    __name__,
    url_prefix="/api/v1",
    description="Partner preview links: signed, expiring, revocable.",
)
