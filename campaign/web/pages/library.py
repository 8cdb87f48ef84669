"""The poster library: every poster and where it is used, upload, focal point, delete."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import FloatField, IntegerField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from campaign.domain.roles import ANY, STAFF
from campaign.extensions import csrf
from campaign.services import clock, poster_library, posters
from campaign.services.errors import Conflict, ServiceError
from campaign.web.i18n import locale_name, number
from campaign.web.identity import session_user
from campaign.web.page_access import page_requires
from campaign.web.pages.vocabulary import language_label

bp = Blueprint("library", __name__, url_prefix="/posters")

# The other fields of the upload form ride in the same body as the file: a file a little over
# the limit is still read, so it is refused with its size and the form keeps what was typed.
FORM_MARGIN = 1024 * 1024
FITS = [
    SelectChoice("contain", _l("Show the whole picture (bands fill the rest of the screen)")),
    SelectChoice("cover", _l("Fill the screen (the picture is cropped around its focal point)")),
]
FIT_NAMES = {"contain": _l("whole picture"), "cover": _l("fills the screen")}
LONG_CACHE = "private, max-age=31536000, immutable"


class ShareField(FloatField):
    """A number from 0 to 1 that also takes a decimal comma, as people in Peru write it."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].strip().replace(",", ".")]
        super().process_formdata(valuelist)


def _share(label: Any) -> ShareField:
    return ShareField(
        label,
        default=0.5,
        validators=[
            InputRequired(message=_l("Give a number from 0 to 1.")),
            NumberRange(0.0, 1.0, message=_l("Give a number from 0 to 1.")),
        ],
        render_kw={"step": "0.01", "min": "0", "max": "1", "inputmode": "decimal"},
    )


class LookFields(FlaskForm):
    fit = RadioField(_l("How it fills the screen"), choices=FITS, default="contain")
    focal_x = _share(_l("Focal point across (0 = left edge, 1 = right edge)"))
    focal_y = _share(_l("Focal point down (0 = top edge, 1 = bottom edge)"))
    label = StringField(
        _l("Label"),
        validators=[Optional(), Length(max=posters.LABEL_MAX)],
    )


class UploadForm(LookFields):
    file = FileField(
        _l("Picture (PNG, JPEG or WebP)"),
        validators=[FileRequired(message=_l("Choose the picture file to upload."))],
        render_kw={"accept": "image/png,image/jpeg,image/webp"},
    )
    campaign = SelectField(_l("Campaign"), coerce=int)
    message = SelectField(_l("Message"), choices=[], validate_choice=False)
    lang = SelectField(_l("Language"), choices=[], validate_choice=False)


class FocalForm(LookFields):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class DeleteForm(FlaskForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


@bp.context_processor
def _words() -> dict[str, Any]:
    user = session_user()
    return {
        "fit_names": {k: str(v) for k, v in FIT_NAMES.items()},
        "fit_box": poster_library.fit_box,
        "view_box": poster_library.VIEW_BOX,
        # Error pages of this area are drawn with this too, maybe for nobody signed in.
        "several_campaigns": user is not None and poster_library.campaign_count(user) > 1,
    }


def _user() -> Any:
    user = session_user()
    assert user is not None  # page_requires let only a signed-in person in
    return user


def _may_edit() -> bool:
    return _user().role in STAFF


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


# --- the library ---------------------------------------------------------------------------


@bp.get("")
@page_requires(*ANY)
def index() -> ResponseReturnValue:
    user = _user()
    campaign_id = request.args.get("campaign", type=int)
    message_key = (request.args.get("message") or "").strip() or None
    page = max(1, request.args.get("page", 1, type=int) or 1)
    found = poster_library.library(
        user, campaign_id=campaign_id, message_key=message_key, page=page
    )
    return render_template(
        "library/index.html",
        found=found,
        choices=poster_library.campaign_choices(user),
        campaign_id=campaign_id,
        message_key=message_key or "",
        may_edit=_may_edit(),
    )


# --- upload ----------------------------------------------------------------------------------


def _upload_choices(form: UploadForm) -> list[poster_library.CampaignChoice]:
    choices = poster_library.campaign_choices(_user())
    several = len(choices) > 1
    form.campaign.choices = [SelectChoice(str(c.id), _name(c.names, c.slug)) for c in choices]
    messages = [SelectChoice("", _("None: a poster of the campaign itself"))]
    languages: dict[str, str] = {"": _("Any language")}
    for c in choices:
        group = _name(c.names, c.slug) if several else None
        messages += [SelectChoice(m.key, _message_label(m), optgroup=group) for m in c.messages]
        languages.update({code: language_label(code) for code in c.languages})
    form.message.choices = messages
    form.lang.choices = [SelectChoice(code, label) for code, label in languages.items()]
    if form.campaign.data is None and choices:
        form.campaign.data = choices[0].id
    return choices


def _name(names: dict[str, str], fallback: str) -> str:
    return names.get(locale_name()) or next(iter(names.values()), fallback)


def _message_label(m: poster_library.MessageChoice) -> str:
    headline = _name(m.headlines, "")
    return f"{m.key} — {headline}" if headline else m.key


def _upload_page(form: UploadForm, status: int = 200) -> ResponseReturnValue:
    return render_template("library/upload.html", form=form), status


def _refused(form: UploadForm, status: int) -> ResponseReturnValue:
    if _wants_json():
        fields = {name: list(errors) for name, errors in form.errors.items() if name is not None}
        detail = next(iter(form.form_errors), None) or next(
            (e[0] for e in fields.values() if e), _("Please correct the marked fields.")
        )
        return jsonify({"detail": str(detail), "fields": fields}), status
    return _upload_page(form, status)


def _too_large(limit: int) -> ResponseReturnValue:
    megabytes = f"{limit / 1048576:g}"
    detail = _(
        "This file is larger than the limit of %(limit)s MB; export a smaller image (JPEG at "
        "quality 90 is enough) and upload it again.",
        limit=megabytes,
    )
    if _wants_json():
        return jsonify({"detail": detail, "fields": {"file": [detail]}}), 413
    form = UploadForm(formdata=None)
    _upload_choices(form)
    form.file.errors = [detail]
    return _upload_page(form, 413)


@bp.get("/upload")
@page_requires(*STAFF)
def upload_form() -> ResponseReturnValue:
    form = UploadForm(formdata=None)
    _upload_choices(form)
    if request.args.get("message"):
        form.message.data = request.args["message"]
    return _upload_page(form)


@bp.post("/upload")
@csrf.exempt  # checked below, once the body limit for uploads is set
@page_requires(*STAFF)
def upload() -> ResponseReturnValue:
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    request.max_content_length = limit + FORM_MARGIN
    if (request.content_length or 0) > limit + FORM_MARGIN:
        return _too_large(limit)  # the body is not even read: nothing typed can be kept
    try:
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
        form = UploadForm()
        choices = _upload_choices(form)
        valid = form.validate()
    except RequestEntityTooLarge:
        return _too_large(limit)
    campaign = next((c for c in choices if c.id == form.campaign.data), None)
    if valid and campaign is None:
        form.campaign.errors = [_("Choose one of the campaigns listed.")]
        valid = False
    if valid and campaign is not None:
        if form.message.data and form.message.data not in {m.key for m in campaign.messages}:
            form.message.errors = [_("This message is not one of the chosen campaign's.")]
            valid = False
        if form.lang.data and form.lang.data not in campaign.languages:
            form.lang.errors = [_("The chosen campaign is not shown in this language.")]
            valid = False
    if not valid:
        return _refused(form, 422)
    assert campaign is not None
    upload = form.file.data
    try:
        poster = posters.upload_poster(
            upload.stream.read(),
            label=(form.label.data or "").strip() or upload.filename,
            place=posters.Placement(campaign.id, form.message.data or None, form.lang.data or None),
            uploaded_by=_user().id,
            now=clock.now(),
            fit=form.fit.data,
            focal=(form.focal_x.data, form.focal_y.data),
        )
    except RequestEntityTooLarge:
        return _too_large(limit)
    except (posters.Rejected, posters.StorageExhausted) as exc:
        form.file.errors = [exc.detail]
        return _refused(form, exc.status)
    except ServiceError as exc:
        form.form_errors.append(exc.detail)
        return _refused(form, exc.status)
    done = _("The poster “%(label)s” was uploaded.", label=poster.label or poster.id)
    detail_url = url_for("library.detail", poster_id=poster.id)
    if _wants_json():
        thumb = url_for("library.thumb", poster_id=poster.id, v=poster.sha256[:16])
        body = {"id": poster.id, "label": poster.label, "url": detail_url, "thumb": thumb}
        return jsonify({**body, "message": done}), 201
    flash(done, "success")
    return redirect(detail_url, 303)


# --- one poster: its picture, focal point, crops ----------------------------------------------


def _focal_form(card: poster_library.PosterCard) -> FocalForm:
    p = card.poster
    data = {
        "fit": p.fit,
        "focal_x": round(p.focal_x, 3),
        "focal_y": round(p.focal_y, 3),
        "label": p.label,
        "version": p.lock_version,
    }
    return FocalForm(formdata=None, data=data)


def _detail_page(
    card: poster_library.PosterCard,
    form: FocalForm,
    status: int = 200,
    stale: str = "",
) -> ResponseReturnValue:
    return render_template(
        "library/detail.html",
        card=card,
        form=form,
        classes=poster_library.screen_classes(),
        may_edit=_may_edit(),
        stale=stale,
    ), status


def _card(poster_id: int) -> poster_library.PosterCard:
    try:
        return poster_library.poster_card(poster_id, _user())
    except ServiceError as exc:
        abort(exc.status, description=exc.detail)


@bp.get("/<int:poster_id>")
@page_requires(*ANY)
def detail(poster_id: int) -> ResponseReturnValue:
    card = _card(poster_id)
    return _detail_page(card, _focal_form(card))


def _look(fit: str, x: float, y: float) -> str:
    return _(
        "%(fit)s, focal point %(x)s across, %(y)s down",
        fit=FIT_NAMES.get(fit, fit),
        x=number(x, "0.00"),
        y=number(y, "0.00"),
    )


@bp.post("/<int:poster_id>")
@page_requires(*STAFF)
def save(poster_id: int) -> ResponseReturnValue:
    form = FocalForm()
    if not form.validate_on_submit():
        return _detail_page(_card(poster_id), form, 422)
    changes = {
        "fit": form.fit.data,
        "focal_x": form.focal_x.data,
        "focal_y": form.focal_y.data,
        "label": (form.label.data or "").strip(),
        "version": form.version.data,
    }
    try:
        posters.update_poster(poster_id, _user(), changes)
    except Conflict:
        card = _card(poster_id)
        p = card.poster
        stale = _(
            "Someone else saved this poster while you were working on it. Saved now: "
            "%(theirs)s. Yours, not saved: %(yours)s. Your values are kept in the form; save "
            "again to replace theirs, or reload the page to keep them.",
            theirs=_look(p.fit, p.focal_x, p.focal_y),
            yours=_look(form.fit.data, form.focal_x.data, form.focal_y.data),
        )
        _set_version(form.version, p.lock_version)  # a second save is made knowing both
        return _detail_page(card, form, 409, stale)
    except ServiceError as exc:
        form.form_errors.append(exc.detail)
        return _detail_page(_card(poster_id), form, exc.status)
    flash(_("Saved. The crops below show what each screen shape now gets."), "success")
    return redirect(url_for("library.detail", poster_id=poster_id) + "#crops", 303)


def _set_version(field: IntegerField, version: int) -> None:
    """Send the current version back with the form (what was posted would be shown again)."""
    field.data, field.raw_data = version, [str(version)]


# --- delete ----------------------------------------------------------------------------------


@bp.get("/<int:poster_id>/delete")
@page_requires(*STAFF)
def delete_form(poster_id: int) -> ResponseReturnValue:
    card = _card(poster_id)
    form = DeleteForm(formdata=None, data={"version": card.poster.lock_version})
    return render_template("library/delete.html", card=card, form=form)


@bp.post("/<int:poster_id>/delete")
@page_requires(*STAFF)
def delete(poster_id: int) -> ResponseReturnValue:
    form = DeleteForm()
    card = _card(poster_id)
    if not form.validate_on_submit():
        return render_template("library/delete.html", card=card, form=form), 422
    try:
        posters.delete_poster(poster_id, _user(), form.version.data)
    except Conflict:
        card = _card(poster_id)
        _set_version(form.version, card.poster.lock_version)
        problem = _("Someone else changed this poster meanwhile; check it below and confirm again.")
        return render_template("library/delete.html", card=card, form=form, problem=problem), 409
    except ServiceError as exc:
        return render_template(
            "library/delete.html", card=card, form=form, problem=exc.detail
        ), exc.status
    flash(_("The poster “%(label)s” was deleted.", label=card.poster.label or poster_id), "success")
    return redirect(url_for("library.index"), 303)


# --- pictures: thumbnails, the picture to point at, crop previews ----------------------------


def _jpeg(data: bytes, cache: str) -> Response:
    response = Response(data, mimetype="image/jpeg")
    response.headers["Cache-Control"] = cache
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.set_etag(hashlib.sha256(data).hexdigest()[:32])
    return response.make_conditional(request)


def _picture(poster_id: int, box: int) -> Response:
    try:
        row = posters.get_poster(poster_id, _user())
        data = poster_library.thumbnail(poster_id, _user(), box)
    except ServiceError as exc:
        abort(exc.status, description=exc.detail)
    # The address names the picture's content: the same address never shows another picture.
    fresh = request.args.get("v") == row.sha256[:16]
    return _jpeg(data, LONG_CACHE if fresh else "private, no-cache")


@bp.get("/<int:poster_id>/thumb.jpg")
@page_requires(*ANY)
def thumb(poster_id: int) -> ResponseReturnValue:
    return _picture(poster_id, poster_library.THUMB_BOX)


@bp.get("/<int:poster_id>/picture.jpg")
@page_requires(*ANY)
def picture(poster_id: int) -> ResponseReturnValue:
    return _picture(poster_id, poster_library.VIEW_BOX)


def _share_arg(name: str) -> float | None:
    value = request.args.get(name, type=float)
    return None if value is None or not 0.0 <= value <= 1.0 else round(value, 3)


@bp.get("/<int:poster_id>/crop/<int:width>x<int:height>.jpg")
@page_requires(*ANY)
def crop(poster_id: int, width: int, height: int) -> ResponseReturnValue:
    x, y = _share_arg("x"), _share_arg("y")
    trying = x is not None and y is not None
    try:
        data = poster_library.crop_preview(
            poster_id,
            _user(),
            width,
            height,
            fit=request.args.get("fit"),
            focal=(x, y) if trying else None,  # type: ignore[arg-type]
        )
    except ServiceError as exc:
        abort(exc.status, description=exc.detail)
    # Saved looks are addressed by the poster's version, which every save moves on.
    cache = "private, max-age=600" if trying or request.args.get("v") else "private, no-cache"
    return _jpeg(data, cache)
