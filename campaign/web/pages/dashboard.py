"""The dashboard: a campaign's phases on a timeline, its hubs on a map, screens and plays today,
the active phase's countdown with its funding reminders, and screens marked offline."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue

from campaign.domain.roles import ANY
from campaign.services import clock
from campaign.services.dashboard import build_dashboard
from campaign.web.identity import session_user
from campaign.web.page_access import PAGE_ACCESS_ATTR, page_requires

bp = Blueprint("dashboard", __name__)

# Where a phase's funding is decided: its own page in Administration.
PHASE_PAGE = "admin.phase.show"


def phase_page(phase_id: int) -> str | None:
    """The admin page of a phase, when the reader's role may open it."""
    user = session_user()
    view = current_app.view_functions.get(PHASE_PAGE)
    if view is None or user is None or user.role not in getattr(view, PAGE_ACCESS_ATTR, ANY):
        return None
    return url_for(PHASE_PAGE, phase_id=phase_id)


@bp.get("/dashboard")
@page_requires()
def index() -> ResponseReturnValue:
    data = build_dashboard(session_user(), clock.now(), request.args.get("campaign") or None)
    page = render_template("dashboard/index.html", data=data, phase_page=phase_page)
    return page, 200 if data else 404
