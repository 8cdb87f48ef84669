"""Calendar feeds: the managers' page of signed feed URLs, and the feeds partners subscribe to."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from campaign.domain.roles import STAFF
from campaign.services import calendar_feeds, clock
from campaign.services.errors import NotFound, ServiceError
from campaign.web.i18n import locale_name
from campaign.web.identity import session_user
from campaign.web.page_access import page_requires

bp = Blueprint("calendars", __name__)

FEED_CACHE = "private, max-age=300"


class FeedForm(FlaskForm):
    campaign_id = SelectField(
        _l("Campaign"), validators=[DataRequired(message=_l("Choose a campaign."))]
    )
    hub = SelectField(_l("Hub"), default="")
    label = StringField(
        _l("Label"),
        validators=[Length(max=200, message=_l("At most %(max)d characters, please shorten it."))],
    )

    def set_choices(self, page: calendar_feeds.FeedsPage) -> None:
        self.campaign_id.choices = [(str(c.id), c.name) for c in page.campaigns]
        self.hub.choices = [("", _("Every hub of the campaign"))] + [
            (h.code, f"{h.name} ({h.code})") for h in page.hubs
        ]


class ConfirmForm(FlaskForm):
    """The second step of revoking a feed: sent only from the page that asks to confirm."""


def _user() -> Any:
    user = session_user()
    assert user is not None  # the page guard let a signed-in person in
    return user


def feed_urls(token: str) -> tuple[str, str]:
    """The feed's address, and the same as webcal:// (calendar apps subscribe on a click)."""
    url = url_for("calendars.feed", token=token, _external=True)
    return url, "webcal://" + url.partition("://")[2]


def _index_page(
    form: FeedForm, status: int = 200, page: Any = None, **extra: Any
) -> ResponseReturnValue:
    page = page or calendar_feeds.feeds_page(_user(), locale_name())
    form.set_choices(page)
    body = render_template("calendars/index.html", page=page, form=form, **extra)
    return body, status


@bp.get("/calendars")
@page_requires(*STAFF)
def index() -> ResponseReturnValue:
    return _index_page(FeedForm(formdata=None))


@bp.post("/calendars")
@page_requires(*STAFF)
def create() -> ResponseReturnValue:
    form = FeedForm()
    page = calendar_feeds.feeds_page(_user(), locale_name())
    form.set_choices(page)
    if not form.validate_on_submit():
        return _index_page(form, 422, page)
    try:
        made, token = calendar_feeds.create_feed(
            int(form.campaign_id.data),
            form.hub.data or None,
            form.label.data or "",
            _user(),
            now=clock.now(),
            reader_lang=locale_name(),
        )
    except ServiceError as exc:
        field = getattr(form, getattr(exc, "field", "label"), form.label)
        field.errors = [exc.detail]
        return _index_page(form, 422, page)
    url, webcal = feed_urls(token)
    # The URL is in this answer only: never flashed, never cached.
    body, status = _index_page(FeedForm(formdata=None), 201, made=made, url=url, webcal=webcal)
    return body, status, {"Cache-Control": "no-store"}


@bp.route("/calendars/<int:feed_id>/revoke", methods=["GET", "POST"])
@page_requires(*STAFF)
def revoke(feed_id: int) -> ResponseReturnValue:
    try:
        feed = calendar_feeds.get_feed(feed_id, _user(), reader_lang=locale_name())
    except NotFound:
        abort(404)
    form = ConfirmForm()
    if request.method == "GET" or not form.validate_on_submit():
        page = render_template("calendars/revoke.html", feed=feed, form=form)
        return page, 200 if request.method == "GET" else 422
    calendar_feeds.revoke_feed(feed_id, _user(), now=clock.now())
    flash(_("The calendar feed was revoked: its address answers no more."), "success")
    return redirect(url_for("calendars.index", _anchor=f"feed-{feed_id}"), 303)


@bp.get("/calendar/<token>.ics")
def feed(token: str) -> ResponseReturnValue:
    """A partner's calendar app reads this without signing in: the signed URL is the key.
    Anything wrong (tampered, revoked, gone) is the same plain 404."""
    try:
        document = calendar_feeds.feed_document(token, clock.now())
    except NotFound:
        return Response(
            "Not found\n", 404, mimetype="text/plain", headers={"Cache-Control": "no-store"}
        )
    response = Response(document.body, mimetype="text/calendar")
    response.set_etag(document.etag)
    response.headers["Cache-Control"] = FEED_CACHE
    return response.make_conditional(request)
