"""The dashboard pages (being built)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from campaign.web.page_access import page_requires

bp = Blueprint("dashboard", __name__)


@bp.get("/dashboard")
@page_requires()
def index() -> ResponseReturnValue:
    return render_template("dashboard/index.html")
