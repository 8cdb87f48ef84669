"""A counter that every change to campaign content bumps, so caches in any process can notice."""

from __future__ import annotations

from sqlalchemy.orm import Mapped, mapped_column

from campaign.extensions import db


class ContentState(db.Model):
    __tablename__ = "content_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(default=0)
