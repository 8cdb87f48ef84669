"""API: a phase's press and partner kit as a ZIP."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("press-kits", __name__, url_prefix="/api/v1", description="Press and partner kits.")
