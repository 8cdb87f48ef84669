"""The message page (versions, diff, workflow steps, comments) and the review queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from campaign.services import clock, messages, reviews
from campaign.services.accounts import User
from campaign.services.errors import ServiceError
from campaign.web.identity import session_user
from campaign.web.page_access import page_requires
from campaign.web.pages.workflow_forms import (
    CommentForm,
    CompareForm,
    ConfirmForm,
    RejectForm,
    VersionForm,
)

bp = Blueprint("workflow", __name__)

FIELD_LABELS = {
    "headline": _l("Headline"),
    "body": _l("Text"),
    "call_to_action": _l("Call to action"),
    "hotline": _l("Hotline"),
    "link": _l("Link"),
}
SWITCHES = {
    "pause": (
        messages.pause,
        _l("The message is paused: it leaves the screens at their next poll."),
    ),
    "resume": (
        messages.resume,
        _l("The message is playing again, on the screens where its bookings play."),
    ),
    "retire": (messages.retire, _l("The message is retired for good.")),
}


def _user() -> User:
    user = session_user()
    assert user is not None  # the page guard let a signed-in person in
    return user


def _refuse(exc: ServiceError) -> ResponseReturnValue:
    """A service's refusal where no form can show it: the error page, in the reader's words."""
    if exc.status == 404:
        abort(404)  # a message of a campaign one may not see does not exist for them
    abort(exc.status, description=exc.detail)


def _detail_page(
    message_id: int,
    *,
    reject: RejectForm | None = None,
    comment: CommentForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    try:
        detail = reviews.message_detail(message_id, _user())
    except ServiceError as exc:
        return _refuse(exc)
    number = detail.latest.number if detail.latest else 0
    return (
        render_template(
            "workflow/detail.html",
            d=detail,
            diff=detail.diff,
            compare=_compare_form(detail.message, detail.diff),
            reject=reject or RejectForm(prefix="reject", formdata=None, data={"number": number}),
            comment=comment
            or CommentForm(prefix="comment", formdata=None, data={"number": number}),
            field_labels=FIELD_LABELS,
        ),
        status,
    )


def _compare_form(
    message: Any,
    diff: reviews.VersionDiff | None,
    asked: tuple[int | None, int | None] = (None, None),
) -> CompareForm:
    old, new = (
        asked if None not in asked else ((diff.old.number, diff.new.number) if diff else asked)
    )
    form = CompareForm(formdata=None, data={"old": old, "new": new})
    form.old.choices = form.new.choices = [
        (v.number, str(v.number)) for v in reversed(message.versions)
    ]
    return form


@bp.get("/reviews")
@page_requires()
def queue() -> ResponseReturnValue:
    return render_template("workflow/queue.html", queue=reviews.review_queue(_user()))


@bp.get("/messages/<int:message_id>")
@page_requires()
def detail(message_id: int) -> ResponseReturnValue:
    return _detail_page(message_id)


@bp.get("/messages/<int:message_id>/diff")
@page_requires()
def diff(message_id: int) -> ResponseReturnValue:
    asked = request.args.get("old", type=int), request.args.get("new", type=int)
    try:
        found = reviews.compare(message_id, _user(), *asked)
    except ServiceError as exc:
        return _refuse(exc)
    return render_template(
        "workflow/diff.html",
        message=found.message,
        diff=found.diff,
        compare=_compare_form(found.message, found.diff, asked),
        problem=found.problem,
        field_labels=FIELD_LABELS,
    ), (422 if found.problem else 200)


def _step(message_id: int, form: FlaskForm, act: Callable[[User, Any], str]) -> ResponseReturnValue:
    """Run one workflow step from a posted form, then back to the message with what happened
    (or why it did not) in the reader's language."""
    back = redirect(url_for("workflow.detail", message_id=message_id))
    if not form.validate_on_submit():
        flash(_("The form was incomplete; nothing was changed. Try again."), "error")
        return back
    try:
        flash(act(_user(), form), "success")
    except ServiceError as exc:
        if exc.status == 404:
            abort(404)
        flash(exc.detail, "error")
    return back


@bp.post("/messages/<int:message_id>/submit")
@page_requires()
def submit(message_id: int) -> ResponseReturnValue:
    def act(user: User, form: Any) -> str:
        reviews.require(message_id, user, "submit")
        version = messages.submit(message_id, user, number=form.number.data)
        return _("Version %(number)s was sent for review.", number=version.number)

    return _step(message_id, VersionForm(), act)


@bp.post("/messages/<int:message_id>/withdraw")
@page_requires()
def withdraw(message_id: int) -> ResponseReturnValue:
    def act(user: User, form: Any) -> str:
        reviews.require(message_id, user, "withdraw")
        version = messages.withdraw(message_id, user, number=form.number.data)
        return _(
            "Version %(number)s is a draft again: edit it, then send it for review.",
            number=version.number,
        )

    return _step(message_id, VersionForm(), act)


@bp.post("/messages/<int:message_id>/approve")
@page_requires()
def approve(message_id: int) -> ResponseReturnValue:
    def act(user: User, form: Any) -> str:
        version = messages.approve(message_id, user, number=form.number.data, now=clock.now())
        return _(
            "Version %(number)s is approved: screens show it from their next poll.",
            number=version.number,
        )

    return _step(message_id, VersionForm(), act)


@bp.post("/messages/<int:message_id>/reject")
@page_requires()
def reject(message_id: int) -> ResponseReturnValue:
    form = RejectForm(prefix="reject")
    if not form.validate_on_submit():
        return _detail_page(message_id, reject=form, status=422)

    def act(user: User, form: Any) -> str:
        version = messages.reject(
            message_id, user, number=form.number.data, comment=form.reason.data, now=clock.now()
        )
        return _(
            "Version %(number)s went back to draft, with your reason for its authors.",
            number=version.number,
        )

    return _step(message_id, form, act)


@bp.post("/messages/<int:message_id>/comment")
@page_requires()
def comment(message_id: int) -> ResponseReturnValue:
    form = CommentForm(prefix="comment")
    if not form.validate_on_submit():
        return _detail_page(message_id, comment=form, status=422)

    def act(user: User, form: Any) -> str:
        messages.add_comment(message_id, user, form.number.data, form.body.data, now=clock.now())
        return _("Your comment was added.")

    return _step(message_id, form, act)


@bp.route("/messages/<int:message_id>/<any(pause, resume, retire):action>", methods=["GET", "POST"])
@page_requires()
def switch(message_id: int, action: str) -> ResponseReturnValue:
    """Pause, resume or retire: first a page saying what the screens will do, then the step."""
    user = _user()
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit() and form.confirmed.data == "yes":
        call, done = SWITCHES[action]

        def act(user: User, form: Any) -> str:
            reviews.require(message_id, user, action)
            call(message_id, user)
            return str(done)

        return _step(message_id, form, act)
    try:
        effect = reviews.switch_effect(message_id, user, action, clock.now())
    except ServiceError as exc:
        if exc.status == 404:
            abort(404)
        flash(exc.detail, "error")  # nothing to confirm: the message page says what is possible
        return redirect(url_for("workflow.detail", message_id=message_id))
    return render_template("workflow/confirm.html", message=effect.message, effect=effect)
