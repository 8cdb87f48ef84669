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
from campaign.persistence.campaigns import Phase as PhaseRow
from campaign.persistence.network import Hub, Screen
from campaign.services import accounts, connectivity, places, player, screens, served_versions
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
    # The screen was served both campaigns' slides two days ago (a play counts only then).
    items = {ITEM: None, "another-campaign/its-message.v1.es": None}
    served_versions.note_served(_screen_id(code), "v", items, NOW - timedelta(days=2))
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
    # Phase 1 ran; phases 2 and 3 never got their funding before their dates passed.
    assert {p.number: p.status for p in data.phases} == {
        1: "completed",
        2: "cancelled",
        3: "cancelled",
    }
    lim = next(h for h in data.hubs if h.code == "LIM")
    assert lim.status == "completed"  # a phase that ran says more than ones that never did


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
    # The person, five for the figures, and three for the reminders: those recorded, the content
    # generation that the bookings running out are kept by, and the bookings ending soon.
    assert many == few <= 9
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


def test_phase_one_counts_down_and_phase_two_has_its_funding_reminders(
    demo: Flask, see: Callable[..., Dashboard]
) -> None:
    with demo.app_context():
        data = see()
    (countdown,) = data.countdowns
    assert (countdown.phase.number, countdown.phase.days_left) == (1, 69)
    assert countdown.phase.ends_on.isoformat() == "2027-02-05"
    assert countdown.phase.timezone == "America/Lima"
    assert countdown.next is not None and countdown.next.number == 2
    watch = countdown.watch
    assert watch is not None and (watch.next_phase, watch.next_funding) == (2, "pending")
    assert [(s.days_before, s.due_on.isoformat(), s.state) for s in watch.steps] == [
        (30, "2027-01-06", "scheduled"),
        (14, "2027-01-22", "scheduled"),
        (7, "2027-01-29", "scheduled"),
    ]
    assert data.reminders is not None and data.reminders.bookings == ()


def test_a_funded_next_phase_has_no_reminders_and_its_last_day_counts_zero(
    demo: Flask, see: Callable[..., Dashboard]
) -> None:
    with demo.app_context():
        db.session.execute(update(PhaseRow).filter_by(number=2).values(funding_status="confirmed"))
        db.session.commit()
        last_day = see(datetime(2027, 2, 5, 23, 0, tzinfo=UTC))  # 18:00 in Lima
    countdown, funded = last_day.countdowns
    assert countdown.phase.days_left == 0 and countdown.watch is None
    assert countdown.next is not None and countdown.next.funding_status == "confirmed"
    # Phase 2, funded, now ends while phase 3 waits for funding: its own countdown starts.
    assert (funded.phase.number, funded.phase.status, funded.phase.days_left) == (2, "upcoming", 90)
    assert funded.watch is not None and funded.watch.next_phase == 3


def test_screens_marked_offline_are_listed_longest_first(
    demo: Flask, see: Callable[..., Dashboard]
) -> None:
    with demo.app_context():
        for code, minutes in (("LIM-ARR-01", 10), ("LIM-GAT-01", 50), ("LIM-DEP-01", 1)):
            screens.issue_token(code, now=NOW - timedelta(days=1))
            player.record_heartbeat(_screen_id(code), {}, now=NOW - timedelta(minutes=minutes))
        connectivity.sweep(NOW)
        data = see()
    assert [(s.code, s.hub) for s in data.offline_screens] == [
        ("LIM-GAT-01", "LIM"),
        ("LIM-ARR-01", "LIM"),
    ]
    assert data.offline_screens[0].since == NOW - timedelta(minutes=50) + data.online_window
    assert data.marked_offline == 2
    assert next(h for h in data.hubs if h.code == "LIM").marked_offline == 2
