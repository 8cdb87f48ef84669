"""The words the pages use for stored values (statuses, roles, languages), in both languages."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    # messages
    "draft": _l("draft"),
    "in_review": _l("in review"),
    "approved": _l("approved"),
    "paused": _l("paused"),
    "retired": _l("retired"),
    # phases
    "planned": _l("planned"),
    "unfunded": _l("waiting for funding"),
    "upcoming": _l("upcoming"),
    "active": _l("active"),
    "completed": _l("completed"),
    "cancelled": _l("cancelled"),
    "ended": _l("ended"),
    # funding
    "pending": _l("pending"),
    "confirmed": _l("confirmed"),
    "declined": _l("declined"),
    # screens
    "landscape": _l("landscape"),
    "portrait": _l("portrait"),
    "fallback": _l("fallback"),
}

ROLE_LABELS = {
    "admin": _l("administrator"),
    "manager": _l("campaign manager"),
    "partner": _l("partner"),
}

LANGUAGE_LABELS = {
    "es": _l("Spanish"),
    "en": _l("English"),
    "qu": _l("Quechua"),
    "ay": _l("Aymara"),
    "pt": _l("Portuguese"),
}


def status_label(value: str) -> str:
    return str(STATUS_LABELS.get(value, value))


def role_label(value: str) -> str:
    return str(ROLE_LABELS.get(value, value))


def language_label(code: str) -> str:
    return str(LANGUAGE_LABELS.get(code, code))


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        status_label=status_label, role_label=role_label, language_label=language_label
    )
