"""The audit trail's page: who changed what and when, filtered and paged, and its CSV export."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, IntegerField, SelectField, StringField
from wtforms.validators import NumberRange, Optional, ValidationError

from campaign.domain.roles import Role
from campaign.services import admin_pages, audit, clock
from campaign.web.page_access import page_requires
from campaign.web.pages.admin_forms import at_most, day_field

# Registered inside the "admin" blueprint: its endpoints are admin.audit.index and .export.
bp = Blueprint("audit", __name__, url_prefix="/audit")

# The audit has no hub: its days and times are read in the campaign team's own timezone.
HOME_TIMEZONE = "America/Lima"
FILTER_NAMES = ("actor_id", "action", "source", "entity", "entity_id", "since", "until")
LONGEST_VALUE = 120

SOURCE_LABELS = {
    "web": _l("web pages"),
    "api": _l("API"),
    "cli": _l("command line"),
    "scheduler": _l("scheduled job"),
    "system": _l("system"),
}


ACTION_LABELS = {
    "insert": _l("created"),
    "update": _l("changed"),
    "delete": _l("deleted"),
    "login": _l("signed in"),
    "login_failed": _l("sign-in refused"),
    "logout": _l("signed out"),
}


def action_label(value: str) -> str:
    return str(ACTION_LABELS.get(value, value))


def source_label(value: str) -> str:
    return str(SOURCE_LABELS.get(value, value))


class AuditFilterForm(FlaskForm):
    """The audit trail's filters: GET query arguments, so no CSRF token."""

    class Meta:
        csrf = False

    actor_id = SelectField(_l("Who"), validate_choice=False)
    action = SelectField(_l("Action"), validate_choice=False)
    source = SelectField(_l("Through"), validate_choice=False)
    entity = SelectField(_l("Table"), validate_choice=False)
    entity_id = StringField(_l("Record"), validators=[at_most(60)])
    since = day_field(_l("From (day, Lima time)"), Optional())
    until = day_field(_l("Until (day, Lima time, included)"), Optional())
    page = IntegerField(
        _l("Page"),
        validators=[
            Optional(),
            NumberRange(min=1, max=100_000, message=_l("A page number from 1 on.")),
        ],
    )

    def set_choices(self, choices: Any) -> None:
        every = ("", _("All"))
        self.actor_id.choices = [every, *((str(a.id), a.name) for a in choices.actors)]
        self.action.choices = [every, *((a, action_label(a)) for a in choices.actions)]
        self.source.choices = [every, *((s, source_label(s)) for s in audit.SOURCES)]
        self.entity.choices = [every, *((e, e) for e in choices.entities)]

    def _known(self, field: Field) -> None:
        if field.data and field.data not in {value for value, _label in field.choices or ()}:
            raise ValidationError(
                _l("«%(value)s» is not a choice; choose one from the list.", value=field.data)
            )

    validate_actor_id = validate_action = validate_source = validate_entity = _known

    def validate_until(self, field: Field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("This day is before the first one."))


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), ZoneInfo(HOME_TIMEZONE)).astimezone(UTC)


def _filters(form: AuditFilterForm) -> dict[str, Any]:
    """What the service filters by: ids, names, and the days as a range of UTC instants."""
    found: dict[str, Any] = {}
    if form.actor_id.data:
        found["actor_id"] = int(form.actor_id.data)
    for name in ("action", "source", "entity"):
        if form[name].data:
            found[name] = form[name].data
    if (form.entity_id.data or "").strip():
        found["entity_id"] = form.entity_id.data.strip()
    if form.since.data:
        found["since"] = _start_of(form.since.data)
    if form.until.data:
        found["until"] = _start_of(form.until.data + timedelta(days=1))  # the day included
    return found


def _asked() -> dict[str, str]:
    """The filters as typed, to keep in the paging and export links."""
    return {k: v for k in FILTER_NAMES if (v := request.args.get(k, "").strip())}


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"


def changes(
    before: dict[str, Any] | None, after: dict[str, Any] | None
) -> list[tuple[str, str, str]]:
    """(column, value before, value after) of one event, for a person to read."""
    keys = sorted(set(before or {}) | set(after or {}))
    rows = []
    for key in keys:
        old = "" if before is None or key not in before else _shown(before[key])
        new = "" if after is None or key not in after else _shown(after[key])
        rows.append((key, old, new))
    return rows


@bp.context_processor
def _words() -> dict[str, Any]:
    return {
        "source_label": source_label,
        "action_label": action_label,
        "changes": changes,
        "home_timezone": HOME_TIMEZONE,
    }


def _form() -> tuple[AuditFilterForm, bool]:
    form = AuditFilterForm(formdata=request.args)
    form.set_choices(admin_pages.audit_choices())
    return form, form.validate()


@bp.get("")
@page_requires(Role.ADMIN)
def index() -> ResponseReturnValue:
    form, valid = _form()
    listing = admin_pages.audit_page(_filters(form), form.page.data or 1) if valid else None
    page = render_template("admin/audit.html", form=form, listing=listing, asked=_asked())
    return page, 200 if valid else 400


@bp.get("/export.csv")
@page_requires(Role.ADMIN)
def export() -> ResponseReturnValue:
    """The filtered events as a CSV file (the same rows as the page, oldest first)."""
    form, valid = _form()
    if not valid:
        page = render_template("admin/audit.html", form=form, listing=None, asked=_asked())
        return page, 400
    name = f"audit-{clock.now().astimezone(ZoneInfo(HOME_TIMEZONE)):%Y%m%d-%H%M}.csv"
    return Response(
        stream_with_context(admin_pages.audit_csv(_filters(form))),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
