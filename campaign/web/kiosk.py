"""The kiosk player: a page any browser can run full-screen to play a screen's playlist."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from campaign.config import PROJECT_ROOT

bp = Blueprint(
    "kiosk",
    __name__,
    static_folder=str(PROJECT_ROOT / "assets" / "kiosk"),
    static_url_path="/kiosk/static",
)


@bp.get("/play")
def play() -> ResponseReturnValue:
    # The token travels in the URL fragment (/play#token=...), which browsers never send to a
    # server, and is kept in the browser's storage after the first visit.
    return render_template("kiosk.html")
