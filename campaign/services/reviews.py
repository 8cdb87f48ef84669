"""The review screens' answers: who may do what with a message and why not, the queue, diffs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from babel import Locale
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from campaign.domain.model import MessageStatus
from campaign.domain.roles import STAFF, Role
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign
from campaign.persistence.messages import Booking, Message, MessageVersion
from campaign.persistence.queries import live_version
from campaign.persistence.reviews import ReviewComment
from campaign.services import messages
from campaign.services.campaigns import visible_campaigns
from campaign.services.errors import Conflict, Forbidden, NotFound
from campaign.services.playback import NoCampaign, Playback
from campaign.services.version_diff import VersionDiff, default_comparison, version_diff

# What the message page can offer, in the order its buttons appear.
ACTIONS = (
    "edit",
    "submit",
    "withdraw",
    "approve",
    "reject",
    "comment",
    "pause",
    "resume",
    "retire",
)
# Only the campaign team writes, schedules and switches messages; partners review and comment.
STAFF_ACTIONS = frozenset({"edit", "submit", "withdraw", "pause", "resume", "retire"})


def language_names(codes: list[str] | tuple[str, ...]) -> str:
    """The languages named in the reader's language, e.g. "Spanish, English" (Babel's names,
    so that services need no page vocabulary)."""
    locale = get_locale() or Locale("en")
    return ", ".join(locale.languages.get(code, code) for code in codes)


def _is_retired(message: Message) -> bool:
    return bool(message.versions) and all(
        v.status == MessageStatus.RETIRED.value for v in message.versions
    )


# ------------------------------------------------------------------------------ who may approve


class _Approvers:
    """Who can approve in each campaign, asked once per campaign (the queue asks for many)."""

    def __init__(self) -> None:
        self._with_accounts: dict[int, set[int]] = {}

    def partners_with_accounts(self, campaign: Campaign) -> set[int]:
        """The campaign's partner organisations that have at least one active user."""
        if campaign.id not in self._with_accounts:
            ids = [p.id for p in campaign.partners]
            found = db.session.scalars(
                select(User.partner_id)
                .where(User.role == Role.PARTNER, User.active, User.partner_id.in_(ids))
                .distinct()
            )
            self._with_accounts[campaign.id] = {i for i in found if i is not None}
        return self._with_accounts[campaign.id]

    def who_approves(self, campaign: Campaign) -> str:
        """Who may approve this campaign's versions, said for someone who may not."""
        if not campaign.requires_partner_approval:
            return _("Another campaign manager, who did not write or edit it, must approve it.")
        names = [p.name for p in sorted(campaign.partners, key=lambda p: p.name)]
        if not names:
            return _(
                "This campaign needs the approval of a partner organisation, and none is linked "
                "to it yet: an administrator adds one to the campaign first."
            )
        text = _(
            "This campaign needs the approval of a partner organisation: a user of %(partners)s "
            "must approve it.",
            partners=", ".join(names),
        )
        if not self.partners_with_accounts(campaign):
            text += " " + _(
                "None of these organisations has a user account yet: an administrator creates one."
            )
        return text

    def refusal(self, user: User, message: Message, version: MessageVersion) -> str | None:
        """Why `user` may not approve `version` (the rule is `messages.may_approve`), said so
        that they know who can; None when they may."""
        if messages.may_approve(user, message, version) is None:
            return None
        campaign = message.campaign
        if user.id == version.author_id or user.id in (version.editor_ids or []):
            mine = _(
                "You wrote or edited version %(number)s, so you cannot approve it.",
                number=version.number,
            )
            return f"{mine} {self.who_approves(campaign)}"
        if campaign.requires_partner_approval:
            return self.who_approves(campaign)
        return _(
            "This campaign's versions are approved by its campaign managers, not by partner "
            "organisations."
        )


def approval_refusal(user: User, message: Message, version: MessageVersion) -> str | None:
    """Why this user may not approve this version, naming who can; None when they may."""
    return _Approvers().refusal(user, message, version)


# ------------------------------------------------------------------------------ what is offered


@dataclass(frozen=True)
class Offer:
    action: str
    allowed: bool
    reason: str = ""  # why it is not offered, in the reader's language


@dataclass(frozen=True)
class Offers:
    """The actions that make sense for the message as it stands, each offered or not, and why."""

    items: dict[str, Offer] = field(default_factory=dict)

    def allowed(self, action: str) -> bool:
        offer = self.items.get(action)
        return offer is not None and offer.allowed

    @property
    def offered(self) -> tuple[str, ...]:
        """The actions offered, in the buttons' order."""
        return tuple(a for a in ACTIONS if self.allowed(a))

    @property
    def reasons(self) -> list[str]:
        """Why the buttons missing are missing, each reason once, in the buttons' order."""
        seen: list[str] = []
        for action in ACTIONS:
            offer = self.items.get(action)
            if offer and not offer.allowed and offer.reason not in seen:
                seen.append(offer.reason)
        return seen


def staff_only_reason(action: str) -> str:
    """Why a partner user is not offered one of the campaign team's actions."""
    if action in {"pause", "resume", "retire"}:
        return _(
            "Partner organisations cannot pause, resume or retire messages: ask a campaign manager."
        )
    return _(
        "Partner organisations review and comment; campaign managers write the messages and send "
        "them for review."
    )


def offers(user: User, message: Message, approvers: _Approvers | None = None) -> Offers:
    """What `user` is offered for `message` now, and for each action not offered, why."""
    approvers = approvers or _Approvers()
    latest, live = message.latest, live_version(message)
    staff = user.role in STAFF
    items: dict[str, Offer] = {}

    def put(action: str, reason: str | None) -> None:
        if action in STAFF_ACTIONS and not staff:
            reason = staff_only_reason(action)  # the rule they can act on: not theirs to do
        items[action] = Offer(action, reason is None, reason or "")

    if latest is None:
        return Offers(items)
    retired = _is_retired(message)
    if retired:
        put(
            "edit",
            _(
                "The message is retired for good: it cannot be edited or put back on screens. "
                "Write a new message instead."
            ),
        )
    elif latest.status == MessageStatus.IN_REVIEW.value:
        put(
            "edit",
            _("Version %(number)s is in review: withdraw it before editing.", number=latest.number),
        )
    else:
        put("edit", None)
    if latest.status == MessageStatus.DRAFT.value:
        missing = messages.missing_languages(message)
        put(
            "submit",
            _(
                "The draft cannot be sent for review until it has a headline and a text in "
                "%(languages)s.",
                languages=language_names(missing),
            )
            if missing
            else None,
        )
        if not staff:
            put(
                "approve",
                _(
                    "Version %(number)s is a draft: it can be approved once a campaign manager "
                    "sends it for review.",
                    number=latest.number,
                ),
            )
    if latest.status == MessageStatus.IN_REVIEW.value:
        put("withdraw", None)
        put("approve", approvers.refusal(user, message, latest))
        may_send_back = staff or messages.may_approve(user, message, latest) is None
        put(
            "reject",
            None if may_send_back else _("Only a reviewer of this campaign can send it back."),
        )
    put("comment", None)
    if live is not None and live.status == MessageStatus.APPROVED.value:
        put("pause", None)
    if live is not None and live.status == MessageStatus.PAUSED.value:
        put("resume", None)
    if not retired:
        put("retire", None)
    return Offers(items)


def require(message_id: int, user: User, action: str) -> Message:
    """The message, if the user may take this step on it: a message of a campaign they may not
    see is NotFound first, then a campaign team's step is Forbidden to a partner user with the
    reason the page shows. The workflow rules themselves (who may approve, which status) are
    the messages service's."""
    message = messages.get_message(message_id, user)
    if action in STAFF_ACTIONS and user.role not in STAFF:
        raise Forbidden(staff_only_reason(action))
    return message


# ------------------------------------------------------------------------------ the message page


@dataclass(frozen=True)
class CommentView:
    version_number: int
    author: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class VersionView:
    version: MessageVersion
    author: str
    approved_by: str


@dataclass(frozen=True)
class MessageDetail:
    message: Message
    campaign: Campaign
    latest: MessageVersion | None
    live: MessageVersion | None
    versions: tuple[VersionView, ...]  # newest first
    languages: tuple[str, ...]  # the campaign's, then any other a version has a text in
    missing: tuple[str, ...]
    comments: tuple[CommentView, ...]
    offers: Offers
    retired: bool
    diff: VersionDiff | None  # the default comparison (`default_comparison`)


def _people(ids: set[int]) -> dict[int, str]:
    """Each user's name, else e-mail, in one query."""
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.name, User.email).where(User.id.in_(ids)))
    return {row.id: row.name or row.email for row in rows}


def message_detail(message_id: int, user: User) -> MessageDetail:
    """Everything the message page shows (a message of a campaign the user may not see is
    NotFound): versions, who wrote and approved them, comments, and what the user is offered."""
    message = messages.get_message(message_id, user)
    versions = list(message.versions)
    comments = select(ReviewComment).where(ReviewComment.version_id.in_([v.id for v in versions]))
    comment_rows = list(
        db.session.scalars(comments.order_by(ReviewComment.created_at, ReviewComment.id))
    )
    people = _people(
        {v.author_id for v in versions if v.author_id}
        | {v.approved_by_id for v in versions if v.approved_by_id}
        | {c.author_id for c in comment_rows if c.author_id}
    )
    numbers = {v.id: v.number for v in versions}
    campaign = message.campaign
    languages = list(campaign.languages)
    for version in versions:
        languages += [t.lang for t in version.texts if t.lang not in languages]
    return MessageDetail(
        message=message,
        campaign=campaign,
        latest=message.latest,
        live=live_version(message),
        versions=tuple(
            VersionView(v, people.get(v.author_id or 0, ""), people.get(v.approved_by_id or 0, ""))
            for v in reversed(versions)
        ),
        languages=tuple(languages),
        missing=tuple(messages.missing_languages(message)),
        comments=tuple(
            CommentView(
                numbers.get(c.version_id, 0), people.get(c.author_id or 0, ""), c.body, c.created_at
            )
            for c in comment_rows
        ),
        offers=offers(user, message),
        retired=_is_retired(message),
        diff=version_diff(message, *pair) if (pair := default_comparison(message)) else None,
    )


# ------------------------------------------------------------------------------ the review queue


@dataclass(frozen=True)
class QueueEntry:
    message_id: int
    key: str
    topic: str
    campaign: Campaign
    number: int
    headline: str
    lang: str
    author: str
    replaces: int | None  # the live version it would replace
    reason: str  # why the user may not approve it; "" when they may


@dataclass(frozen=True)
class ReviewQueue:
    yours: tuple[QueueEntry, ...]  # the user may approve these
    others: tuple[QueueEntry, ...]  # waiting on someone else, each with why


def review_queue(user: User) -> ReviewQueue:
    """The versions in review in the campaigns the user may see: first those they may approve,
    then those waiting on someone else. A handful of queries however long the queue is."""
    visible = visible_campaigns(user).with_only_columns(Campaign.id)
    rows = db.session.scalars(
        select(MessageVersion)
        .join(MessageVersion.message)
        .where(
            MessageVersion.status == MessageStatus.IN_REVIEW.value,
            Message.campaign_id.in_(visible),
        )
        .options(
            selectinload(MessageVersion.texts),
            selectinload(MessageVersion.message).selectinload(Message.versions),
            selectinload(MessageVersion.message)
            .selectinload(Message.campaign)
            .selectinload(Campaign.partners),
        )
        .order_by(Message.campaign_id, Message.key)
    ).all()
    people = _people({v.author_id for v in rows if v.author_id})
    approvers = _Approvers()
    yours: list[QueueEntry] = []
    others: list[QueueEntry] = []
    for version in rows:
        message = version.message
        first = next(
            (version.text(lang) for lang in message.campaign.languages if version.text(lang)),
            None,
        )
        live = live_version(message)
        entry = QueueEntry(
            message_id=message.id,
            key=message.key,
            topic=message.topic,
            campaign=message.campaign,
            number=version.number,
            headline=first.headline if first else "",
            lang=first.lang if first else "",
            author=people.get(version.author_id or 0, ""),
            replaces=live.number if live else None,
            reason=approvers.refusal(user, message, version) or "",
        )
        (others if entry.reason else yours).append(entry)
    return ReviewQueue(tuple(yours), tuple(others))


# ------------------------------------------------------------------------------ comparisons


@dataclass(frozen=True)
class Comparison:
    message: Message
    diff: VersionDiff | None
    problem: str  # why the versions asked for cannot be compared; "" when they can


def compare(
    message_id: int, user: User, old_number: int | None, new_number: int | None
) -> Comparison:
    """The diff a page asked for; either number missing: the default comparison. A message of
    a campaign the user may not see is NotFound; versions that cannot be compared are said so."""
    message = messages.get_message(message_id, user)
    if old_number is None or new_number is None:
        pair = default_comparison(message)
        return Comparison(message, version_diff(message, *pair) if pair else None, "")
    if old_number == new_number:
        return Comparison(message, None, _("Choose two different versions to compare."))
    try:
        return Comparison(message, version_diff(message, old_number, new_number), "")
    except NotFound as exc:
        return Comparison(message, None, exc.detail)


# ------------------------------------------------------------------------------ switch effects


@dataclass(frozen=True)
class SwitchEffect:
    """What the screens will do when a message is paused, resumed or retired."""

    message: Message
    action: str
    poll_seconds: int
    playing_on: tuple[str, ...]  # codes of the screens that play it now
    bookings: int  # how many bookings place it on screens
    is_fallback: bool  # it also plays on screens with nothing booked


def screens_playing(message: Message, at: datetime) -> tuple[str, ...]:
    """The screens whose loop has the message at `at`, as the poll would answer them."""
    try:
        playback = Playback()
    except NoCampaign:
        return ()
    slug, key = message.campaign.slug, message.key
    return tuple(
        code
        for code in sorted(playback.screens)
        if any(
            i.campaign == slug and i.message_key == key
            for i in playback.engine.loop(code, at).items
        )
    )


def _cannot_switch(message: Message, action: str) -> str:
    # The messages service's own words for the same refusals, so both read alike.
    if action == "pause":
        return _("message %(key)s has no approved version", key=message.key)
    if action == "resume":
        return _("message %(key)s has no paused version", key=message.key)
    return _("message %(key)s is already retired", key=message.key)


def switch_effect(message_id: int, user: User, action: str, at: datetime) -> SwitchEffect:
    """For the confirmation step of pause, resume and retire: what screens will do. Refused
    (Forbidden, Conflict) as the step itself would be, before anyone confirms it."""
    message = require(message_id, user, action)
    offer = offers(user, message).items.get(action)
    if offer is None:
        raise Conflict(_cannot_switch(message, action))
    if not offer.allowed:
        raise Forbidden(offer.reason)
    bookings = db.session.scalar(
        select(func.count()).select_from(Booking).where(Booking.message_id == message.id)
    )
    return SwitchEffect(
        message=message,
        action=action,
        poll_seconds=int(current_app.config["PLAYER_POLL_SECONDS"]),
        playing_on=screens_playing(message, at),
        bookings=int(bookings or 0),
        is_fallback=message.is_fallback,
    )
