"""What a partner sees from a preview link: read-only, phone-friendly, in their language."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from campaign.services import clock, partner_preview, partner_preview_review, preview_link_access
from campaign.services.errors import Invalid, NotFound, ServiceError
from campaign.web.i18n import locale_name
from campaign.web.pages.workflow_forms import CommentForm, VersionForm

bp = Blueprint("partner_view", __name__)

# The token is the key: never cached, never indexed, never sent to another site as a referrer.
# Same-origin, not no-referrer: over HTTPS the approve and comment forms' CSRF check requires
# a Referer from this site (our own logs mask the token, see domain/url_secrets.py).
PRIVATE_HEADERS = (
    ("Cache-Control", "private, no-store"),
    ("Referrer-Policy", "same-origin"),
    ("X-Robots-Tag", "noindex"),
)
# What each refusal says, revealing nothing of the campaign: what happened, what to do.
REFUSALS = {
    404: (
        _l("There is nothing at this address"),
        _l(
            "The link may be incomplete: check that you opened the whole address from the "
            "message you received. If it still does not open, ask the campaign team for a new "
            "link."
        ),
    ),
    "expired": (
        _l("This preview link has expired"),
        _l("Preview links last a limited time. Ask the campaign team for a new link."),
    ),
    "revoked": (
        _l("This preview link was withdrawn"),
        _l("The campaign team withdrew it. Ask them for a new link if you still need one."),
    ),
    403: (
        _l("This link no longer opens the preview"),
        _l(
            "Your organisation's access to this preview has ended. Ask the campaign team for a "
            "new link if you still need one."
        ),
    ),
}


@bp.after_request
def private(response: Response) -> Response:
    if request.blueprint == "partner_view":
        for name, value in PRIVATE_HEADERS:
            response.headers[name] = value
    return response


def _refusal(exc: ServiceError) -> ResponseReturnValue:
    key: int | str = exc.status
    if isinstance(exc, preview_link_access.LinkGone):
        key = exc.reason
    elif exc.status not in REFUSALS:
        key = 404
    heading, explanation = REFUSALS[key]
    status = exc.status if exc.status in (403, 404, 410) else 404
    page = render_template(
        "partner/error.html", status=status, heading=heading, explanation=explanation
    )
    return page, status


@bp.errorhandler(ServiceError)
def refused(exc: ServiceError) -> ResponseReturnValue:
    """A link that opens nothing, or an id outside its scope: the same friendly page."""
    return _refusal(exc)


@bp.errorhandler(CSRFError)
def stale_form(_exc: CSRFError) -> ResponseReturnValue:
    flash(_("The form had expired; nothing was saved. Please try again."), "error")
    args = request.view_args or {}
    if "token" in args and "message_id" in args:
        return redirect(url_for(".message", **args), 303)
    return _refusal(NotFound(""))


def _open(token: str) -> preview_link_access.PreviewAccess:
    return preview_link_access.open_link(token, clock.now())


@bp.get("/p/<token>")
def overview(token: str) -> ResponseReturnValue:
    access = _open(token)
    page = partner_preview.overview(access, clock.now(), locale_name())
    return render_template("partner/overview.html", token=token, page=page, head=page.head)


@bp.get("/p/<token>/messages/<int:message_id>")
def message(token: str, message_id: int) -> ResponseReturnValue:
    access = _open(token)
    now = clock.now()
    card = partner_preview.message_card(access, message_id, now, locale_name())
    head = partner_preview.header(access, locale_name())
    review = partner_preview_review.review_state(access, message_id)
    number = review.number or 0
    return render_template(
        "partner/message.html",
        token=token,
        head=head,
        card=card,
        review=review,
        approve_form=VersionForm(formdata=None, data={"number": number}),
        comment_form=CommentForm(prefix="comment", formdata=None, data={"number": number}),
    )


@bp.get("/p/<token>/pictures/<int:message_id>/v<int:number>/<lang>/<size>.png")
def picture(token: str, message_id: int, number: int, lang: str, size: str) -> ResponseReturnValue:
    access = _open(token)
    data = partner_preview.picture(access, message_id, number, lang, size, clock.now())
    return Response(data, mimetype="image/png")


@bp.get("/p/<token>/screens/<code>")
def screen(token: str, code: str) -> ResponseReturnValue:
    access = _open(token)
    now = clock.now()
    timezone = partner_preview.screen_timezone(access, code)
    asked = request.args.get("at", "")
    problem, view = "", None
    try:
        at = partner_preview.asked_instant(asked, timezone, now)
    except Invalid as exc:
        problem, at = exc.detail, now
    if not problem:
        view = partner_preview.screen_plays(access, code, at, locale_name())
    shown = view.local_time if view else None
    body = render_template(
        "partner/screen.html",
        token=token,
        head=partner_preview.header(access, locale_name()),
        code=code,
        view=view,
        problem=problem,
        timezone=timezone,
        field_value=asked if problem or not shown else shown.strftime("%Y-%m-%dT%H:%M"),
    )
    return body, 422 if problem else 200


def _back(token: str, message_id: int) -> ResponseReturnValue:
    # To the top of the page, where the flashed outcome is shown first.
    return redirect(url_for(".message", token=token, message_id=message_id), 303)


@bp.post("/p/<token>/messages/<int:message_id>/approve")
def approve(token: str, message_id: int) -> ResponseReturnValue:
    access = _open(token)
    form = VersionForm()
    if not form.validate_on_submit():
        flash(_("The form was incomplete; nothing was changed. Try again."), "error")
        return _back(token, message_id)
    try:
        number = partner_preview_review.approve(access, message_id, form.number.data, clock.now())
    except ServiceError as exc:
        if exc.status == 404:
            raise
        flash(exc.detail, "error")
        return _back(token, message_id)
    flash(
        _(
            "You approved version %(number)s. The campaign team sees your approval, and the "
            "screens show this version from their next update.",
            number=number,
        ),
        "success",
    )
    return _back(token, message_id)


@bp.post("/p/<token>/messages/<int:message_id>/comment")
def comment(token: str, message_id: int) -> ResponseReturnValue:
    access = _open(token)
    form = CommentForm(prefix="comment")
    if not form.validate_on_submit():
        errors = [e for errors in form.errors.values() for e in errors]
        flash(" ".join(str(e) for e in errors) or _("Write the comment first."), "error")
        return _back(token, message_id)
    try:
        partner_preview_review.comment(
            access, message_id, form.number.data, form.body.data or "", clock.now()
        )
    except ServiceError as exc:
        if exc.status == 404:
            raise
        flash(exc.detail, "error")
        return _back(token, message_id)
    flash(_("Your comment was added. The campaign team reads it with the message."), "success")
    return _back(token, message_id)
