"""Messages and their approval workflow: draft → in_review → approved, paused, retired."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from campaign.domain.model import MessageStatus
from campaign.domain.roles import STAFF, Role
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign
from campaign.persistence.messages import Message, MessageText, MessageVersion
from campaign.persistence.posters import Poster
from campaign.persistence.queries import PLAYABLE, live_version, to_message
from campaign.persistence.reviews import ReviewComment
from campaign.services import legibility
from campaign.services.campaigns import (
    get_campaign,
    get_in_visible_campaign,
    in_visible_campaigns,
)
from campaign.services.errors import Conflict, Forbidden, Invalid, NotFound
from campaign.services.records import Page, PageRequest, check_version, commit, paginate

MESSAGE_SORTS = {"key", "topic"}
MESSAGE_FILTERS = ("campaign_id", "key", "topic", "is_fallback")
TEXT_FIELDS = ("headline", "body", "call_to_action", "hotline")


def get_message(message_id: int, user: User) -> Message:
    """A message of a campaign the user may see; others read as missing."""
    return get_in_visible_campaign(Message, message_id, user, "message")  # type: ignore[no-any-return]


def list_messages(user: User, request: PageRequest) -> Page:
    return paginate(in_visible_campaigns(Message, user), Message, request, MESSAGE_SORTS)


def get_version(message: Message, number: int) -> MessageVersion:
    version = next((v for v in message.versions if v.number == number), None)
    if version is None:
        raise NotFound(
            _("message %(key)s has no version %(number)s", key=message.key, number=number)
        )
    return version


def _touch(message: Message) -> None:
    # Workflow steps change versions, not the message row: mark it so its lock version moves.
    flag_modified(message, "key")


def _set_texts(version: MessageVersion, campaign: Campaign, texts: dict[str, Any]) -> None:
    unknown = sorted(set(texts) - set(campaign.languages))
    if unknown:
        raise Invalid(
            _(
                "texts has languages the campaign does not use: %(languages)s",
                languages=", ".join(unknown),
            )
        )
    for lang, values in sorted(texts.items()):
        row = version.text(lang)
        if row is None:
            row = MessageText(lang=lang)
            version.texts.append(row)
        for name in TEXT_FIELDS:
            if name in values:
                setattr(row, name, values[name])


def create_message(values: dict[str, Any], user: User) -> Message:
    values = dict(values)
    campaign = get_campaign(values["campaign_id"], user)
    texts = values.pop("texts", {})
    link = values.pop("link", "")
    message = Message(**values)
    version = MessageVersion(
        number=1,
        status=MessageStatus.DRAFT.value,
        author_id=user.id,
        editor_ids=[user.id],
        link=link,
    )
    message.versions.append(version)
    _set_texts(version, campaign, texts)
    db.session.add(message)
    commit(f"message {message.key}")
    return message


def update_message(message_id: int, user: User, changes: dict[str, Any]) -> Message:
    """Change the message's settings; a new link is new wording, so it goes into a draft."""
    changes = dict(changes)
    message = get_message(message_id, user)
    check_version(message, changes.pop("version", None), f"message {message.key}")
    link = changes.pop("link", None)
    for name, value in changes.items():
        setattr(message, name, value)
    latest = message.latest
    if link is not None and (latest is None or latest.link != link):
        draft_for_edit(message, user).link = link
        _touch(message)
    commit(f"message {message.key}")
    return message


def delete_message(message_id: int, user: User, version: int | None) -> None:
    """Only a message that never reached a screen may be deleted; others are retired."""
    message = get_message(message_id, user)
    check_version(message, version, f"message {message.key}")
    if any(v.approved_at is not None or v.status in PLAYABLE for v in message.versions):
        raise Conflict(
            _("message %(key)s has been approved before: retire it instead", key=message.key)
        )
    db.session.delete(message)
    commit(f"message {message.key}")


def draft_for_edit(message: Message, user: User | None) -> MessageVersion:
    """The draft an edit goes into: the newest version if it is a draft, else a new draft copied
    from the newest (texts, link and posters), while the approved one keeps playing. Nobody
    who edits a version may approve it. Callers commit."""
    latest = message.latest
    if latest is not None and all(
        v.status == MessageStatus.RETIRED.value for v in message.versions
    ):
        raise Conflict(
            _(
                "message %(key)s is retired for good; write a new message instead",
                key=message.key,
            )
        )
    if latest is not None and latest.status == MessageStatus.IN_REVIEW.value:
        raise Conflict(
            _(
                "version %(number)s is in review: withdraw it before editing",
                number=latest.number,
            )
        )
    if latest is None or latest.status != MessageStatus.DRAFT.value:
        draft = MessageVersion(
            number=(latest.number + 1) if latest else 1,
            status=MessageStatus.DRAFT.value,
            author_id=user.id if user else None,
            editor_ids=[],
            link=latest.link if latest else "",
        )
        if latest is not None:
            for old in latest.texts:
                draft.texts.append(
                    MessageText(lang=old.lang, **{n: getattr(old, n) for n in TEXT_FIELDS})
                )
        message.versions.append(draft)
        if latest is not None:
            db.session.flush()
            _copy_posters(latest, draft)
        latest = draft
    if user is not None and user.id not in (latest.editor_ids or []):
        latest.editor_ids = [*(latest.editor_ids or []), user.id]
    return latest


def _copy_posters(source: MessageVersion, draft: MessageVersion) -> None:
    """A new draft starts with the posters of the version it copies, to be approved with it."""
    for poster in db.session.scalars(select(Poster).filter_by(message_version_id=source.id)):
        copy = Poster(
            **{
                c.key: getattr(poster, c.key)
                for c in Poster.__table__.columns
                if c.key not in {"id", "lock_version", "message_version_id"}
            }
        )
        copy.message_version_id = draft.id
        db.session.add(copy)


def edit_texts(
    message_id: int, user: User, texts: dict[str, Any], *, version: int | None
) -> MessageVersion:
    """Change the wording: a draft in place; after approval, as a new draft that plays only
    once approved itself (the approved version keeps playing meanwhile)."""
    message = get_message(message_id, user)
    check_version(message, version, f"message {message.key}")
    draft = draft_for_edit(message, user)
    _set_texts(draft, message.campaign, texts)
    _touch(message)
    commit(f"message {message.key}")
    return draft


def _latest_in(message: Message, status: MessageStatus, number: int | None) -> MessageVersion:
    latest = message.latest
    if latest is None or latest.status != status.value:
        if status == MessageStatus.DRAFT:
            raise Conflict(_("message %(key)s has no draft version to act on", key=message.key))
        raise Conflict(_("message %(key)s has no version in review to act on", key=message.key))
    if number is not None and latest.number != number:
        raise Conflict(
            _(
                "version %(number)s is not the newest version (%(newest)s)",
                number=number,
                newest=latest.number,
            )
        )
    return latest


def missing_languages(message: Message) -> list[str]:
    """The campaign languages the message's newest version has no headline and body in: an
    incomplete message, which cannot be sent for review until it has every language (its
    approved version keeps playing in the languages it has meanwhile)."""
    latest = message.latest
    languages = tuple(message.campaign.languages)
    return (
        list(languages)
        if latest is None
        else to_message(message, latest).missing_languages(languages)
    )


def submit(message_id: int, user: User, *, number: int | None = None) -> MessageVersion:
    """Send the draft for review, once every campaign language has a headline and body."""
    message = get_message(message_id, user)
    draft = _latest_in(message, MessageStatus.DRAFT, number)
    missing = missing_languages(message)
    if missing:
        raise Invalid(
            _("the draft needs a headline and body in %(languages)s", languages=", ".join(missing))
        )
    draft.status = MessageStatus.IN_REVIEW.value
    _touch(message)
    commit(f"message {message.key}")
    return draft


def may_approve(user: User, message: Message, version: MessageVersion) -> str | None:
    """Why this user may not approve this version, or None when they may."""
    campaign = message.campaign
    if user.id == version.author_id or user.id in (version.editor_ids or []):
        return _("the author or an editor of a version cannot approve it")
    if campaign.requires_partner_approval:
        if user.role != Role.PARTNER or user.partner_id not in {p.id for p in campaign.partners}:
            return _("this campaign needs approval by one of its partner organisations")
        return None
    if user.role not in STAFF:
        return _("approval needs a campaign manager")
    return None


def approve(message_id: int, user: User, *, number: int, now: datetime) -> MessageVersion:
    """Approve the version under review; it replaces, and retires, the one playing before."""
    message = get_message(message_id, user)
    version = _latest_in(message, MessageStatus.IN_REVIEW, number)
    reason = may_approve(user, message, version)
    if reason:
        raise Forbidden(reason)
    problems = legibility.message_problems(version, now)
    if problems:
        raise Invalid(
            _(
                "this version cannot be approved until its slides are legible: %(problems)s",
                problems="; ".join(problems),
            )
        )
    for older in message.versions:
        if older is not version and older.status in PLAYABLE:
            older.status = MessageStatus.RETIRED.value
    version.status = MessageStatus.APPROVED.value
    version.approved_by_id, version.approved_at = user.id, now
    _touch(message)
    commit(f"message {message.key}")
    return version


def reject(
    message_id: int, user: User, *, number: int, comment: str, now: datetime
) -> MessageVersion:
    """Send the version under review back to draft, with the reviewer's reason."""
    message = get_message(message_id, user)
    version = _latest_in(message, MessageStatus.IN_REVIEW, number)
    if user.role == Role.PARTNER and may_approve(user, message, version) is not None:
        raise Forbidden(_("only a reviewer of this campaign can send it back"))
    version.status = MessageStatus.DRAFT.value
    if comment.strip():
        db.session.add(
            ReviewComment(version_id=version.id, author_id=user.id, body=comment, created_at=now)
        )
    _touch(message)
    commit(f"message {message.key}")
    return version


def withdraw(message_id: int, user: User, *, number: int | None = None) -> MessageVersion:
    """Take the version under review back to draft; with `number`, only if it is that one."""
    message = get_message(message_id, user)
    version = _latest_in(message, MessageStatus.IN_REVIEW, number)
    version.status = MessageStatus.DRAFT.value
    _touch(message)
    commit(f"message {message.key}")
    return version


def _live(message: Message, status: MessageStatus) -> MessageVersion:
    version = live_version(message)
    if version is None or version.status != status.value:
        if status == MessageStatus.PAUSED:
            raise Conflict(_("message %(key)s has no paused version", key=message.key))
        raise Conflict(_("message %(key)s has no approved version", key=message.key))
    return version


def _switch(
    message_id: int, user: User, source: MessageStatus, target: MessageStatus
) -> MessageVersion:
    message = get_message(message_id, user)
    version = _live(message, source)
    version.status = target.value
    _touch(message)
    commit(f"message {message.key}")
    return version


def pause(message_id: int, user: User) -> MessageVersion:
    """The crisis switch: the playing version leaves every screen at their next poll."""
    return _switch(message_id, user, MessageStatus.APPROVED, MessageStatus.PAUSED)


def resume(message_id: int, user: User) -> MessageVersion:
    return _switch(message_id, user, MessageStatus.PAUSED, MessageStatus.APPROVED)


def retire(message_id: int, user: User) -> Message:
    """Take the message out of service for good: no version of it plays any more."""
    message = get_message(message_id, user)
    if all(v.status == MessageStatus.RETIRED.value for v in message.versions):
        raise Conflict(_("message %(key)s is already retired", key=message.key))
    for version in message.versions:
        version.status = MessageStatus.RETIRED.value
    _touch(message)
    commit(f"message {message.key}")
    return message


def comments(message_id: int, user: User, number: int) -> list[ReviewComment]:
    version = get_version(get_message(message_id, user), number)
    return list(
        db.session.scalars(
            select(ReviewComment).filter_by(version_id=version.id).order_by(ReviewComment.id)
        )
    )


def add_comment(
    message_id: int, user: User, number: int, body: str, *, now: datetime
) -> ReviewComment:
    version = get_version(get_message(message_id, user), number)
    if not body.strip():
        raise Invalid(_("a comment needs some text"))
    row = ReviewComment(version_id=version.id, author_id=user.id, body=body, created_at=now)
    db.session.add(row)
    commit("comment")
    return row


def live_version_of(message: Message) -> MessageVersion | None:
    """The version screens may show: the newest approved or paused one; None if there is none."""
    return live_version(message)
