"""Partner preview links: the managers' pages to make, list and revoke them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from campaign.domain.roles import STAFF
from campaign.services import clock, preview_link_choices, preview_links
from campaign.services.errors import NotFound, ServiceError
from campaign.web.i18n import locale_name
from campaign.web.identity import session_user
from campaign.web.page_access import page_requires

bp = Blueprint("preview_links", __name__)

SCOPE_LABELS = (
    ("campaign", _l("The whole campaign")),
    ("phase", _l("A phase")),
    ("hub", _l("A hub")),
    ("message", _l("A message")),
)
STATUS_LABELS = {"active": _l("active"), "expired": _l("expired"), "revoked": _l("revoked")}


def _optional_id(value: Any) -> int | None:
    return int(value) if value not in (None, "") and str(value).isdigit() else None


class LinkForm(FlaskForm):
    campaign_id = SelectField(
        _l("Campaign"), validators=[DataRequired(message=_l("Choose a campaign."))]
    )
    partner_id = SelectField(
        _l("Partner organisation"),
        validators=[DataRequired(message=_l("Choose the partner organisation it is for."))],
    )
    scope = RadioField(_l("What it shows"), default="campaign")
    phase_id = SelectField(_l("Phase"), default="")
    hub = SelectField(_l("Hub"), default="")
    message_id = SelectField(_l("Message"), default="")
    approver_id = SelectField(_l("Who may approve and comment from it"), default="")
    days = IntegerField(
        _l("Days it lasts"),
        validators=[
            InputRequired(message=_l("Say how many days the link lasts.")),
            NumberRange(min=1, message=_l("At least one day.")),
        ],
    )
    label = StringField(
        _l("Label"),
        validators=[Length(max=200, message=_l("At most %(max)d characters, please shorten it."))],
    )

    def set_choices(self, page: preview_link_choices.LinksPage) -> None:
        none = ("", "—")
        self.scope.choices = [(value, str(label)) for value, label in SCOPE_LABELS]
        self.campaign_id.choices = [(str(c.id), c.name) for c in page.campaigns]
        self.partner_id.choices = [("", _("Choose…"))] + [
            (str(p.id), p.name) for p in page.partners
        ]
        self.phase_id.choices = [none] + [(str(p.id), p.name) for p in page.phases]
        self.hub.choices = [none] + [(h.code, h.name) for h in page.hubs]
        self.message_id.choices = [none] + [(str(m.id), m.name) for m in page.messages]
        self.approver_id.choices = [("", _("Nobody: view only"))] + [
            (str(u.id), u.name) for u in page.approvers
        ]


class ConfirmForm(FlaskForm):
    """The second step of revoking a link: sent only from the page that asks to confirm."""


def _user() -> Any:
    user = session_user()
    assert user is not None  # the page guard let a signed-in person in
    return user


def link_url(token: str) -> str:
    """The address a partner opens."""
    return url_for("partner_view.overview", token=token, _external=True)


def _index_page(
    form: LinkForm, status: int = 200, page: Any = None, **extra: Any
) -> ResponseReturnValue:
    page = page or preview_link_choices.links_page(_user(), locale_name(), clock.now())
    form.set_choices(page)
    body = render_template(
        "previews/index.html",
        page=page,
        form=form,
        status_labels=STATUS_LABELS,
        max_days=current_app.config["PREVIEW_LINK_MAX_DAYS"],
        **extra,
    )
    return body, status


def _blank_form() -> LinkForm:
    return LinkForm(formdata=None, data={"days": current_app.config["PREVIEW_LINK_DAYS"]})


@bp.get("/previews")
@page_requires(*STAFF)
def index() -> ResponseReturnValue:
    return _index_page(_blank_form())


@bp.post("/previews")
@page_requires(*STAFF)
def create() -> ResponseReturnValue:
    form = LinkForm()
    page = preview_link_choices.links_page(_user(), locale_name(), clock.now())
    form.set_choices(page)
    if not form.validate_on_submit():
        return _index_page(form, 422, page)
    scope = form.scope.data or "campaign"
    try:
        made, token = preview_links.make_link(
            int(form.campaign_id.data),
            int(form.partner_id.data),
            scope,
            _user(),
            phase_id=_optional_id(form.phase_id.data) if scope == "phase" else None,
            hub_code=(form.hub.data or None) if scope == "hub" else None,
            message_id=_optional_id(form.message_id.data) if scope == "message" else None,
            approver_id=_optional_id(form.approver_id.data),
            days=form.days.data,
            label=form.label.data or "",
            now=clock.now(),
            reader_lang=locale_name(),
        )
    except ServiceError as exc:
        names = {"phase": "phase_id", "message": "message_id", "hub": "hub"}
        field_name = getattr(exc, "field", "label")
        field = getattr(form, names.get(field_name, field_name), form.label)
        field.errors = [exc.detail]
        return _index_page(form, 422, page)
    # The address is in this answer only: never flashed, never cached.
    page = preview_link_choices.links_page(_user(), locale_name(), clock.now())
    body, status = _index_page(_blank_form(), 201, page, made=made, url=link_url(token))
    return body, status, {"Cache-Control": "no-store"}


@bp.route("/previews/<int:link_id>/revoke", methods=["GET", "POST"])
@page_requires(*STAFF)
def revoke(link_id: int) -> ResponseReturnValue:
    try:
        link = preview_links.get_link(link_id, _user(), now=clock.now(), reader_lang=locale_name())
    except NotFound:
        abort(404)
    form = ConfirmForm()
    if request.method == "GET" or not form.validate_on_submit():
        page = render_template(
            "previews/revoke.html", link=link, form=form, status_labels=STATUS_LABELS
        )
        return page, 200 if request.method == "GET" else 422
    preview_links.revoke_link(link_id, _user(), now=clock.now())
    flash(_("The preview link was revoked: it shows nothing any more."), "success")
    return redirect(url_for("preview_links.index", _anchor=f"link-{link_id}"), 303)
