"""The message list and the bilingual message editor, with live previews and warnings."""

from __future__ import annotations

import base64
import re
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from campaign.domain.roles import STAFF
from campaign.services import clock, drafting
from campaign.services import drafting_checks as checks
from campaign.services.errors import Conflict, Invalid, NotFound, ServiceError
from campaign.web.i18n import locale_name
from campaign.web.identity import session_user
from campaign.web.page_access import page_requires
from campaign.web.pages.editor_forms import (
    TEXT_NAMES,
    EditMessageForm,
    ListFilterForm,
    MessageForm,
    NewMessageForm,
    cannot_draw_text,
    message_form,
    warning_text,
)

bp = Blueprint("editor", __name__)

LIMITS = {"headline": 300, "body": 2000, "call_to_action": 300, "hotline": 40}
_TEXT_KEY = re.compile(r"^([a-z]{2,3})-(headline|body|call_to_action|hotline)$")


@bp.get("/messages")
@page_requires()
def index() -> ResponseReturnValue:
    user = session_user()
    args = request.args
    form = ListFilterForm(formdata=args)
    listing = drafting.message_list(
        user,
        status=args.get("status") or None,
        topic=args.get("topic") or None,
        completeness=args.get("completeness") or None,
        page=args.get("page", 1, type=int) or 1,
        reader_lang=locale_name(),
    )
    form.set_choices(listing.topics)
    valid = form.validate()
    filters = {k: v for k in ("status", "topic", "completeness") if (v := args.get(k))}
    return render_template(
        "editor/index.html",
        form=form,
        listing=listing if valid else None,
        filters=filters,
        may_edit=user.role in STAFF,
    ), (200 if valid else 400)


def _number(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 10 else None


@bp.route("/messages/new", methods=["GET", "POST"])
@page_requires(*STAFF)
def new() -> ResponseReturnValue:
    user = session_user()
    asked = request.form.get("campaign_id") or request.args.get("campaign")
    try:
        page = drafting.editor_page(
            user, at=clock.now(), campaign_id=_number(asked), reader_lang=locale_name()
        )
    except Invalid:
        return render_template("editor/no_campaign.html"), 404
    form = message_form(
        NewMessageForm,
        page.campaign.languages,
        formdata=request.form if request.method == "POST" else None,
        data={"campaign_id": str(page.campaign.id)},
    )
    form.campaign_id.choices = [(str(c.id), c.name) for c in page.campaigns]
    if request.method == "GET" or request.form.get("action") == "campaign":
        return _editor(page, form)  # a campaign was chosen: its languages, nothing checked
    if not form.validate_on_submit():
        return _editor(page, form, status=422)
    if request.form.get("action") == "preview":
        return _editor(page, form, checked=True)
    try:
        message_id = drafting.create_draft(
            user,
            campaign_id=page.campaign.id,
            key=form.key.data,
            topic=form.topic.data or "",
            link=form.link.data or "",
            texts=form.texts(),
        )
    except ServiceError as exc:
        refusal = _refusal(exc, form)
        # A key already taken or a campaign gone is input to correct, marked on its field.
        return _editor(page, form, status=exc.status if refusal else 422, refusal=refusal)
    return _saved(message_id, form)


@bp.route("/messages/<int:message_id>/edit", methods=["GET", "POST"])
@page_requires(*STAFF)
def edit(message_id: int) -> ResponseReturnValue:
    user = session_user()
    try:
        page = drafting.editor_page(
            user, at=clock.now(), message_id=message_id, reader_lang=locale_name()
        )
    except NotFound:
        abort(404)
    saved = page.message
    assert saved is not None
    data: dict[str, Any] = {"topic": saved.topic, "link": saved.link}
    data["lock_version"] = saved.lock_version
    data.update({lang: saved.texts.get(lang, {}) for lang in page.campaign.languages})
    posted = request.method == "POST"
    form = message_form(
        EditMessageForm,
        page.campaign.languages,
        formdata=request.form if posted else None,
        data=data,
    )
    if saved.blocked:
        return _editor(page, form, status=409 if posted else 200)
    if not posted:
        return _editor(page, form)
    version = _number(form.lock_version.data)
    if not form.validate_on_submit() or version is None:
        return _editor(page, form, status=422)
    if request.form.get("action") == "preview":
        return _editor(page, form, checked=True)
    try:
        drafting.save_draft(
            message_id,
            user,
            version=version,
            topic=form.topic.data or "",
            link=form.link.data or "",
            texts=form.texts(),
            reader_lang=locale_name(),
        )
    except drafting.StaleEdit as exc:
        # Saving again now replaces their version deliberately: the form carries theirs.
        form.lock_version.data = str(exc.saved.lock_version)
        return _editor(page, form, status=409, theirs=exc.saved)
    except ServiceError as exc:
        return _editor(page, form, status=exc.status, refusal=_refusal(exc, form))
    return _saved(message_id, form)


def _refusal(exc: ServiceError, form: MessageForm) -> str:
    """The service's refusal for the page; "" when it is marked on the field it concerns."""
    if isinstance(form, NewMessageForm) and isinstance(exc, Conflict):
        # A new message clashes only by its key: the campaign's keys are unique.
        form.key.errors = [_("A message with this key already exists in this campaign.")]
        return ""
    if isinstance(form, NewMessageForm) and isinstance(exc, NotFound):
        form.campaign_id.errors = [_("Choose one of the campaigns in the list.")]
        return ""
    return _("The message could not be saved: %(reason)s", reason=exc.detail)


def _saved(message_id: int, form: MessageForm) -> ResponseReturnValue:
    flash(_("The message was saved as a draft."), "success")
    for text in _warnings(form, message_id):
        flash(text["text"], "warning")
    return redirect(url_for("workflow.detail", message_id=message_id))


def _editor(
    page: drafting.EditorPage,
    form: MessageForm,
    *,
    status: int = 200,
    checked: bool = False,
    theirs: drafting.DraftView | None = None,
    refusal: str = "",
) -> ResponseReturnValue:
    """The editor page. Previews and warnings are drawn only when asked for (the Preview
    button without JavaScript); otherwise the page's script fetches them."""
    message_id = page.message.id if page.message else None
    previews: dict[tuple[str, str], dict[str, str]] = {}
    warnings: list[dict[str, str]] = []
    if checked:
        warnings = _warnings(form, message_id, page.campaign.id)
        for slot in page.slots:
            previews[slot.lang, slot.size] = _inline_preview(form, slot, page, message_id)
    by_lang: dict[str, list[dict[str, str]]] = {}
    for item in warnings:
        prefix = item["field"].partition("-")[0]
        by_lang.setdefault(prefix if "-" in item["field"] else "", []).append(item)
    return render_template(
        "editor/edit.html",
        page=page,
        form=form,
        previews=previews,
        warnings=by_lang,
        theirs=theirs,
        refusal=refusal,
        invalid=status == 422,
    ), status


def _inline_preview(
    form: MessageForm, slot: checks.PreviewSlot, page: drafting.EditorPage, message_id: int | None
) -> dict[str, str]:
    try:
        png = checks.draw_preview(
            session_user(),
            at=clock.now(),
            lang=slot.lang,
            size=slot.size,
            campaign_id=page.campaign.id,
            message_id=message_id,
            link=form.link.data or "",
            texts=form.texts(),
        )
    except checks.CannotDraw as exc:
        return {"problem": cannot_draw_text(exc.reason)}
    return {"src": "data:image/png;base64," + base64.b64encode(png).decode("ascii")}


def _warnings(
    form: MessageForm, message_id: int | None, campaign_id: int | None = None
) -> list[dict[str, str]]:
    found = checks.draft_warnings(
        session_user(),
        at=clock.now(),
        link=form.link.data or "",
        texts=form.texts(),
        campaign_id=campaign_id,
        message_id=message_id,
    )
    return [{"field": w.field, "text": warning_text(w)} for w in found]


def _posted_texts() -> dict[str, dict[str, str]]:
    """The texts of a posted editor form, each cut to its longest allowed length (the form
    itself refuses longer ones when saved; a preview draws what could be saved)."""
    texts: dict[str, dict[str, str]] = {}
    for key, value in request.form.items():
        if match := _TEXT_KEY.match(key):
            lang, name = match.groups()
            texts.setdefault(lang, {})[name] = value[: LIMITS[name]]
    return {lang: {n: values.get(n, "") for n in TEXT_NAMES} for lang, values in texts.items()}


def _posted_link() -> str:
    link = request.form.get("link", "")[:500].strip()
    return link if re.fullmatch(r"https://\S+", link) else ""


@bp.route("/messages/preview", methods=["POST"], defaults={"message_id": None})
@bp.route("/messages/<int:message_id>/preview", methods=["GET", "POST"])
@page_requires(*STAFF)
def preview(message_id: int | None) -> ResponseReturnValue:
    """A slide as the screens would show it, as a small PNG: of the posted (unsaved) form, or
    with GET of the message's newest version. `lang` and `size` (e.g. 1920x1080) say which."""
    posted = request.method == "POST"
    try:
        png = checks.draw_preview(
            session_user(),
            at=clock.now(),
            lang=request.args.get("lang", ""),
            size=request.args.get("size", ""),
            campaign_id=_number(request.form.get("campaign_id")),
            message_id=message_id,
            link=_posted_link() if posted else None,
            texts=_posted_texts() if posted else None,
        )
    except checks.CannotDraw as exc:
        answer = Response(cannot_draw_text(exc.reason), 422, mimetype="text/plain")
    except NotFound:
        answer = Response(_("There is no such message or campaign."), 404, mimetype="text/plain")
    except Invalid:
        answer = Response(_("No screen shows this preview."), 400, mimetype="text/plain")
    else:
        answer = Response(png, mimetype="image/png")
    answer.headers["Cache-Control"] = "no-store"
    return answer


@bp.route("/messages/warnings", methods=["POST"], defaults={"message_id": None})
@bp.route("/messages/<int:message_id>/warnings", methods=["POST"])
@page_requires(*STAFF)
def warnings(message_id: int | None) -> ResponseReturnValue:
    """What is wrong with the posted (unsaved) form, as [{field, text}] in the reader's
    language: the page shows them next to the fields they concern while one types."""
    try:
        found = checks.draft_warnings(
            session_user(),
            at=clock.now(),
            link=_posted_link(),
            texts=_posted_texts(),
            campaign_id=_number(request.form.get("campaign_id")),
            message_id=message_id,
        )
    except NotFound:
        abort(404)
    answer = jsonify([{"field": w.field, "text": warning_text(w)} for w in found])
    answer.headers["Cache-Control"] = "no-store"
    return answer
