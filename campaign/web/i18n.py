"""The pages' language (the user's choice, a cookie, the browser's) and locale-aware formatting."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton, get_timezone_name
from babel.numbers import format_decimal
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

LANGUAGE_COOKIE = "lang"
# Screens and their pictures never need a language: their paths skip the user lookup.
_NO_LANGUAGE_PREFIXES = ("/api/v1/player/", "/assets/")


def supported_locales() -> tuple[str, ...]:
    return tuple(current_app.config["BABEL_SUPPORTED_LOCALES"])


def select_locale() -> str:
    """Spanish unless the person chose otherwise: their saved choice once signed in, before
    that the language cookie, then the browser's languages. The API (and the command line)
    answer in English unless the caller's Accept-Language asks for Spanish."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return "en"  # the command line and the jobs' logs speak English, as their docs do
    supported = supported_locales()
    path = request.path
    if path.startswith("/api/"):
        if path.startswith(_NO_LANGUAGE_PREFIXES):
            return "en"
        return request.accept_languages.best_match(supported, default="en") or "en"
    chosen = getattr(g, "chosen_locale", None)
    if chosen in supported:
        return str(chosen)
    if current_user and current_user.is_authenticated and current_user.locale in supported:
        return str(current_user.locale)
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in supported:
        return str(cookie)
    return request.accept_languages.best_match(supported, default=default) or default


def locale_name() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def _format(instant: datetime, fmt: str, zone: ZoneInfo, locale: str) -> str:
    """ "24 dic 2026, 21:00" / "Dec 24, 2026, 21:00": each language's own date, a 24-hour time."""
    day = format_skeleton("yMMMd", instant, tzinfo=zone, locale=locale)
    clock = format_skeleton("Hm", instant, tzinfo=zone, locale=locale)
    return {"time": clock, "date": day}.get(fmt, f"{day}, {clock}")


def local_time(instant: datetime | None, timezone: str, fmt: str = "medium") -> str:
    """An instant in a hub's local time, in the reader's language, with the timezone's name."""
    if instant is None:
        return ""
    zone = ZoneInfo(timezone)
    locale = locale_name()
    text = _format(instant, fmt, zone, locale)
    return f"{text} ({get_timezone_name(zone, width='long', locale=locale)})"


def local_date(day: date | None, fmt: str = "medium") -> str:
    return "" if day is None else format_date(day, format=fmt, locale=locale_name())


def number(value: float | int, fmt: str | None = None) -> str:
    return format_decimal(value, format=fmt, locale=locale_name())


def init_app(app: Flask) -> None:
    """The Jinja filters that format dates, times and numbers for the reader."""
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["number"] = number
    app.jinja_env.globals["locale_name"] = locale_name
    app.jinja_env.globals["supported_locales"] = supported_locales
