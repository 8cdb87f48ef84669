"""Posters: upload (checked, re-encoded, stored, recorded all or nothing), list, edit, delete."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app, has_request_context
from flask_babel import gettext
from sqlalchemy import exists, select

from campaign.domain.roles import Role
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign
from campaign.persistence.media import MediaFile, Rendition
from campaign.persistence.messages import Message
from campaign.persistence.posters import Poster
from campaign.persistence.queries import campaign_row
from campaign.rendering.refusals import UploadRejected
from campaign.rendering.store import StorageFull
from campaign.services import messages
from campaign.services.campaigns import visible_campaigns
from campaign.services.errors import Invalid, NotFound, ServiceError
from campaign.services.records import Page, PageRequest, check_version, commit, paginate
from campaign.services.renditions import asset_store

log = logging.getLogger(__name__)

FITS = ("contain", "cover")
POSTER_SORTS = {"created_at", "label", "lang"}
POSTER_FILTERS = ("campaign_id", "message_id", "lang")
LABEL_MAX = 255


def _(text: str, **params: object) -> str:
    """A message in the reader's language during a request; elsewhere (the command line's
    imports) in English, as written here, so a summary in a terminal reads the same as ever."""
    if has_request_context():
        return gettext(text, **params)
    return text % params if params else text


def _file_kind(kind: str) -> str:
    """What a refused file really is (a code from the upload check), in the reader's words."""
    kinds = {
        "gif": _("a GIF image"),
        "tiff": _("a TIFF image"),
        "psd": _("a Photoshop (PSD) file"),
        "pdf": _("a PDF document"),
        "bmp": _("a BMP image"),
        "heic": _("a HEIC/AVIF image"),
        "zip": _("a ZIP archive (or an Office document)"),
        "svg": _("an SVG drawing"),
        "html": _("a web page (HTML/XML)"),
    }
    return kinds.get(kind) or _("not an image we can read")


def refusal_text(exc: UploadRejected) -> str:
    """The upload check's refusal in the reader's language: the same sentence, translated."""
    p = exc.params
    if exc.reason == "empty":
        return _("The file is empty; choose the image file again and upload it.")
    if exc.reason == "too_many_bytes":
        return _(
            "This file is %(size)s MB; the limit is %(limit)s MB — export a smaller image (JPEG "
            "at quality 90 is enough) and upload it again.",
            size=p["size"],
            limit=p["limit"],
        )
    if exc.reason == "wrong_type":
        return _(
            "This file is %(what)s, whatever its name says; only PNG, JPEG and WebP images are "
            "accepted — export it as PNG or JPEG and upload it again.",
            what=_file_kind(p["what"]),
        )
    if exc.reason == "damaged":
        return _(
            "This image is damaged or incomplete (it may have been cut off during the upload); "
            "open it in an image editor, save it again and upload the new file."
        )
    if exc.reason == "too_many_pixels":
        return _(
            "This image is %(width)s × %(height)s pixels (%(megapixels)s megapixels); the limit "
            "is %(limit)s megapixels — resize it (3840 × 2160 is plenty for any screen) and "
            "upload it again.",
            **p,
        )
    if exc.reason == "far_too_many_pixels":
        return _(
            "This image is far too large; the limit is %(limit)s megapixels — resize it "
            "(3840 × 2160 is plenty for any screen) and upload it again.",
            limit=p["limit"],
        )
    return exc.message  # a refusal this list does not know yet: its English words


class Rejected(ServiceError):
    """An upload refused for its content (422) or its size (413)."""

    code = "invalid_upload"

    def __init__(self, detail: str, status: int) -> None:
        super().__init__(detail)
        self.status = status
        if status == 413:
            self.code = "payload_too_large"


class StorageExhausted(ServiceError):
    status = 507
    code = "insufficient_storage"


@dataclass(frozen=True)
class Placement:
    """Where a poster belongs: a campaign, optionally one of its messages, optionally a language."""

    campaign_id: int | None = None
    message_key: str | None = None
    lang: str | None = None


def _clean_label(name: str | None) -> str:
    """The client's file name as a label only: last path part, printable, bounded."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[:LABEL_MAX]


def _check_look(fit: str, focal: tuple[float, float]) -> None:
    if fit not in FITS:
        raise Invalid(
            _(
                "fit is 'contain' (show the whole picture) or 'cover' (fill), not %(fit)s",
                fit=repr(fit),
            )
        )
    if not all(isinstance(v, int | float) and 0.0 <= v <= 1.0 for v in focal):
        raise Invalid(_("focal_x and focal_y are each from 0 (left/top) to 1 (right/bottom)"))


def _resolve(place: Placement) -> tuple[Campaign | None, Message | None]:
    """The campaign and message a new poster belongs to, checked; raises Invalid/NotFound."""
    campaign = None
    if place.campaign_id is not None:
        campaign = db.session.get(Campaign, place.campaign_id)
        if campaign is None:
            raise NotFound(_("no campaign %(id)s", id=place.campaign_id))
    elif place.message_key is not None or place.lang is not None:
        campaign = campaign_row()
        if campaign is None:
            raise Invalid(_("there are several campaigns (or none): give the campaign id as well"))
    message = None
    if place.message_key is not None:
        assert campaign is not None
        message = db.session.scalar(
            select(Message).filter_by(campaign_id=campaign.id, key=place.message_key)
        )
        if message is None:
            raise NotFound(
                _(
                    "campaign %(campaign)s has no message %(message)s",
                    campaign=campaign.slug,
                    message=repr(place.message_key),
                )
            )
    if place.lang is not None and campaign is not None and place.lang not in campaign.languages:
        raise Invalid(
            _(
                "lang %(lang)s is not a language of campaign %(campaign)s (%(languages)s); leave "
                "it out for a poster in any language",
                lang=repr(place.lang),
                campaign=campaign.slug,
                languages=", ".join(campaign.languages),
            )
        )
    return campaign, message


def _referenced(sha256: str, ext: str) -> bool:
    """Whether any row still names this stored file."""
    media = exists().where(MediaFile.sha256 == sha256, MediaFile.ext == ext)
    rendition = exists().where(Rendition.sha256 == sha256, Rendition.ext == ext)
    return bool(db.session.scalar(select(media | rendition)))


def _discard(files: set[tuple[str, str]]) -> None:
    """Remove stored files that no row names any more (after a rollback or a delete)."""
    store = asset_store()
    for sha256, ext in files:
        if not _referenced(sha256, ext):
            store.delete(sha256, ext)


def upload_poster(
    data: bytes,
    *,
    label: str | None,
    place: Placement,
    uploaded_by: int | None,
    now: datetime,
    fit: str = "contain",
    focal: tuple[float, float] = (0.5, 0.5),
) -> Poster:
    """Check, re-encode, store and record an uploaded picture; all or nothing.

    Raises Rejected (413/422), StorageExhausted (507), Invalid or NotFound. On any failure no
    new file and no new row remain.
    """
    _check_look(fit, focal)
    campaign, message = _resolve(place)
    config = current_app.config
    try:
        from campaign.rendering.uploads import process_upload  # Pillow: only for uploads

        image = process_upload(
            data, max_pixels=config["MAX_UPLOAD_PIXELS"], max_bytes=config["MAX_CONTENT_LENGTH"]
        )
    except UploadRejected as exc:
        raise Rejected(refusal_text(exc), exc.status) from None
    store = asset_store()
    existed = store.exists(image.sha256, image.ext)
    try:
        store.put(image.data, image.ext)
    except StorageFull:
        raise StorageExhausted(
            _(
                "The media disk is full, so the picture was not saved; ask an administrator to "
                "free some space, then upload it again."
            )
        ) from None
    try:
        media = db.session.scalar(select(MediaFile).filter_by(sha256=image.sha256, ext=image.ext))
        if media is None:
            media = MediaFile(
                sha256=image.sha256,
                ext=image.ext,
                content_type=image.content_type,
                size_bytes=len(image.data),
                width=image.width,
                height=image.height,
                created_at=now,
            )
            db.session.add(media)
        # A poster is content: it joins a draft of the message and plays once that is approved.
        version = None
        if message is not None:
            editor = db.session.get(User, uploaded_by) if uploaded_by is not None else None
            version = messages.draft_for_edit(message, editor)
            db.session.flush()
        poster = Poster(
            campaign_id=campaign.id if campaign else None,
            message_id=message.id if message else None,
            message_version_id=version.id if version else None,
            lang=place.lang,
            media=media,
            width=image.width,
            height=image.height,
            fit=fit,
            focal_x=float(focal[0]),
            focal_y=float(focal[1]),
            label=_clean_label(label),
            uploaded_by_id=uploaded_by,
            created_at=now,
        )
        db.session.add(poster)
        commit(f"poster {poster.label or image.sha256[:12]}")
    except BaseException:
        db.session.rollback()
        if not existed:  # the file was ours: keep it only if another row took it meanwhile
            _discard({(image.sha256, image.ext)})
        raise
    return poster


def _visible(user: User) -> Any:
    """Staff see every poster; a partner sees those of campaigns shared with them."""
    query = select(Poster)
    if user.role == Role.PARTNER:
        shown = visible_campaigns(user).with_only_columns(Campaign.id)
        query = query.where(Poster.campaign_id.in_(shown))
    return query


def get_poster(poster_id: int, user: User) -> Poster:
    row = db.session.scalar(_visible(user).where(Poster.id == poster_id))
    if row is None:
        raise NotFound(_("no poster %(id)s", id=poster_id))
    return row


def list_posters(user: User, request: PageRequest) -> Page:
    return paginate(_visible(user), Poster, request, POSTER_SORTS)


def _drop_renditions(poster_id: int) -> set[tuple[str, str]]:
    """Delete a poster's rendition rows; return their files, which outlive them for players
    still showing them (services/storage removes them later)."""
    rows = list(db.session.scalars(select(Rendition).where(Rendition.poster_id == poster_id)))
    for row in rows:
        db.session.delete(row)
    return {(r.sha256, r.ext) for r in rows}


def _start_grace(files: set[tuple[str, str]]) -> None:
    """The clean-up's grace period counts from when the last row naming a file went away."""
    store = asset_store()
    for sha256, ext in files:
        store.touch(sha256, ext)


def update_poster(poster_id: int, user: User, changes: dict[str, Any]) -> Poster:
    """Change how a poster fills the screen (fit, focal point); its renditions are redrawn."""
    changes = dict(changes)
    row = get_poster(poster_id, user)
    check_version(row, changes.pop("version", None), f"poster {row.id}")
    fit = changes.get("fit", row.fit)
    focal = (changes.get("focal_x", row.focal_x), changes.get("focal_y", row.focal_y))
    _check_look(fit, focal)
    if "label" in changes:
        changes["label"] = _clean_label(changes["label"])
    looks = (fit, *focal) != (row.fit, row.focal_x, row.focal_y)
    for name in ("fit", "focal_x", "focal_y", "label"):
        if name in changes:
            setattr(row, name, changes[name])
    dropped = _drop_renditions(row.id) if looks else set()
    commit(f"poster {row.id}")
    _start_grace(dropped)
    return row


def delete_poster(poster_id: int, user: User, version: int | None) -> None:
    """Delete a poster, its renditions, and its file's row when no other poster uses it. The
    files stay for players still showing them; services/storage removes them later."""
    row = get_poster(poster_id, user)
    check_version(row, version, f"poster {row.id}")
    media = row.media
    dropped = _drop_renditions(row.id) | {(media.sha256, media.ext)}
    db.session.delete(row)
    db.session.flush()
    if not db.session.scalar(select(exists().where(Poster.media_file_id == media.id))):
        db.session.delete(media)
    commit(f"poster {poster_id}")
    _start_grace(dropped)
