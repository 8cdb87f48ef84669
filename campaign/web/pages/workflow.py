"""The workflow pages (being built)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from campaign.domain.roles import STAFF
from campaign.web.page_access import page_requires

bp = Blueprint("workflow", __name__)


@bp.get("/reviews")
@page_requires(*STAFF)
def queue() -> ResponseReturnValue:
    return render_template("workflow/queue.html")


@bp.get("/messages/<int:message_id>")
@page_requires()
def detail(message_id: int) -> ResponseReturnValue:
    return render_template("workflow/queue.html")
