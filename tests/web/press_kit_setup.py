"""What the press kit tests share: the demo's screens made small (quick to draw), bookings and
messages in any status, the kit's files read back."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.campaigns import Phase
from campaign.persistence.messages import Booking, Message, MessageText, MessageVersion
from campaign.persistence.network import Screen

# The demo's screen sizes, each made smaller with its shape kept (drawing a 4K slide takes
# a quarter of a second; these take a twentieth). The kit itself uses the screens' real sizes.
SMALL = {(1920, 1080): (640, 360), (1080, 1920): (360, 640), (3840, 2160): (800, 450)}
SMALL[1366, 768] = (960, 540)


def shrink_screens() -> None:
    for screen in db.session.scalars(select(Screen)):
        screen.width, screen.height = SMALL.get((screen.width, screen.height), (640, 360))
    db.session.commit()


def phase(number: int) -> Phase:
    row = db.session.scalar(select(Phase).filter_by(number=number))
    assert row is not None
    return row


def message(key: str) -> Message:
    row = db.session.scalar(select(Message).filter_by(key=key))
    assert row is not None
    return row


def book(key: str, number: int = 1) -> None:
    """Book a message on every screen of a phase, for the whole phase."""
    row, target = message(key), phase(number)
    db.session.add(
        Booking(
            campaign_id=row.campaign_id,
            key=f"kit-{key}-{number}",
            message_id=row.id,
            phase_id=target.id,
            starts_on=target.starts_on,
            ends_on=target.ends_on,
        )
    )
    db.session.commit()


def add_version(key: str, status: str, headline: str) -> MessageVersion:
    """A newer version of a message (or its first, making the message) in `status`."""
    row = db.session.scalar(select(Message).filter_by(key=key))
    if row is None:
        campaign_id = db.session.scalar(select(Message.campaign_id).limit(1))
        row = Message(campaign_id=campaign_id, key=key, topic="test")
        db.session.add(row)
    version = MessageVersion(number=len(row.versions) + 1, status=status, editor_ids=[])
    for lang in ("es", "en"):
        version.texts.append(
            MessageText(lang=lang, headline=f"{headline} {lang}", body="Texto de prueba.")
        )
    row.versions.append(version)
    db.session.commit()
    return version


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
