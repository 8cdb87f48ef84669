"""Approving and commenting from a preview link, by its approver, through the usual workflow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.reviews import ReviewComment
from campaign.services import audit, messages, reviews
from campaign.services.errors import Forbidden, Invalid, ServiceError
from campaign.services.partner_preview import scoped_message
from campaign.services.partner_preview_scope import shown_versions
from campaign.services.preview_link_access import PreviewAccess
from campaign.services.preview_links import valid_approver

MAX_COMMENT = 4000  # as the message page's comments


@dataclass(frozen=True)
class CommentLine:
    version_number: int
    author: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class ReviewState:
    """What the link's approver may do with one message now, and why not."""

    approver: str  # their name or e-mail; "" when the link names nobody who may act
    number: int | None  # the version they act on: the one in review, else the one on screens
    may_approve: bool
    approve_reason: str  # why not, in the reader's language; "" when they may
    may_comment: bool
    comment_reason: str
    comments: tuple[CommentLine, ...]  # on the versions shown; only for a link that may act


def via_link(user: User, link_id: int) -> audit.Actor:
    """Who acts from a link, as the audit trail names them: the approver and the link."""
    return audit.Actor(user.id, f"{user.email} via preview link #{link_id}", "web")


def _approver(access: PreviewAccess) -> tuple[User | None, str]:
    """The link's approver if they may still act, else None and why not."""
    if access.approver_id is None:
        return None, _(
            "This link is for viewing only: it names nobody of your organisation who may "
            "approve or comment. Ask the campaign team for a link with an approver."
        )
    user = db.session.get(User, access.approver_id)
    if not valid_approver(user, access.partner_id):
        return None, _(
            "The person this link names for approving is no longer an active user of your "
            "organisation. Ask the campaign team for a new link."
        )
    return user, ""


def _comments(numbers: dict[int, int]) -> tuple[CommentLine, ...]:
    """The comments on these versions (version id → number), the oldest first."""
    if not numbers:
        return ()
    rows = list(
        db.session.scalars(
            select(ReviewComment)
            .where(ReviewComment.version_id.in_(list(numbers)))
            .order_by(ReviewComment.created_at, ReviewComment.id)
        )
    )
    authors = {c.author_id for c in rows if c.author_id}
    people = {
        u.id: u.name or u.email
        for u in db.session.scalars(select(User).where(User.id.in_(authors)))
    }
    return tuple(
        CommentLine(numbers[c.version_id], people.get(c.author_id or 0, ""), c.body, c.created_at)
        for c in rows
    )


def review_state(access: PreviewAccess, message_id: int) -> ReviewState:
    """Whether the link's approver may approve or comment on a message of the scope (the
    workflow's own rules: `reviews.offers`), and the comments they can read."""
    _scope, message = scoped_message(access, message_id)
    live, review = shown_versions(message)
    target = review or live
    user, reason = _approver(access)
    if user is None:
        return ReviewState("", None, False, reason, False, reason, ())
    offers = reviews.offers(user, message)
    approve = offers.items.get("approve")
    if review is None or approve is None:
        approve_ok, approve_why = (
            False,
            _("No version of this message is waiting for review: there is nothing to approve."),
        )
    else:
        approve_ok, approve_why = approve.allowed, approve.reason
    comment = offers.items.get("comment")
    comment_ok = comment is not None and comment.allowed and target is not None
    numbers = {v.id: v.number for v in (live, review) if v is not None}
    comments = _comments(numbers)
    return ReviewState(
        approver=user.name or user.email,
        number=target.number if target else None,
        may_approve=approve_ok,
        approve_reason=approve_why,
        may_comment=comment_ok,
        comment_reason="" if comment_ok else (comment.reason if comment else ""),
        comments=comments,
    )


def _acting(access: PreviewAccess, message_id: int) -> User:
    user, reason = _approver(access)
    if user is None:
        raise Forbidden(reason)
    scoped_message(access, message_id)  # outside the scope: the same NotFound as any
    return user


def approve(access: PreviewAccess, message_id: int, number: int, now: datetime) -> int:
    """The link's approver approves version `number` of a message of the scope, as on the
    message page (`messages.approve`: the same rules and legibility checks). The audit trail
    names the approver and the link; the number of the version approved."""
    user = _acting(access, message_id)
    with audit.acting_as(via_link(user, access.link_id)):
        detail = {"message_id": message_id, "version": number}
        audit.record("approve_via_preview_link", "preview_links", str(access.link_id), detail)
        try:
            version = messages.approve(message_id, user, number=number, now=now)
        except ServiceError:
            db.session.rollback()
            raise
    return version.number


def comment(access: PreviewAccess, message_id: int, number: int, body: str, now: datetime) -> None:
    """The link's approver comments on version `number` of a message of the scope (one it
    shows), recorded with the link in the audit trail."""
    user = _acting(access, message_id)
    body = (body or "").strip()
    if not body:
        raise Invalid(_("Write the comment first."))
    if len(body) > MAX_COMMENT:
        raise Invalid(_("At most %(max)d characters.", max=MAX_COMMENT))
    _scope, message = scoped_message(access, message_id)
    if number not in {v.number for v in shown_versions(message) if v is not None}:
        raise Invalid(_("This version is not shown here: reload the page and try again."))
    with audit.acting_as(via_link(user, access.link_id)):
        detail = {"message_id": message_id, "version": number}
        audit.record("comment_via_preview_link", "preview_links", str(access.link_id), detail)
        try:
            messages.add_comment(message_id, user, number, body, now=now)
        except ServiceError:
            db.session.rollback()
            raise
