"""The bookings pages' use cases: warnings, the week by hub, refusals, and plans with venues."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from campaign.domain.playback import NetworkPlayback
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Phase
from campaign.persistence.messages import Booking, Message
from campaign.persistence.queries import load_hub_networks, load_networks
from campaign.services import booking_pages, booking_timeline, drafting, messages, playback
from campaign.services.bookings import BookingInvalid
from campaign.services.clock import clock_of
from campaign.services.plans import dump_plan, load_plan
from tests.web.test_api_helpers import caller

NOON_IN_LIMA = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
TODAY = date(2026, 11, 28)


@pytest.fixture
def manager(demo: Flask) -> Iterator[User]:
    clock_of(demo).set(NOON_IN_LIMA)
    person = caller(demo, "ana@example.org", "manager")
    with demo.test_request_context("/bookings", headers={"Accept-Language": "en"}):
        row = db.session.get(User, person.id)
        assert row is not None
        yield row


def message_id(key: str) -> int:
    found = db.session.scalar(select(Message.id).filter_by(key=key))
    assert found is not None
    return found


def phase(number: int) -> Phase:
    row = db.session.scalar(select(Phase).filter_by(number=number))
    assert row is not None
    return row


def book(user: User, key: str, message: str, target: str, **values: object) -> int:
    data: dict[str, object] = {
        "message_id": message_id(message),
        "target": target,
        "key": key,
        "starts_on": TODAY,
        "ends_on": TODAY + timedelta(days=20),
        "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "window_start": None,
        "window_end": None,
        "weight": 1,
        "priority": 0,
        "slot_duration_s": 10,
        "orientation": None,
    }
    data.update(values)
    return booking_pages.create_booking(user, data)


def warnings_of(user: User, booking_id: int) -> dict[str, tuple[str, bool]]:
    view, _options = booking_pages.booking_detail(user, booking_id, now=NOON_IN_LIMA)
    return {w.kind: (w.text, w.blocking) for w in view.warnings}


def test_the_demo_bookings_have_nothing_keeping_them_off(manager: User) -> None:
    listing = booking_pages.booking_list(manager, now=NOON_IN_LIMA)
    assert listing.total == 5
    assert {row.key: row.warnings for row in listing.rows} == {
        key: ()
        for key in (
            "arrivals-tourism",
            "baggage-report",
            "departures-report-evenings",
            "phase1-recognise",
            "phase1-zero-tolerance",
        )
    }
    assert booking_pages.booking_list(manager, state="warning", now=NOON_IN_LIMA).total == 0


def test_a_draft_message_is_booked_with_a_warning_that_it_waits_for_approval(
    manager: User,
) -> None:
    draft = drafting.create_draft(
        manager,
        campaign_id=phase(1).campaign_id,
        key="new-hotline",
        topic="reporting",
        link="",
        texts={"es": {"headline": "Línea nueva", "body": "Llama."}},
    )
    assert draft == message_id("new-hotline")
    booking = book(manager, "hotline-gates", "new-hotline", "zone:LIM/GAT")
    found = warnings_of(manager, booking)
    assert found == {
        "message": ("The message is still a draft: it plays once it is approved.", True)
    }
    listed = booking_pages.booking_list(manager, state="warning", now=NOON_IN_LIMA)
    assert [row.key for row in listed.rows] == ["hotline-gates"]


def test_a_paused_message_warns_until_it_is_resumed(manager: User) -> None:
    booking = book(manager, "tourism-gates", "tourism-without-exploitation", "zone:LIM/GAT")
    messages.pause(message_id("tourism-without-exploitation"), manager)
    assert warnings_of(manager, booking)["message"][0].startswith("The message is paused")
    messages.resume(message_id("tourism-without-exploitation"), manager)
    assert warnings_of(manager, booking) == {}


def test_an_unfunded_phase_is_said_to_keep_the_booking_off(manager: User) -> None:
    two = phase(2)
    booking = book(
        manager,
        "phase2-report",
        "where-to-report",
        "phase:2",
        starts_on=two.starts_on,
        ends_on=two.starts_on + timedelta(days=6),
    )
    text, blocking = warnings_of(manager, booking)["unfunded"]
    assert blocking and "Fase 2" in text and "not confirmed" in text


def test_a_higher_priority_booking_on_the_same_screens_is_named(manager: User) -> None:
    low = book(manager, "report-arrivals", "where-to-report", "screen:LIM-ARR-01")
    book(manager, "urgent-arrivals", "zero-tolerance", "zone:LIM/ARR", priority=5)
    text, blocking = warnings_of(manager, low)["covered"]
    assert blocking and "urgent-arrivals" in text and "never plays" in text
    # Only in the evenings: the rest of the day it plays, and the warning says how much is lost.
    evening = book(
        manager,
        "urgent-evenings",
        "zero-tolerance",
        "zone:LIM/DEP",
        priority=5,
        window_start=time(18),
        window_end=time(0),
    )
    partly = book(manager, "report-departures", "where-to-report", "screen:LIM-DEP-01")
    text, blocking = warnings_of(manager, partly)["covered"]
    assert not blocking and "urgent-evenings" in text and "25%" in text.replace("\u00a0", "")
    assert evening


def test_dates_outside_the_phases_are_refused_and_named_on_their_field(manager: User) -> None:
    last = date(2027, 8, 31)  # after phase 3, the last one at LIM
    with pytest.raises(BookingInvalid) as refused:
        book(manager, "too-long", "zero-tolerance", "hub:LIM", ends_on=last)
    assert refused.value.field == "ends_on" and "outside the phases" in refused.value.detail
    with pytest.raises(BookingInvalid) as empty:
        book(
            manager,
            "empty-window",
            "zero-tolerance",
            "hub:LIM",
            window_start=time(10),
            window_end=time(10),
        )
    assert empty.value.field == "window_end"
    with pytest.raises(BookingInvalid) as unknown:
        book(manager, "nowhere", "zero-tolerance", "venue:transit.airports.lounges")
    assert unknown.value.field == "target"
    assert db.session.scalar(select(Booking).filter_by(key="too-long")) is None


def test_the_week_at_a_zone_shows_each_message_with_its_share(manager: User) -> None:
    book(manager, "gates-tourism", "tourism-without-exploitation", "zone:LIM/GAT", weight=6)
    week = booking_timeline.hub_timeline(
        manager, "LIM", "GAT", TODAY, now=NOON_IN_LIMA, reader_lang="en"
    )
    assert week.week == date(2026, 11, 23) and week.screens == ("LIM-GAT-01",)
    shares = {lane.message_key: week.share(lane) for lane in week.lanes}
    assert sum(shares.values()) == pytest.approx(1)
    assert set(shares) == {"zero-tolerance", "recognise-the-signs", "tourism-without-exploitation"}
    tourism = next(
        lane for lane in week.lanes if lane.message_key == "tourism-without-exploitation"
    )
    assert tourism.bookings == {"gates-tourism"}
    assert tourism.headline == "Tourism yes, exploitation no"
    # It starts today, Saturday: none of it before, all day from then on.
    assert tourism.spans[:5] == [[], [], [], [], []] and tourism.spans[5] == [(0, 1440)]
    # Its share that day is its part of the loop the screen plays, as the screen gets it.
    loop = playback.screen_playlist("LIM-GAT-01", NOON_IN_LIMA)
    seconds = [shown.item.duration_s for shown in loop.items]
    mine = [s.item.duration_s for s in loop.items if s.item.booking_key == "gates-tourism"]
    assert week.share(tourism, 5) == pytest.approx(sum(mine) / sum(seconds))


def test_a_hubs_cut_network_plays_exactly_what_the_whole_one_does(manager: User) -> None:
    book(manager, "gates-late", "where-to-report", "venue:transit.airports.gates",
         window_start=time(22), window_end=time(2), priority=3)  # fmt: skip
    whole = NetworkPlayback([network for _, network in load_networks()])
    cut = NetworkPlayback([network for _, network in load_hub_networks("LIM")])
    for hours in range(0, 72, 3):
        at = NOON_IN_LIMA + timedelta(hours=hours)
        for code in cut.screens:
            assert whole.loop(code, at) == cut.loop(code, at), (code, at)


def test_a_venue_booking_dumps_and_loads_back_byte_for_byte(manager: User) -> None:
    book(manager, "gates-evenings", "where-to-report", "venue:transit.airports.gates",
         window_start=time(22), window_end=time(2))  # fmt: skip
    dumped = dump_plan()
    assert 'target = "venue:transit.airports.gates"' in dumped
    report = load_plan(dumped, "dump.toml")
    assert not report.changed
    assert dump_plan() == dumped


def test_a_target_without_screens_and_days_outside_the_phases_are_said(manager: User) -> None:
    two = phase(2)
    nowhere = book(manager, "cusco-report", "where-to-report", "hub:CUZ",
                   starts_on=two.starts_on, ends_on=two.starts_on + timedelta(days=3))  # fmt: skip
    assert warnings_of(manager, nowhere) == {
        "no_screen": ("No screen matches its target: it plays nowhere.", True)
    }
    # A plan may hold dates the pages would refuse: the booking's page says what is lost.
    longer = book(manager, "report-gates", "where-to-report", "zone:LIM/GAT")
    row = db.session.get(Booking, longer)
    assert row is not None
    row.ends_on = date(2027, 8, 10)  # phase 3, the last at LIM, ends on 6 August 2027
    db.session.commit()
    text, blocking = warnings_of(manager, longer)["outside"]
    assert not blocking and "4 of its days fall outside the phases" in text
