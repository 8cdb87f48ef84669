"""Posters: uploaded pictures shown instead of a message's text slide, per language."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.extensions import db
from campaign.persistence.media import MediaFile
from campaign.persistence.types import UTCDateTime


class Poster(db.Model):
    """A picture for a message in one language (lang None: any language), or a brand poster.

    The file is a `MediaFile` (re-encoded, content-addressed); `label` is the name the file had
    on the uploader's computer, kept only to tell posters apart and never used as a path.
    """

    __tablename__ = "posters"
    __table_args__ = (Index("ix_posters_message_lang", "message_id", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lock_version: Mapped[int] = mapped_column(default=1)
    __mapper_args__: ClassVar[dict[str, object]] = {"version_id_col": lock_version}
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    # The wording it belongs to: a poster plays only while that version is the approved one.
    message_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("message_versions.id", ondelete="CASCADE"), index=True
    )
    lang: Mapped[str | None] = mapped_column(String(8))
    # RESTRICT: a stored file is removed by the service, after its last poster is gone.
    media_file_id: Mapped[int] = mapped_column(
        ForeignKey("media_files.id", ondelete="RESTRICT"), index=True
    )
    width: Mapped[int]
    height: Mapped[int]
    fit: Mapped[str] = mapped_column(String(8), default="contain")
    focal_x: Mapped[float] = mapped_column(default=0.5)
    focal_y: Mapped[float] = mapped_column(default=0.5)
    label: Mapped[str] = mapped_column(String(255), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    media: Mapped[MediaFile] = relationship(lazy="joined")

    @property
    def sha256(self) -> str:
        return self.media.sha256

    @property
    def ext(self) -> str:
        return self.media.ext

    @property
    def url(self) -> str:
        return f"/assets/{self.media.sha256}.{self.media.ext}"
