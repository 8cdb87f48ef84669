"""The management API under /api/v1: campaigns, places, messages, bookings, assets, users."""

from __future__ import annotations

from flask_smorest import Api

ERROR_DOC = {
    "type": "object",
    "properties": {
        "error": {"type": "string", "description": "A short code, e.g. not_found"},
        "detail": {"type": "string", "description": "What went wrong, for a person"},
        "fields": {"type": "object", "description": "Per location and field, the reasons"},
    },
    "required": ["error", "detail"],
}


def register(api: Api) -> None:
    """Register the management blueprints on the API (each module adds its own)."""
    from campaign.web.api import (
        assets,
        audit,
        bookings,
        calendars,
        campaigns,
        delivery,
        expansion,
        messages,
        phase_lifecycle,
        places,
        press_kits,
        preview_links,
        previews,
        reports,
        users,
    )

    api.spec.components.security_scheme(
        "session",
        {"type": "apiKey", "in": "cookie", "name": "session", "description": "Signed in"},
    )
    # Errors are answered by campaign.web.errors as {error, detail, fields?}; flask-smorest
    # documented its own shape under "Error" (used by every "default" and 422 answer).
    api.spec.components.schemas["Error"] = ERROR_DOC
    modules = (campaigns, phase_lifecycle, places, expansion, previews, messages, bookings)
    evidence = (reports, delivery, press_kits, preview_links)
    for module in (*modules, calendars, *evidence, users, audit, assets):
        api.register_blueprint(module.blp)
