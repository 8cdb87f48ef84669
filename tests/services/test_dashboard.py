"""The dashboard's figures: phase and hub statuses, screens online, plays in each hub's day."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import event, select, update

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.network import Hub, Screen
from campaign.services import accounts, places, player
from campaign.services.dashboard import Dashboard, build_dashboard

# Demo day: 10:00 in Lima (UTC-5), phase 1 running since 7 November.
NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
ITEM = "peru-unido-contra-la-trata/zero-tolerance.v1.es+en"


@pytest.fixture
def see(demo: Flask) -> Callable[..., Dashboard]:
    with demo.app_context():
        accounts.add_user("m@example.org", "manager", "a long enough password", now=NOW)

    def dashboard(at: datetime = NOW, email: str = "m@example.org") -> Dashboard:
        user = db.session.scalar(select(User).filter_by(email=email))
        found = build_dashboard(user, at)
        assert found is not None
        return found

    return dashboard


def _screen_id(code: str) -> int:
    return db.session.scalar(select(Screen.id).filter_by(code=code))  # type: ignore[return-value]


def _play(code: str, started_at: datetime, item_id: str = ITEM) -> None:
    record = {
        "id": str(uuid.uuid4()),
        "item_id": item_id,
        "started_at": started_at.isoformat(),
        "duration_s": 12,
    }
    result = player.record_plays(_screen_id(code), [record], now=NOW)
    assert result.accepted == 1, result.rejected


def test_phases_and_hubs_have_their_status_on_the_demo_day(
    demo: Flask, see: Callable[..., Dashboard]
) -> None:
    with demo.app_context():
        data = see()
    assert data.home_timezone == "America/Lima" and str(data.today) == "2026-11-28"
    assert [(p.number, p.status, p.funding_status) for p in data.phases] == [
        (1, "active", "confirmed"),
        (2, "unfunded", "pending"),
        (3, "unfunded", "pending"),
    ]
    hubs = {h.code: h for h in data.hubs}
    assert set(hubs) == {"LIM", "CUZ", "AQP", "TUM-CEBAF", "TAC-TERM", "PUN-DES", "CUZ-CENTRO"}
    # Lima is in all three phases: the one playing decides.
    assert (hubs["LIM"].status, hubs["LIM"].phase) == ("active", 1)
    assert (hubs["CUZ"].status, hubs["CUZ"].phase) == ("unfunded", 2)
    assert hubs["LIM"].screens == 6 and hubs["CUZ"].screens == 0
    today = data.timeline.today_x
    bar = data.timeline.bars[0]
    assert today is not None and bar.x < today < bar.x + bar.width


def test_after_the_last_phase_every_hub_has_ended(
    demo: Flask, see: Callable[..., Dashboard]
) -> None:
    with demo.app_context():
        data = see(NOW + timedelta(days=400))
    assert {p.status for p in data.phases} == {"ended", "unfunded"}
    lim = next(h for h in data.hubs if h.code == "LIM")
    assert lim.status == "unfunded"  # a phase still waiting for funding says more than an end


def test_a_screen_is_online_for_three_polls_after_it_was_heard(
    demo: Flask, see: Callable[..., Dashboard]
) -> None:
    with demo.app_context():
        player.record_heartbeat(_screen_id("LIM-ARR-01"), {}, now=NOW - timedelta(seconds=80))
        player.record_heartbeat(_screen_id("LIM-DEP-01"), {}, now=NOW - timedelta(seconds=100))
        data = see()
        later = see(NOW + timedelta(seconds=20))
    lim = next(h for h in data.hubs if h.code == "LIM")
    assert data.online_window == timedelta(seconds=90)
    assert (lim.online, lim.offline) == (1, 5)
    assert lim.last_seen_at == NOW - timedelta(seconds=80)
    assert (data.totals.online, data.totals.offline) == (1, 5)
    assert next(h for h in later.hubs if h.code == "LIM").online == 0


def test_plays_today_follow_the_hubs_own_day(demo: Flask, see: Callable[..., Dashboard]) -> None:
    lima_midnight = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)  # 00:00 in Lima
    with demo.app_context():
        _play("LIM-ARR-01", lima_midnight + timedelta(minutes=1))
        _play("LIM-GAT-01", NOW - timedelta(minutes=5))
        _play("LIM-ARR-01", lima_midnight - timedelta(minutes=1))  # 23:59 yesterday in Lima
        _play("LIM-ARR-01", NOW, item_id="another-campaign/its-message.v1.es")
        data = see()
        # Move Lima an hour west: its day starts an hour later, so the 00:01 play is yesterday's.
        db.session.execute(update(Hub).filter_by(code="LIM").values(timezone="America/Mexico_City"))
        db.session.commit()
        west = see()
    assert next(h for h in data.hubs if h.code == "LIM").plays_today == 2
    assert data.totals.plays_today == 2
    assert next(h for h in west.hubs if h.code == "LIM").plays_today == 1


def test_the_queries_do_not_grow_with_the_screens(
    demo: Flask, see: Callable[..., Dashboard]
) -> None:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    def queries() -> int:
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            see()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    with demo.app_context():
        few = queries()
        for n in range(20):
            places.create_screen(
                {
                    "zone_id": db.session.scalar(
                        select(Screen.zone_id).filter_by(code="LIM-ARR-01")
                    ),
                    "code": f"LIM-ARR-{n + 10}",
                    "orientation": "landscape",
                    "width": 1920,
                    "height": 1080,
                },
                now=NOW,
            )
            _play(f"LIM-ARR-{n + 10}", NOW - timedelta(minutes=n))
        many = queries()
        data = see()
    assert many == few <= 8
    assert next(h for h in data.hubs if h.code == "LIM").screens == 26


def test_a_partner_sees_only_campaigns_shared_with_their_organisation(
    demo: Flask, see: Callable[..., Dashboard]
) -> None:
    with demo.app_context():
        accounts.add_user(
            "p@mimp.example.org", "partner", "a long enough password", now=NOW, partner_slug="mimp"
        )
        shared = see(email="p@mimp.example.org")
        from campaign.persistence.campaigns import Partner

        db.session.add(Partner(slug="elsewhere", name="Another organisation", role="funder"))
        db.session.commit()
        accounts.add_user(
            "o@x.example.org",
            "partner",
            "a long enough password",
            now=NOW,
            partner_slug="elsewhere",
        )
        outsider = db.session.scalar(select(User).filter_by(email="o@x.example.org"))
        assert build_dashboard(outsider, NOW) is None
    assert shared.campaign.slug == "peru-unido-contra-la-trata"
