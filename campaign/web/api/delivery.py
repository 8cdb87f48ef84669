"""API: planned plays against actual plays per booking, and the phase-end report."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "delivery-reports",
    __name__,
    url_prefix="/api/v1",
    description="Planned against actual, and phase-end reports.",
)
