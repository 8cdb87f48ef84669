"""What the scheduler keeps: its job runs, the reminders it sent and the calendar feeds."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from campaign.extensions import db
from campaign.persistence.types import UTCDateTime


class JobRun(db.Model):
    """One run of a periodic job, by the scheduler holding the lock (`node` is host:pid)."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_started", "job", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    node: Mapped[str] = mapped_column(String(120), default="")
    # The instant the job ran for: after downtime, earlier than started_at.
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(String(12), default="running")  # ok, failed
    detail: Mapped[str] = mapped_column(String(500), default="")


class Reminder(db.Model):
    """A reminder due on a day: a phase ending without its next phase funded, or a booking
    running out. The unique key is what makes each one go out once."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("campaign_id", "kind", "subject", "subject_ends_on", "days_before"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))  # "funding" or "booking"
    subject: Mapped[str] = mapped_column(String(120))  # e.g. "phase:2", "booking:<key>"
    # The end date the reminder counts down to: moving the end makes new reminders due.
    subject_ends_on: Mapped[date] = mapped_column(Date())
    days_before: Mapped[int]
    due_on: Mapped[date] = mapped_column(Date())
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    channel: Mapped[str] = mapped_column(String(12), default="")  # "email" or "log"
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)


class CalendarFeed(db.Model):
    """A signed iCalendar feed URL of a campaign's phases and bookings, or of one hub's."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    hub_id: Mapped[int | None] = mapped_column(ForeignKey("hubs.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(200), default="")
    # Random, in the signed URL: a new feed for the same scope never answers an old URL.
    nonce: Mapped[str] = mapped_column(String(32), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
