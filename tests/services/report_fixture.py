"""A fixed set of plays, roll-up rows, heartbeats and rejected plays, for the report tests."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import insert, select

from campaign.extensions import db
from campaign.persistence.campaigns import Phase, phase_hubs
from campaign.persistence.network import Hub, Screen, Zone
from campaign.persistence.player import HeartbeatHour, PlayRecord, PlayRollup, RejectedPlay

# Figures the tests expect are worked out by hand in tests/services/test_report_figures.py.
# The instant is AT: 2026-11-28 17:00 UTC, 12:00 in Lima; the nightly run has rolled up
# every day up to the 27th (Lima days), and today, the 28th, is only in the play records.
AT = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
C = "peru-unido-contra-la-trata"
OTHER = "otra-campana"
CUZ_PASSENGERS = 3_650_000  # 10,000 a day


def _utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def screen_ids() -> dict[str, int]:
    return dict(db.session.execute(select(Screen.code, Screen.id)).all())


def _rollup(day: date, screen: str, zone: str, campaign: str, message: str, lang: str,
            booking: str, plays: int, seconds: float) -> PlayRollup:  # fmt: skip
    hub = screen.split("-")[0]
    return PlayRollup(
        day=day,
        screen_id=screen_ids()[screen],
        hub_code=hub,
        zone_code=zone,
        campaign=campaign,
        message_key=message,
        lang=lang,
        booking_key=booking,
        plays=plays,
        seconds=seconds,
    )


def _play(screen: str, campaign: str, message: str, lang: str, started: datetime,
          seconds: float) -> PlayRecord:  # fmt: skip
    return PlayRecord(
        screen_id=screen_ids()[screen],
        play_id=uuid.uuid4(),
        item_id=f"{campaign}/{message}.v1.{lang}",
        campaign=campaign,
        message_key=message,
        message_version=1,
        lang=lang,
        booking_key=None,
        started_at=started,
        duration_s=seconds,
        received_at=started,
    )


def _rejected(screen: str, campaign: str, reason: str, received: datetime) -> RejectedPlay:
    return RejectedPlay(
        screen_id=screen_ids()[screen],
        play_id=uuid.uuid4(),
        item_id=f"{campaign}/zero-tolerance.v1.es",
        started_at=received,
        duration_s=10.0,
        reason=reason,
        detail="",
        received_at=received,
    )


def _beats(screen: str, hour: datetime, beats: int) -> HeartbeatHour:
    return HeartbeatHour(
        screen_id=screen_ids()[screen], hour=hour, beats=beats, first_at=hour, last_at=hour
    )


def load_report_fixture() -> None:
    """Add to the demo: a screen at Cusco (phase 2's hub), then the plays of the figures."""
    cuz = db.session.scalar(select(Hub).where(Hub.code == "CUZ"))
    assert cuz is not None
    cuz.yearly_passengers = CUZ_PASSENGERS
    zone = Zone(hub=cuz, code="ARR", name="Llegadas Cusco")
    db.session.add(zone)
    db.session.add(
        Screen(zone=zone, code="CUZ-ARR-01", orientation="landscape", width=1920, height=1080)
    )
    db.session.flush()
    nov = lambda d: date(2026, 11, d)  # noqa: E731
    db.session.add_all(
        [
            # Rolled up: the 26th and 27th (and the 20th, outside the four days tested).
            _rollup(nov(26), "LIM-ARR-01", "ARR", C, "zero-tolerance", "es", "b1", 100, 1000),
            _rollup(nov(26), "LIM-ARR-01", "ARR", C, "zero-tolerance", "en", "", 50, 500),
            _rollup(nov(26), "LIM-ARR-01", "ARR", C, "zero-tolerance", "es", "b2", 10, 100),
            _rollup(nov(27), "LIM-DEP-01", "DEP", C, "recognise-the-signs", "es+en", "", 30, 450),
            _rollup(nov(27), "LIM-ARR-01", "ARR", OTHER, "x", "es", "", 999, 9990),
            _rollup(nov(27), "CUZ-ARR-01", "ARR", C, "zero-tolerance", "es", "", 20, 200),
            _rollup(nov(20), "LIM-ARR-01", "ARR", C, "zero-tolerance", "es", "", 7, 70),
            # Already in the roll-up of the 26th: never counted again.
            _play("LIM-ARR-01", C, "zero-tolerance", "es", _utc(26, 15), 10),
            _play("LIM-ARR-01", C, "zero-tolerance", "es", _utc(26, 15, 1), 10),
            _play("LIM-ARR-01", C, "zero-tolerance", "es", _utc(26, 15, 2), 10),
            # 03:00 UTC on the 28th is 22:00 on the 27th in Lima: a rolled-up day.
            _play("LIM-DEP-01", C, "recognise-the-signs", "es+en", _utc(28, 3), 15),
            # Today, not rolled up yet.
            _play("LIM-ARR-01", C, "zero-tolerance", "es", _utc(28, 14), 10),
            _play("LIM-ARR-01", C, "zero-tolerance", "es", _utc(28, 14, 1), 10),
            _play("LIM-ARR-01", C, "zero-tolerance", "en", _utc(28, 14, 2), 12.5),
            _play("LIM-ARR-01", OTHER, "x", "es", _utc(28, 14, 3), 10),
            _play("LIM-DEP-01", C, "recognise-the-signs", "es+en", _utc(28, 14), 15),
            _play("CUZ-ARR-01", C, "zero-tolerance", "en", _utc(28, 16), 10),
            # A screen never rolled up: its 27th (15:00 in Lima) comes from the records.
            _play("LIM-GAT-01", C, "where-to-report", "es", _utc(27, 20), 8),
            # Rejected: never counted.
            _rejected("LIM-ARR-01", C, "overlap", _utc(28, 14, 5)),
            _rejected("LIM-ARR-01", C, "overlap", _utc(28, 14, 6)),
            _rejected("LIM-ARR-01", C, "not-served", _utc(28, 14, 7)),
            _rejected("LIM-ARR-01", OTHER, "overlap", _utc(28, 14, 8)),
            _rejected("LIM-ARR-01", C, "overlap", _utc(20, 14)),
            # Heartbeats of the 28th in Lima (05:00 UTC on): hours 05..16 UTC have ended.
            _beats("LIM-ARR-01", _utc(28, 4), 60),  # 23:00 on the 27th in Lima
            _beats("LIM-ARR-01", _utc(28, 5), 60),
            _beats("LIM-ARR-01", _utc(28, 6), 30),
            _beats("LIM-ARR-01", _utc(28, 7), 75),  # counts as one hour, not more
            _beats("LIM-ARR-01", _utc(28, 16), 60),
            _beats("LIM-ARR-01", _utc(28, 17), 20),  # the hour has not ended
            _beats("LIM-DEP-01", _utc(28, 10), 60),
        ]
    )
    db.session.commit()


def phase_id(number: int) -> int:
    found = db.session.scalar(select(Phase.id).where(Phase.number == number))
    assert found is not None
    return found


def add_hub_to_phase(code: str, number: int) -> None:
    hub = db.session.scalar(select(Hub.id).where(Hub.code == code))
    db.session.execute(insert(phase_hubs).values(phase_id=phase_id(number), hub_id=hub))
    db.session.commit()


def add_other_campaign() -> None:
    """A second campaign at Lima, shared with no partner: its plays are the OTHER rows."""
    from campaign.persistence.campaigns import Campaign

    lima = db.session.scalar(select(Hub).where(Hub.code == "LIM"))
    other = Campaign(slug=OTHER, names={"es": "Otra campaña", "en": "Another campaign"})
    other.languages = ["es"]
    db.session.add(other)
    db.session.add(
        Phase(
            campaign=other,
            number=1,
            name="Otra fase",
            starts_on=date(2026, 11, 1),
            ends_on=date(2026, 12, 31),
            hubs=[lima],
        )
    )
    db.session.commit()
