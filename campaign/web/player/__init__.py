"""The player API: what screens call to pair, get their playlist and report what they played."""

from __future__ import annotations

from flask_smorest import Api

from campaign.extensions import csrf
from campaign.web.player import assets, counts, pairings, playlist, reports
from campaign.web.player.schemas import PlayerErrorSchema, PlaylistSchema, PlaysBatchSchema


def register(api: Api) -> None:
    """Register the player blueprints on the API (each module adds its own)."""
    for module in (playlist, reports, counts, assets, pairings):
        # Screens authenticate with bearer tokens (a new one with its pairing secret), not
        # cookies: there is no session to forge.
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp)
    # Schemas that views reference by name rather than through smorest's decorators.
    for name, schema in (
        ("Playlist", PlaylistSchema),
        ("PlayerError", PlayerErrorSchema),
        ("PlaysBatch", PlaysBatchSchema),
        ("PlayCount", counts.PlayCountSchema),
    ):
        if name not in api.spec.components.schemas:
            api.spec.components.schema(name, schema=schema)
