"""The shell's navigation: each area's entry, shown to the roles its page lets in."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_babel import lazy_gettext as _l

from campaign.domain.roles import ANY
from campaign.web.identity import session_user
from campaign.web.page_access import PAGE_ACCESS_ATTR


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


# (endpoint, label, the endpoints that are "in" the area): an area whose page is not
# registered yet is left out. A message's own pages belong to Messages, only the queue to Review.
AREAS = (
    ("overview.index", _l("Overview"), ("overview.",)),
    ("dashboard.index", _l("Dashboard"), ("dashboard.",)),
    (
        "editor.index",
        _l("Messages"),
        ("editor.", "workflow.detail", "workflow.diff", "workflow.switch"),
    ),
    ("workflow.queue", _l("Review queue"), ("workflow.queue",)),
    ("library.index", _l("Posters"), ("library.",)),
    ("timetable.index", _l("Bookings"), ("timetable.",)),
    ("network.index", _l("Screens"), ("network.", "pairing.")),
    ("reports.index", _l("Reports"), ("reports.", "delivery.", "phase_reports.")),
    (
        "admin.index",
        _l("Administration"),
        ("admin.", "calendars.", "preview_links.", "press_kits."),
    ),
    ("account.index", _l("Account"), ("account.",)),
)


def _inside(endpoint: str, owned: tuple[str, ...]) -> bool:
    return any(endpoint == o or (o.endswith(".") and endpoint.startswith(o)) for o in owned)


def nav_items() -> list[NavItem]:
    """The areas the signed-in person may open; the guard on each page decides, nothing else."""
    user = session_user()
    if user is None:
        return []
    views = current_app.view_functions
    here = request.endpoint or ""
    items = []
    for endpoint, label, owned in AREAS:
        view = views.get(endpoint)
        if view is None or user.role not in getattr(view, PAGE_ACCESS_ATTR, ANY):
            continue
        items.append(NavItem(str(label), url_for(endpoint), _inside(here, owned)))
    return items


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
