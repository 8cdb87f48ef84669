"""API: reports of plays, on-screen time, uptime and audience."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "play-reports",
    __name__,
    url_prefix="/api/v1",
    description="Reports built from proof of play and the nightly roll-up.",
)
