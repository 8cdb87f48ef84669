"""Reminders to the campaign team, each sent once: a phase ending while its next phase has no
confirmed funding (30, 14 and 7 days before), and a booking about to run out."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, select, update

from campaign.domain import reminders as rules
from campaign.domain.roles import STAFF
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.player import insert_ignoring
from campaign.persistence.schedule import Reminder
from campaign.services import mailer, reminder_texts
from campaign.services import reminder_sources as sources
from campaign.services.reminder_sources import BOOKING, FUNDING, SKIPPED

log = logging.getLogger(__name__)

# A claim (a row inserted, not yet sent) older than this was left by a scheduler that died
# while sending: another run may take it over.
STALE_CLAIM = timedelta(minutes=15)


class DeliveryFailed(Exception):
    """Some reminders could not be sent (the mail server refused or was down); they are
    tried again at the next run. The ones that went out are in `sent`."""

    def __init__(self, sent: list[SentReminder], failed: list[str]) -> None:
        super().__init__(f"{len(failed)} reminder(s) not sent: {'; '.join(failed)}")
        self.sent, self.failed = sent, failed


@dataclass(frozen=True)
class DueReminder:
    campaign_id: int
    campaign: str  # its slug
    kind: str  # FUNDING or BOOKING
    subject: str  # "phase:2" (the phase without funding) or "booking:<key>"
    subject_ends_on: date  # the end counted down to
    days_before: int
    due_on: date
    days_left: int  # on the day it is due, where the subject plays
    details: dict[str, Any] = field(default_factory=dict, compare=False)
    skipped: tuple[int, ...] = ()  # earlier thresholds this one stands for
    names: dict[str, str] = field(default_factory=dict, compare=False)  # the campaign's

    @property
    def key(self) -> tuple[int, str, str, date, int]:
        return (self.campaign_id, self.kind, self.subject, self.subject_ends_on, self.days_before)


@dataclass(frozen=True)
class SentReminder:
    campaign: str
    kind: str
    subject: str
    subject_ends_on: date
    days_before: int
    title: str  # the e-mail's subject line
    channel: str  # "email" or "log"
    recipients: tuple[str, ...]


def _funding_due(watch: sources.Watch, slug: str, names: dict[str, str]) -> DueReminder | None:
    ending, following = watch.ending.phase, watch.following.phase
    send, skipped = rules.to_send(ending.ends_on, sources.reminder_days(), watch.local_today)
    if send is None:
        return None
    return DueReminder(
        campaign_id=watch.campaign_id,
        campaign=slug,
        kind=FUNDING,
        subject=f"phase:{following.number}",
        subject_ends_on=ending.ends_on,
        days_before=send.days_before,
        due_on=send.due_on,
        days_left=(ending.ends_on - watch.local_today).days,
        details={
            "campaign": slug,
            "phase": ending.number,
            "phase_name": ending.name,
            "next_phase": following.number,
            "next_phase_name": following.name,
            "next_funding": following.funding_status.value,
            "timezone": watch.ending.timezone,
        },
        skipped=tuple(s.days_before for s in skipped),
        names=names,
    )


def _booking_due(run_out: sources.RunOut, slug: str, names: dict[str, str]) -> DueReminder:
    return DueReminder(
        campaign_id=run_out.campaign_id,
        campaign=slug,
        kind=BOOKING,
        subject=f"booking:{run_out.key}",
        subject_ends_on=run_out.ends_on,
        days_before=run_out.step.days_before,
        due_on=run_out.step.due_on,
        days_left=(run_out.ends_on - run_out.local_today).days,
        details={
            "campaign": slug,
            "booking": run_out.key,
            "message": run_out.message,
            "target": run_out.target,
            "starts_on": run_out.starts_on.isoformat(),
        },
        names=names,
    )


def due_reminders(at: datetime, campaign_id: int | None = None) -> list[DueReminder]:
    """The reminders due at `at` and not sent yet, every campaign's (or one's); writes nothing."""
    campaigns = sources.campaigns(campaign_id)
    phases = sources.phases_at(campaign_id)
    due: list[DueReminder] = []
    for watch in sources.watches(at, phases):
        slug, names = campaigns[watch.campaign_id]
        item = _funding_due(watch, slug, names)
        if item is not None:
            due.append(item)
    for run_out in sources.run_outs(at, phases, campaign_id):
        slug, names = campaigns[run_out.campaign_id]
        due.append(_booking_due(run_out, slug, names))
    recorded = sources.recorded(campaign_id, at.date() - timedelta(days=1))
    return [d for d in due if (r := recorded.get(d.key)) is None or r.sent_at is None]


def recipients() -> tuple[str, ...]:
    """Who reminders go to: MAIL_TO when set, else the active administrators and managers."""
    listed = str(current_app.config.get("MAIL_TO") or "")
    named = tuple(dict.fromkeys(a.strip() for a in listed.split(",") if a.strip()))
    if named:
        return named
    return tuple(
        db.session.scalars(
            select(User.email)
            .where(User.active.is_(True), User.role.in_([str(r) for r in STAFF]), User.email != "")
            .order_by(User.email)
        )
    )


def _row(item: DueReminder, days_before: int, at: datetime) -> dict[str, Any]:
    return {
        "campaign_id": item.campaign_id,
        "kind": item.kind,
        "subject": item.subject,
        "subject_ends_on": item.subject_ends_on,
        "days_before": days_before,
        "due_on": item.subject_ends_on - timedelta(days=days_before),
        "details": dict(item.details),
        "created_at": at,
        "recipients": [],
    }


def _claim(item: DueReminder, at: datetime) -> int | None:
    """Take the reminder for this run (None: another run has it): a row inserted once, or a
    claim that a dead run left behind. The thresholds it stands for are marked skipped. The
    caller commits: a second scheduler's insert waits for that, then finds the row taken."""
    dialect = db.engine.dialect.name
    if item.skipped:
        skipped = []
        for days in item.skipped:
            row = _row(item, days, at)
            row["details"]["stood_for_by"] = item.days_before
            skipped.append({**row, "sent_at": at, "channel": SKIPPED})
        db.session.execute(insert_ignoring(Reminder, dialect), skipped)
    claimed = db.session.execute(
        insert_ignoring(Reminder, dialect).returning(Reminder.id), _row(item, item.days_before, at)
    ).scalar()
    if claimed is None:
        campaign_id, kind, subject, ends_on, days = item.key
        stale = db.session.execute(
            update(Reminder)
            .where(
                Reminder.campaign_id == campaign_id,
                Reminder.kind == kind,
                Reminder.subject == subject,
                Reminder.subject_ends_on == ends_on,
                Reminder.days_before == days,
                Reminder.sent_at.is_(None),
                Reminder.created_at < at - STALE_CLAIM,
            )
            .values(created_at=at)
            .returning(Reminder.id)
        ).scalar()
        claimed = stale
    return claimed


def _batches(claimed: list[tuple[DueReminder, int]]) -> list[list[tuple[DueReminder, int]]]:
    """One e-mail per funding reminder; a campaign's booking reminders due together in one."""
    batches: list[list[tuple[DueReminder, int]]] = []
    bookings: dict[int, list[tuple[DueReminder, int]]] = {}
    for item, row_id in claimed:
        if item.kind == BOOKING:
            if item.campaign_id not in bookings:
                bookings[item.campaign_id] = []
                batches.append(bookings[item.campaign_id])
            bookings[item.campaign_id].append((item, row_id))
        else:
            batches.append([(item, row_id)])
    return batches


def send_due(at: datetime) -> list[SentReminder]:
    """Send every reminder due at `at` that has not gone out, once each (the table's unique key
    settles a race between two schedulers); running it again sends nothing new. A campaign's
    booking reminders due together go out in one e-mail.

    A reminder the mail server refuses is released and tried at the next run; DeliveryFailed
    is raised after the others are sent, so that the job's run says so."""
    due = due_reminders(at)
    claimed = [(item, row_id) for item in due if (row_id := _claim(item, at)) is not None]
    db.session.commit()
    if not claimed:
        return []
    to = recipients()
    sender = mailer.mailer_of()
    sent: list[SentReminder] = []
    failed: list[str] = []
    for batch in _batches(claimed):
        items = [item for item, _ in batch]
        ids = [row_id for _, row_id in batch]
        notices = [
            reminder_texts.Notice(i.kind, i.details, i.subject_ends_on, i.days_left) for i in items
        ]
        title, body = reminder_texts.compose(notices, items[0].names, items[0].campaign)
        try:
            channel = sender.send(title, body, to)
        except (smtplib.SMTPException, OSError) as exc:
            log.exception("Reminder not sent: %s", title)
            db.session.execute(delete(Reminder).where(Reminder.id.in_(ids)))
            db.session.commit()
            failed.append(f"{title} ({exc})")
            continue
        db.session.execute(
            update(Reminder)
            .where(Reminder.id.in_(ids))
            .values(sent_at=at, channel=channel, recipients=list(to))
        )
        db.session.commit()
        sent += [
            SentReminder(
                i.campaign, i.kind, i.subject, i.subject_ends_on, i.days_before, title, channel, to
            )
            for i in items
        ]
    if failed:
        raise DeliveryFailed(sent, failed)
    return sent
