"""Partner preview links: the managers' pages to make, list and revoke them."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("preview_links", __name__)
