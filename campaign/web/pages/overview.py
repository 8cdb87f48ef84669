"""The overview page: the campaign, its phases, and a preview of what each screen plays."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from campaign.services import clock
from campaign.services.overview import build_overview
from campaign.web.identity import session_user
from campaign.web.page_access import page_requires

bp = Blueprint("overview", __name__)

PREVIEW_TIMEZONE = "America/Lima"
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def _preview_instant(text: str | None) -> tuple[datetime, str]:
    """The instant asked for (a local date-time in the campaign's home timezone), or now."""
    now = clock.now()
    if not text:
        return now, ""
    try:
        local = datetime.fromisoformat(text)
    except ValueError:
        return now, _("«%(text)s» is not a date and time such as 2026-12-24T21:00", text=text)
    # The engine looks up to a day past the instant: year 9999 would overflow, not answer.
    if not EARLIEST_YEAR <= local.year <= LATEST_YEAR:
        return now, _(
            "«%(text)s» is not a date and time between %(first)s and %(last)s, such as "
            "2026-12-24T21:00.",
            text=text,
            first=EARLIEST_YEAR,
            last=LATEST_YEAR,
        )
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(PREVIEW_TIMEZONE))
    return local.astimezone(UTC), ""


@bp.get("/")
@page_requires()
def index() -> ResponseReturnValue:
    at, problem = _preview_instant(request.args.get("at"))
    screen = request.args.get("screen") or None
    data = build_overview(at, session_user(), screen, request.args.get("campaign") or None)
    status = 200 if data is not None else 404
    return (
        render_template(
            "overview/index.html",
            data=data,
            at=at.astimezone(ZoneInfo(PREVIEW_TIMEZONE)),
            asked=request.args.get("at", ""),
            screen_code=screen or "",
            problem=problem,
        ),
        status,
    )
