"""Calendar feeds read back by the icalendar library: the right instants in Lima and across a
DST change elsewhere, bookings' windows as recurrences, and URLs that answer only their feed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from flask import Flask
from icalendar import Calendar
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign, Phase
from campaign.persistence.messages import Booking
from campaign.persistence.network import Hub
from campaign.services import accounts
from campaign.services import calendar_feeds as feeds
from campaign.services.clock import clock_of
from campaign.services.errors import Forbidden, Invalid, NotFound
from campaign.services.plans import load_plan
from tests.conftest import DEMO_PLAN

AT = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
LIMA = ZoneInfo("America/Lima")
PASSWORD = "a long enough password"


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """The demo plan with its own dates (phase 1: 1 September to 30 November 2026, at LIM)."""
    clock_of(app).set(AT)
    with app.app_context():
        load_plan(DEMO_PLAN.read_text(encoding="utf-8"), str(DEMO_PLAN))
        yield app


def campaign() -> Campaign:
    return db.session.scalar(select(Campaign).filter_by(slug="peru-unido-contra-la-trata"))


def manager() -> User:
    found = db.session.scalar(select(User).filter_by(email="ana@example.org"))
    return found or accounts.add_user("ana@example.org", "manager", PASSWORD, now=AT)


def ics(token: str, at: datetime = AT) -> Calendar:
    return Calendar.from_ical(feeds.feed_document(token, at).body)


def events(calendar: Calendar) -> dict[str, object]:
    return {str(e["UID"]).removesuffix("@campaign-scheduler"): e for e in calendar.walk("VEVENT")}


def add_hub(code: str, timezone: str) -> Hub:
    hub = Hub(code=code, name=f"Airport {code}", kind="airport", region="", timezone=timezone)
    db.session.add(hub)
    db.session.flush()
    return hub


def add_phase(number: int, hubs: list[Hub], starts: date, ends: date, **values: object) -> Phase:
    values.setdefault("funding_status", "confirmed")
    phase = Phase(
        campaign_id=campaign().id,
        number=number,
        name=f"Phase {number}",
        starts_on=starts,
        ends_on=ends,
        **values,
    )
    phase.hubs = hubs
    db.session.add(phase)
    db.session.commit()
    return phase


def test_a_phase_in_lima_runs_from_local_midnight_to_the_midnight_after_its_last_day(
    ctx: Flask,
) -> None:
    _row, token = feeds.create_feed(campaign().id, None, "MIMP", manager())
    body = feeds.feed_document(token, AT).body.decode()
    assert "DTSTART;TZID=America/Lima:20260901T000000" in body
    calendar = Calendar.from_ical(body)
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["PRODID"]).startswith("-//")
    assert str(calendar["X-WR-CALNAME"]).startswith("Perú unido contra la trata")  # first language
    phase = events(calendar)["phase-peru-unido-contra-la-trata-1-LIM"]
    start, end = phase.decoded("DTSTART"), phase.decoded("DTEND")
    assert start.astimezone(UTC) == datetime(2026, 9, 1, 5, 0, tzinfo=UTC)  # UTC−5, no DST
    assert end.astimezone(UTC) == datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # 1 December, 00:00
    assert phase.decoded("DTSTAMP") == AT
    assert str(phase["STATUS"]) == "CONFIRMED"
    assert "LIM" in str(phase["SUMMARY"]) and "Fase 1" in str(phase["SUMMARY"])
    assert "Misión de la OIM en el Perú" in str(phase["DESCRIPTION"])
    assert "LAST-MODIFIED" in phase
    waiting = events(calendar)["phase-peru-unido-contra-la-trata-2-CUZ"]
    assert str(waiting["STATUS"]) == "TENTATIVE"  # funding pending
    zones = {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")}
    assert zones == {"America/Lima"}


def test_across_a_dst_change_a_phase_keeps_local_midnights_with_two_offsets(ctx: Flask) -> None:
    madrid = add_hub("MAD", "Europe/Madrid")
    santiago = add_hub("SCL", "America/Santiago")
    add_phase(4, [madrid], date(2027, 3, 1), date(2027, 5, 31))  # CET → CEST on 28 March
    add_phase(5, [santiago], date(2026, 9, 1), date(2026, 11, 30))  # −04 → −03 on 6 September
    _row, token = feeds.create_feed(campaign().id, None, "", manager())
    calendar = ics(token)
    found = events(calendar)
    spring = found["phase-peru-unido-contra-la-trata-4-MAD"]
    start, end = spring.decoded("DTSTART"), spring.decoded("DTEND")
    assert (start.hour, end.hour) == (0, 0)
    assert (start.date(), end.date()) == (date(2027, 3, 1), date(2027, 6, 1))
    assert start.utcoffset() == timedelta(hours=1) and end.utcoffset() == timedelta(hours=2)
    assert start.astimezone(UTC) == datetime(2027, 2, 28, 23, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2027, 5, 31, 22, 0, tzinfo=UTC)
    south = found["phase-peru-unido-contra-la-trata-5-SCL"]
    assert south.decoded("DTSTART").astimezone(UTC) == datetime(2026, 9, 1, 4, 0, tzinfo=UTC)
    assert south.decoded("DTEND").astimezone(UTC) == datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    # The VTIMEZONE in the feed alone gives the same offsets (for readers without tz data).
    zones = {str(z["TZID"]): z for z in calendar.walk("VTIMEZONE")}
    assert set(zones) == {"America/Lima", "America/Santiago", "Europe/Madrid"}
    defined = zones["Europe/Madrid"].to_tz(lookup_tzid=False)
    assert datetime(2027, 3, 1, tzinfo=defined).utcoffset() == timedelta(hours=1)
    assert datetime(2027, 6, 1, tzinfo=defined).utcoffset() == timedelta(hours=2)


def test_an_evening_window_is_a_daily_recurrence_and_weekdays_are_by_day(ctx: Flask) -> None:
    _row, token = feeds.create_feed(campaign().id, None, "", manager())
    found = events(ics(token))
    evenings = found["booking-peru-unido-contra-la-trata-departures-report-evenings-LIM"]
    start, end = evenings.decoded("DTSTART"), evenings.decoded("DTEND")
    assert start == datetime(2026, 9, 1, 18, 0, tzinfo=LIMA)
    assert end == datetime(2026, 9, 2, 2, 0, tzinfo=LIMA)  # 18:00-02:00 crosses midnight
    rule = evenings["RRULE"].to_ical().decode()
    assert "FREQ=DAILY" in rule and "BYDAY" not in rule
    nights = list(rrulestr(rule, dtstart=start))
    assert len(nights) == 91 and nights[-1] == datetime(2026, 11, 30, 18, 0, tzinfo=LIMA)
    weekends = found["booking-peru-unido-contra-la-trata-baggage-report-LIM"]
    rule = weekends["RRULE"].to_ical().decode()
    assert "BYDAY=FR,SA,SU" in rule
    first = weekends.decoded("DTSTART")
    assert first == datetime(2026, 9, 4, 0, 0, tzinfo=LIMA)  # the first Friday
    assert weekends.decoded("DTEND") - first == timedelta(days=1)
    days = list(rrulestr(rule, dtstart=first))
    assert {d.weekday() for d in days} == {4, 5, 6} and days[-1].date() == date(2026, 11, 29)
    plain = found["booking-peru-unido-contra-la-trata-arrivals-tourism-LIM"]
    assert "RRULE" not in plain  # every day, all day: one span
    assert plain.decoded("DTSTART") == datetime(2026, 9, 1, tzinfo=LIMA)
    assert plain.decoded("DTEND") == datetime(2026, 12, 1, tzinfo=LIMA)


def test_a_hub_feed_lists_only_that_hub(ctx: Flask) -> None:
    row, token = feeds.create_feed(campaign().id, "cuz", "Cusco", manager())
    assert row.hub_code == "CUZ"
    calendar = ics(token)
    assert list(events(calendar)) == ["phase-peru-unido-contra-la-trata-2-CUZ"]
    assert "Alejandro Velasco Astete" in str(calendar["X-WR-CALNAME"])
    _row, lima = feeds.create_feed(campaign().id, "LIM", "", manager())
    uids = list(events(ics(lima)))
    assert all(uid.endswith("-LIM") for uid in uids)
    assert {u.split("-")[0] for u in uids} == {"phase", "booking"} and len(uids) == 3 + 5


def test_a_feed_never_answers_with_another_campaign(ctx: Flask) -> None:
    other = Campaign(slug="other", names={"en": "Another campaign"}, languages=["en"])
    db.session.add(other)
    db.session.flush()
    lima = db.session.scalar(select(Hub).filter_by(code="LIM"))
    phase = Phase(
        campaign_id=other.id,
        number=1,
        name="Other phase",
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 10, 31),
        funding_status="confirmed",
    )
    phase.hubs = [lima]
    db.session.add(phase)
    db.session.commit()
    person = manager()
    _a, token_a = feeds.create_feed(campaign().id, None, "A", person)
    _b, token_b = feeds.create_feed(other.id, None, "B", person)
    a, b = ics(token_a), ics(token_b)
    assert all("-other-" not in uid for uid in events(a))
    assert "Another campaign" not in feeds.feed_document(token_a, AT).body.decode()
    assert list(events(b)) == ["phase-other-1-LIM"]
    assert str(b["X-WR-CALNAME"]) == "Another campaign"
    # Worded in the campaign's first language: English here.
    assert "Funding: confirmed" in str(events(b)["phase-other-1-LIM"]["DESCRIPTION"])
    assert feeds.feed_for_token(token_a).campaign_id == campaign().id


def test_revoked_tampered_and_foreign_tokens_are_the_same_not_found(ctx: Flask, app: Flask) -> None:
    person = manager()
    row, token = feeds.create_feed(campaign().id, None, "", person)
    assert feeds.feed_for_token(token).id == row.id
    payload, _dot, signature = token.rpartition(".")
    tampered = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    wrong_key = URLSafeSerializer("another secret", salt="calendar-feed").dumps("x" * 32)
    other_salt = URLSafeSerializer(app.config["SECRET_KEY"], salt="other").dumps("x" * 32)
    for bad in (tampered, wrong_key, other_salt, "", "not-a-token", "x" * 5000):
        with pytest.raises(NotFound) as refused:
            feeds.feed_for_token(bad)
        assert refused.value.detail == "no such calendar feed"
    # A well-signed nonce that no feed has is just as unknown.
    unknown = URLSafeSerializer(app.config["SECRET_KEY"], salt="calendar-feed").dumps("y" * 32)
    with pytest.raises(NotFound):
        feeds.feed_document(unknown)
    revoked = feeds.revoke_feed(row.id, person, now=AT + timedelta(hours=1))
    assert revoked.status == "revoked"
    assert feeds.revoke_feed(row.id, person).revoked_at == revoked.revoked_at  # once
    with pytest.raises(NotFound) as refused:
        feeds.feed_document(token)
    assert refused.value.detail == "no such calendar feed"


def test_a_feed_ends_with_its_campaign_or_hub(ctx: Flask) -> None:
    cusco = add_hub("CUZ2", "America/Lima")
    add_phase(6, [cusco], date(2027, 1, 1), date(2027, 1, 31))
    _row, hub_token = feeds.create_feed(campaign().id, "CUZ2", "", manager())
    _row, campaign_token = feeds.create_feed(campaign().id, None, "", None)
    db.session.execute(Phase.__table__.delete().where(Phase.number == 6))
    db.session.delete(cusco)
    db.session.commit()
    with pytest.raises(NotFound):
        feeds.feed_for_token(hub_token)
    assert feeds.feed_for_token(campaign_token)
    db.session.delete(campaign())
    db.session.commit()
    with pytest.raises(NotFound):
        feeds.feed_for_token(campaign_token)


def test_only_staff_make_feeds_and_only_of_hubs_the_campaign_runs_at(ctx: Flask) -> None:
    partner = accounts.add_user("p@example.org", "partner", PASSWORD, now=AT, partner_slug="mimp")
    with pytest.raises(Forbidden):
        feeds.create_feed(campaign().id, None, "", partner)
    with pytest.raises(Forbidden):
        feeds.list_feeds(partner)
    madrid = add_hub("MAD", "Europe/Madrid")
    with pytest.raises(Invalid) as refused:
        feeds.create_feed(campaign().id, madrid.code, "", manager())
    assert refused.value.field == "hub"  # type: ignore[attr-defined]
    with pytest.raises(NotFound):
        feeds.create_feed(campaign().id, "NOPE", "", None)
    with pytest.raises(NotFound):
        feeds.create_feed(99999, None, "", None)
    with pytest.raises(Invalid):
        feeds.create_feed(campaign().id, None, "x" * 201, None)


def test_the_etag_stays_while_nothing_changes_and_a_cancelled_phase_says_so(ctx: Flask) -> None:
    _row, token = feeds.create_feed(campaign().id, None, "", manager())
    first = feeds.feed_document(token, AT)
    later = feeds.feed_document(token, AT + timedelta(minutes=5))
    assert first.body != later.body and first.etag == later.etag  # only DTSTAMP moved
    phase = db.session.scalar(select(Phase).filter_by(number=2))
    phase.cancelled_at, phase.cancel_reason = AT, "No funds this year"
    db.session.commit()
    changed = feeds.feed_document(token, AT)
    assert changed.etag != first.etag
    found = events(Calendar.from_ical(changed.body))
    cancelled = found["phase-peru-unido-contra-la-trata-2-LIM"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert "No funds this year" in str(cancelled["DESCRIPTION"])
    assert int(cancelled["SEQUENCE"]) == 1


def test_a_booking_with_no_day_to_play_is_left_out(ctx: Flask) -> None:
    row = db.session.scalar(select(Booking).filter_by(key="baggage-report"))
    row.starts_on, row.ends_on = date(2026, 9, 1), date(2026, 9, 3)  # Tuesday to Thursday
    row.window_start, row.window_end = time(9), time(10)
    db.session.commit()
    _row, token = feeds.create_feed(campaign().id, None, "", None)
    assert "booking-peru-unido-contra-la-trata-baggage-report-LIM" not in events(ics(token))


def test_feeds_are_listed_newest_first_with_who_made_them(ctx: Flask) -> None:
    person = manager()
    older, _t = feeds.create_feed(campaign().id, None, "first", person, now=AT)
    newer, _t = feeds.create_feed(campaign().id, "LIM", "second", None, now=AT + timedelta(1))
    listed = feeds.list_feeds(person)
    assert [f.id for f in listed] == [newer.id, older.id]
    assert listed[1].created_by == "ana@example.org" and listed[0].created_by == ""
    assert feeds.list_feeds(person, 99999) == []
    assert len(feeds.feeds_page(person, "es").hubs) == 7  # the hubs of the demo's phases
