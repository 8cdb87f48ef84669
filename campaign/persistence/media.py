"""Stored image files and their renditions for each screen class."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from campaign.extensions import db
from campaign.persistence.types import UTCDateTime


class MediaFile(db.Model):
    """A file in the content-addressed store (an uploaded original, e.g. a poster's source)."""

    __tablename__ = "media_files"
    __table_args__ = (UniqueConstraint("sha256", "ext"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    ext: Mapped[str] = mapped_column(String(8))
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int]
    width: Mapped[int | None]
    height: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Rendition(db.Model):
    """What one screen class shows for a message version in a language (or for a poster).

    A row exists only once its file is in the store, so a rendition is never "in progress".
    `source_hash` fingerprints everything the picture was drawn from (texts, colours, partners,
    link, renderer): if any of it changes under the same version, a new rendition is made.
    """

    __tablename__ = "renditions"
    __table_args__ = (
        UniqueConstraint("message_version_id", "lang", "width", "height", "source_hash"),
        # Rows of text slides have no poster; NULLs never clash, so this binds posters only.
        UniqueConstraint("poster_id", "width", "height", "source_hash"),
        # A campaign's card (its name and slogan, the last-resort slide) has neither.
        UniqueConstraint("campaign_id", "lang", "width", "height", "source_hash"),
        Index("ix_renditions_poster", "poster_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("message_versions.id", ondelete="CASCADE")
    )
    poster_id: Mapped[int | None] = mapped_column(ForeignKey("posters.id", ondelete="CASCADE"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id", ondelete="SET NULL"))
    source_hash: Mapped[str] = mapped_column(String(64))
    # One language, or a bilingual slide's joined by "+": up to five of three letters each.
    lang: Mapped[str] = mapped_column(String(24))
    width: Mapped[int]
    height: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    ext: Mapped[str] = mapped_column(String(8))
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
