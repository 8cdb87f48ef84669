"""The pages people use in a browser: one blueprint per area, the shell they share."""

from __future__ import annotations

from flask import Blueprint, Flask

from campaign.config import PROJECT_ROOT

# The pages' own stylesheet and small script modules, served by the app (no CDN, no build).
site = Blueprint(
    "site", __name__, static_folder=str(PROJECT_ROOT / "assets" / "web"), static_url_path="/static"
)


def init_app(app: Flask) -> None:
    from campaign.web.pages import (
        account,
        admin,
        calendars,
        dashboard,
        delivery,
        docs,
        editor,
        language,
        library,
        navigation,
        network,
        overview,
        pairing,
        partner_view,
        phase_reports,
        press_kits,
        preview_links,
        reports,
        timetable,
        vocabulary,
        workflow,
    )

    app.register_blueprint(site)
    areas = (overview, dashboard, language, account, editor, workflow, library, timetable)
    evidence = (reports, delivery, phase_reports, press_kits, preview_links, partner_view)
    for area in (*areas, network, pairing, admin, calendars, *evidence, docs):
        app.register_blueprint(area.bp)
    navigation.init_app(app)
    vocabulary.init_app(app)
