"""The admin pages (being built)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from campaign.domain.roles import STAFF
from campaign.web.page_access import page_requires

bp = Blueprint("admin", __name__)


@bp.get("/admin")
@page_requires(*STAFF)
def index() -> ResponseReturnValue:
    return render_template("admin/index.html")
