"""The words of a reminder's e-mail: Spanish, then English, for the campaign's mixed team."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for
from flask_babel import force_locale, format_date, get_locale, ngettext
from flask_babel import gettext as _
from werkzeug.routing import BuildError

LANGUAGES = ("es", "en")
DIVIDER = "\n\n— — —\n\n"


@dataclass(frozen=True)
class Notice:
    """What one reminder says: its kind, its details, the end it counts down to."""

    kind: str  # "funding" or "booking"
    details: dict[str, Any]
    ends_on: date
    days_left: int


def _both(words: Callable[[], str]) -> list[str]:
    """`words` in each language; once only where both read the same (a missing translation)."""
    texts: list[str] = []
    for lang in LANGUAGES:
        with force_locale(lang):
            text = words()
        if text not in texts:
            texts.append(text)
    return texts


def dashboard_url(slug: str) -> str | None:
    """The dashboard's address, when the app knows its own (SERVER_NAME or a request)."""
    try:
        return url_for("dashboard.index", campaign=slug, _external=True)
    except (RuntimeError, BuildError):
        return None


def _day(day: date) -> str:
    return format_date(day, "long")


def _lang() -> str:
    locale = get_locale()
    return locale.language if locale else "es"


def _funding_title(n: Notice) -> str:
    d = n.details
    if n.days_left <= 0:
        return _(
            "Phase %(phase)s ends today; phase %(next)s has no confirmed funding",
            phase=d["phase"],
            next=d["next_phase"],
        )
    return ngettext(
        "Phase %(phase)s ends in %(num)d day; phase %(next)s has no confirmed funding",
        "Phase %(phase)s ends in %(num)d days; phase %(next)s has no confirmed funding",
        n.days_left,
        phase=d["phase"],
        next=d["next_phase"],
    )


def _funding_lines(n: Notice) -> list[str]:
    d = n.details
    return [
        _funding_title(n) + ".",
        _(
            "Phase %(phase)s, %(name)s, ends on %(day)s.",
            phase=d["phase"],
            name=d["phase_name"],
            day=_day(n.ends_on),
        ),
        _(
            "Phase %(next)s, %(name)s, has no confirmed funding yet: it does not start, and "
            "plays nothing, until its funding is confirmed.",
            next=d["next_phase"],
            name=d["next_phase_name"],
        ),
    ]


def _booking_title(n: Notice) -> str:
    booking = n.details["booking"]
    if n.days_left <= 0:
        return _("Booking %(booking)s ends today and nothing continues it", booking=booking)
    return ngettext(
        "Booking %(booking)s ends in %(num)d day and nothing continues it",
        "Booking %(booking)s ends in %(num)d days and nothing continues it",
        n.days_left,
        booking=booking,
    )


def _booking_line(n: Notice) -> str:
    d = n.details
    return _(
        "Booking %(booking)s plays the message %(message)s on %(target)s until %(day)s.",
        booking=d["booking"],
        message=d["message"],
        target=d["target"],
        day=_day(n.ends_on),
    )


def _bookings_title(notices: Sequence[Notice]) -> str:
    if len(notices) == 1:
        return _booking_title(notices[0])
    return ngettext(
        "%(num)d booking ends soon and nothing continues it",
        "%(num)d bookings end soon and nothing continues them",
        len(notices),
    )


def _bookings_lines(notices: Sequence[Notice]) -> list[str]:
    lines = [_bookings_title(notices) + "."]
    lines += [("· " if len(notices) > 1 else "") + _booking_line(n) for n in notices]
    lines.append(
        _(
            "No other booking of the same message carries on at the same place from the next "
            "day. Extend it, or book what plays next."
        )
    )
    return lines


def _body(notices: Sequence[Notice], names: dict[str, str], slug: str, url: str | None) -> str:
    lines = [names.get(_lang()) or slug, ""]
    if notices[0].kind == "funding":
        lines += _funding_lines(notices[0])
    else:
        lines += _bookings_lines(notices)
    if url:
        lines += ["", _("The dashboard: %(url)s", url=url)]
    return "\n".join(lines)


def compose(notices: Sequence[Notice], names: dict[str, str], slug: str) -> tuple[str, str]:
    """The subject and body of one e-mail, each in Spanish and English: one funding reminder,
    or the campaign's booking reminders due together."""
    url = dashboard_url(slug)
    if notices[0].kind == "funding":
        titles = _both(lambda: _funding_title(notices[0]))
    else:
        titles = _both(lambda: _bookings_title(notices))
    bodies = _both(lambda: _body(notices, names, slug, url))
    return " / ".join(titles), DIVIDER.join(bodies)
