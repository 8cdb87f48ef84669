"""The dashboard: a campaign's phases on a timeline, its hubs on a map, screens and plays today."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from campaign.services import clock
from campaign.services.dashboard import build_dashboard
from campaign.web.identity import session_user
from campaign.web.page_access import page_requires

bp = Blueprint("dashboard", __name__)


@bp.get("/dashboard")
@page_requires()
def index() -> ResponseReturnValue:
    data = build_dashboard(session_user(), clock.now(), request.args.get("campaign") or None)
    return render_template("dashboard/index.html", data=data), 200 if data else 404
