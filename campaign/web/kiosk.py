"""The web player: a page any browser can run full-screen to pair, play and report a screen."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, gettext

from campaign.config import PROJECT_ROOT
from campaign.web.security import WORKER_POLICY

# The page, its modules and its service worker share one folder, /player/, so the worker's
# scope covers the page it keeps working offline.
bp = Blueprint(
    "kiosk",
    __name__,
    static_folder=str(PROJECT_ROOT / "assets" / "player"),
    static_url_path="/player",
)


def _pairing_words() -> dict[str, dict[str, str]]:
    """What the pairing screen says, in Spanish and English at once: whoever stands before it."""
    words = {}
    for lang in ("es", "en"):
        with force_locale(lang):
            words[lang] = {
                "title": gettext("Pair this screen"),
                "how": gettext(
                    "In the campaign's web app, open Screens → Pair a player, enter this code "
                    "and choose the screen. Or scan the code."
                ),
                "busy": gettext("The server is busy: a code will show in a moment."),
                "offline": gettext("No connection to the server: retrying."),
            }
    return words


@bp.get("/player/")
def play() -> ResponseReturnValue:
    # A token may be provisioned in the URL fragment (/player/#token=...), which browsers never
    # send to a server; the page keeps it in IndexedDB and takes it out of the address bar.
    # Without one, the page shows a pairing code.
    return render_template("player/index.html", words=_pairing_words())


@bp.after_request
def worker_policy(response: Response) -> Response:
    # A worker runs under its script's policy: the data policy would forbid its every fetch.
    if request.path == url_for("kiosk.static", filename="sw.js"):
        response.headers["Content-Security-Policy"] = WORKER_POLICY
    return response


@bp.get("/play")
def legacy() -> ResponseReturnValue:
    # The first player's address; browsers carry the fragment (the token) across the redirect.
    return redirect(url_for("kiosk.play"), 301)
