"""The message list and editor (being built)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from campaign.domain.roles import STAFF
from campaign.web.page_access import page_requires

bp = Blueprint("editor", __name__)


@bp.get("/messages")
@page_requires(*STAFF)
def index() -> ResponseReturnValue:
    return render_template("editor/index.html")


@bp.get("/messages/new")
@page_requires(*STAFF)
def new() -> ResponseReturnValue:
    return render_template("editor/index.html")


@bp.get("/messages/<int:message_id>/edit")
@page_requires(*STAFF)
def edit(message_id: int) -> ResponseReturnValue:
    return render_template("editor/index.html")
