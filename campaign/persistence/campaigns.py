"""Campaigns, their partner organisations and their funded phases."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Numeric,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.extensions import db
from campaign.persistence.types import UTCDateTime

if TYPE_CHECKING:
    from campaign.persistence.messages import Booking, Message
    from campaign.persistence.network import Hub

campaign_partners = Table(
    "campaign_partners",
    db.metadata,
    Column("campaign_id", ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    Column("partner_id", ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True),
)

phase_hubs = Table(
    "phase_hubs",
    db.metadata,
    Column("phase_id", ForeignKey("phases.id", ondelete="CASCADE"), primary_key=True),
    Column("hub_id", ForeignKey("hubs.id", ondelete="RESTRICT"), primary_key=True),
)


class Campaign(db.Model):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    lock_version: Mapped[int] = mapped_column(default=1)
    __mapper_args__: ClassVar[dict[str, object]] = {"version_id_col": lock_version}
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON)
    slogans: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    languages: Mapped[list[str]] = mapped_column(JSON)
    background: Mapped[str] = mapped_column(String(7), default="#0B3D91")
    foreground: Mapped[str] = mapped_column(String(7), default="#FFFFFF")
    accent: Mapped[str] = mapped_column(String(7), default="#FFC72C")
    requires_partner_approval: Mapped[bool] = mapped_column(default=False)
    # Hub code → the campaign's share of voice there, over its phases' own (equal: 1).
    share_of_voice_by_hub: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)

    partners: Mapped[list[Partner]] = relationship(
        secondary=campaign_partners, back_populates="campaigns", order_by="Partner.slug"
    )
    phases: Mapped[list[Phase]] = relationship(
        back_populates="campaign", order_by="Phase.number", cascade="all, delete-orphan"
    )
    messages: Mapped[list[Message]] = relationship(
        back_populates="campaign", order_by="Message.key", cascade="all, delete-orphan"
    )
    bookings: Mapped[list[Booking]] = relationship(
        back_populates="campaign", order_by="Booking.key", cascade="all, delete-orphan"
    )


class Partner(db.Model):
    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    lock_version: Mapped[int] = mapped_column(default=1)
    __mapper_args__: ClassVar[dict[str, object]] = {"version_id_col": lock_version}
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    website: Mapped[str] = mapped_column(String(300), default="")
    appears_on_slides: Mapped[bool] = mapped_column(default=False)

    campaigns: Mapped[list[Campaign]] = relationship(
        secondary=campaign_partners, back_populates="partners"
    )


class Phase(db.Model):
    __tablename__ = "phases"
    __table_args__ = (UniqueConstraint("campaign_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lock_version: Mapped[int] = mapped_column(default=1)
    __mapper_args__: ClassVar[dict[str, object]] = {"version_id_col": lock_version}
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    funding_source: Mapped[str] = mapped_column(String(200), default="")
    budget: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    funding_status: Mapped[str] = mapped_column(String(12), default="pending")
    share_of_voice: Mapped[float] = mapped_column(default=1.0)
    # A cancelled phase never plays again, whatever its dates and funding.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str] = mapped_column(String(300), default="")

    campaign: Mapped[Campaign] = relationship(back_populates="phases")
    hubs: Mapped[list[Hub]] = relationship(secondary=phase_hubs, order_by="Hub.code")
    funding_decisions: Mapped[list[FundingDecision]] = relationship(
        back_populates="phase", order_by="FundingDecision.decided_at", cascade="all, delete-orphan"
    )


class FundingDecision(db.Model):
    """One decision on a phase's funding: the phase's `funding_status` is the latest one."""

    __tablename__ = "funding_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("phases.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Kept as written at the time, so the record survives the account's removal.
    decided_by_label: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(500), default="")

    phase: Mapped[Phase] = relationship(back_populates="funding_decisions")


class PhaseTransition(db.Model):
    """A phase reaching a state at one hub; the unique key makes recording it twice impossible."""

    __tablename__ = "phase_transitions"
    __table_args__ = (UniqueConstraint("phase_id", "hub_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("phases.id", ondelete="CASCADE"))
    hub_id: Mapped[int] = mapped_column(ForeignKey("hubs.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(12))
    # When it happened (a local midnight at the hub, or the decision that caused it), and when
    # the scheduler noticed: they differ after downtime.
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
