"""The timetable pages (being built)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from campaign.domain.roles import STAFF
from campaign.web.page_access import page_requires

bp = Blueprint("timetable", __name__)


@bp.get("/bookings")
@page_requires(*STAFF)
def index() -> ResponseReturnValue:
    return render_template("timetable/index.html")
