"""Reminders: a phase ending with its next phase unfunded (30, 14, 7 days before), a booking
running out; each sent once, by e-mail or to the log. The demo's phase 1 ends on 5 Feb 2027
in Lima, and phase 2 waits for funding."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.persistence.campaigns import Phase
from campaign.persistence.messages import Booking
from campaign.persistence.schedule import Reminder
from campaign.services import accounts, reminder_board, reminders
from tests.mailbox import Mailbox, install

PHASE_1_ENDS = date(2027, 2, 5)


def lima(day: date, hour: int = 10) -> datetime:
    """That hour in Lima (UTC-5, no summer time) as a UTC instant."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(hours=hour + 5)


def before_end(days: int, hour: int = 10) -> datetime:
    return lima(PHASE_1_ENDS - timedelta(days=days), hour)


@pytest.fixture
def team(demo: Flask) -> Flask:
    with demo.app_context():
        now = lima(date(2026, 11, 28))
        accounts.add_user("manager@example.org", "manager", "a long enough password", now=now)
        accounts.add_user("admin@example.org", "admin", "a long enough password", now=now)
        accounts.add_user(
            "partner@example.org", "partner", "a long enough password", now=now, partner_slug="mimp"
        )
    return demo


@pytest.fixture
def box(team: Flask) -> Mailbox:
    return install(team)


def _funding(sent: list[reminders.SentReminder]) -> list[int]:
    return [s.days_before for s in sent if s.kind == reminders.FUNDING]


def _phase(number: int) -> Phase:
    return db.session.scalar(select(Phase).filter_by(number=number))  # type: ignore[return-value]


def test_the_30_day_reminder_goes_out_once(team: Flask, box: Mailbox) -> None:
    with team.app_context():
        assert reminders.send_due(before_end(31)) == []
        first = reminders.send_due(before_end(30))
        again = reminders.send_due(before_end(30))
        later_that_week = reminders.send_due(before_end(27))
        assert _funding(first) == [30] and again == [] and later_that_week == []
    assert len(box.sent) == 1
    mail = box.sent[0]
    # One subject for a mixed team: Spanish first, then English.
    assert mail.subject == (
        "La fase 1 termina en 30 días; la fase 2 no tiene financiamiento confirmado"
        " / Phase 1 ends in 30 days; phase 2 has no confirmed funding"
    )
    assert "Fase 2 – Aeropuertos de Cusco y Arequipa" in mail.body
    assert "February 5, 2027" in mail.body  # the English half's date
    # Not the partner: the campaign team, administrators and managers.
    assert mail.recipients == ("admin@example.org", "manager@example.org")


def test_each_threshold_goes_out_on_its_day_in_the_hubs_timezone(team: Flask, box: Mailbox) -> None:
    with team.app_context():
        # 23:00 in Lima the evening before: 04:00 UTC on the day, but not yet the day in Lima.
        assert reminders.send_due(before_end(31, hour=23)) == []
        assert _funding(reminders.send_due(before_end(30, hour=0))) == [30]
        assert _funding(reminders.send_due(before_end(14))) == [14]
        assert _funding(reminders.send_due(before_end(7))) == [7]
        assert _funding(reminders.send_due(before_end(0))) == []
        assert reminders.send_due(before_end(-1)) == []  # phase 1 is over
    assert len([s for s in box.subjects if "; phase 2 has no confirmed funding" in s]) == 3


def test_after_downtime_only_the_latest_threshold_goes_out(team: Flask, box: Mailbox) -> None:
    with team.app_context():
        due = reminders.due_reminders(before_end(10))
        assert [(d.days_before, d.skipped) for d in due if d.kind == "funding"] == [(14, (30,))]
        assert _funding(reminders.send_due(before_end(10))) == [14]
        rows = {
            r.days_before: r.channel
            for r in db.session.scalars(select(Reminder).filter_by(kind="funding"))
        }
        assert rows == {30: "skipped", 14: "email"}
        assert _funding(reminders.send_due(before_end(9))) == []
        assert _funding(reminders.send_due(before_end(3))) == [7]
    assert len([s for s in box.subjects if "; phase 2 has no confirmed funding" in s]) == 2
    assert "in 10 days" in box.sent[0].subject  # the days that are really left


def test_a_confirmed_or_cancelled_next_phase_needs_no_funding_reminder(
    team: Flask, box: Mailbox
) -> None:
    with team.app_context():
        _phase(2).funding_status = "confirmed"
        db.session.commit()
        assert _funding(reminders.send_due(before_end(14))) == []
        _phase(2).funding_status = "pending"
        _phase(2).cancelled_at = before_end(20)
        db.session.commit()
        assert _funding(reminders.send_due(before_end(14))) == []
        # Phase 2 is not playing, so its own unfunded next phase is no reminder either.
        assert [d.subject for d in reminders.due_reminders(lima(date(2027, 4, 20)))] == []
    assert box.sent == []


def test_moving_the_end_date_makes_new_reminders_due(team: Flask, box: Mailbox) -> None:
    with team.app_context():
        assert _funding(reminders.send_due(before_end(30))) == [30]
        _phase(1).ends_on = PHASE_1_ENDS + timedelta(days=14)
        db.session.commit()
        assert _funding(reminders.send_due(before_end(29))) == []
        assert _funding(reminders.send_due(before_end(16))) == [30]  # 30 days before the new end
    assert len(box.sent) == 2


def test_bookings_running_out_go_out_together_once(team: Flask, box: Mailbox) -> None:
    with team.app_context():
        assert [d for d in reminders.due_reminders(before_end(8)) if d.kind == "booking"] == []
        sent = reminders.send_due(before_end(7))
        booked = sorted(s.subject for s in sent if s.kind == "booking")
        assert booked == [
            "booking:arrivals-tourism",
            "booking:baggage-report",
            "booking:departures-report-evenings",
            "booking:phase1-recognise",
            "booking:phase1-zero-tolerance",
        ]
        assert reminders.send_due(before_end(6)) == []
    funding, bookings = box.sent  # one e-mail each: the phase's, and the five bookings'
    assert "Phase 1 ends in 7 days" in funding.subject
    assert "5 bookings end soon" in bookings.subject
    assert "zone:LIM/ARR" in bookings.body and "tourism-without-exploitation" in bookings.body


def test_a_booking_continued_the_next_day_is_not_reminded(team: Flask, box: Mailbox) -> None:
    with team.app_context():
        ending = db.session.scalar(select(Booking).filter_by(key="arrivals-tourism"))
        assert ending is not None
        db.session.add(
            Booking(
                campaign_id=ending.campaign_id,
                key="arrivals-tourism-2",
                message_id=ending.message_id,
                zone_id=ending.zone_id,
                starts_on=ending.ends_on + timedelta(days=1),
                ends_on=ending.ends_on + timedelta(days=60),
            )
        )
        db.session.commit()
        subjects = {d.subject for d in reminders.due_reminders(before_end(5))}
    assert "booking:arrivals-tourism" not in subjects
    assert "booking:baggage-report" in subjects


def test_without_smtp_the_reminder_is_a_warning_in_the_log(
    team: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    team.config["MAIL_TO"] = "equipo@example.org, otra@example.org"
    with team.app_context(), caplog.at_level(logging.WARNING, "campaign.services.mailer"):
        sent = reminders.send_due(before_end(30))
        row = db.session.scalar(select(Reminder))
        assert row is not None and row.channel == "log" and row.sent_at == before_end(30)
        assert row.recipients == ["equipo@example.org", "otra@example.org"]
    assert [s.channel for s in sent] == ["log"]
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(lines) == 1
    assert "Phase 1 ends in 30 days" in lines[0] and "equipo@example.org" in lines[0]


def test_a_refused_reminder_is_tried_again_at_the_next_run(team: Flask, box: Mailbox) -> None:
    box.failing = True
    with team.app_context():
        with pytest.raises(reminders.DeliveryFailed):
            reminders.send_due(before_end(30))
        assert db.session.scalar(select(func.count()).select_from(Reminder)) == 0
        box.failing = False
        assert _funding(reminders.send_due(before_end(29))) == [30]
    assert len(box.sent) == 1


def test_a_reminder_is_claimed_by_one_run_only(team: Flask, box: Mailbox) -> None:
    at = before_end(30)
    with team.app_context():
        (item,) = reminders.due_reminders(at)
        assert reminders._claim(item, at) is not None
        db.session.commit()
        assert reminders._claim(item, at) is None  # a second scheduler at the same time
        db.session.commit()
        # A claim left by a run that died while sending is taken over later, and sent once.
        assert reminders.due_reminders(at) == [item]
        assert reminders.send_due(at + timedelta(minutes=1)) == []
        assert _funding(reminders.send_due(at + timedelta(hours=1))) == [30]
        assert reminders.send_due(at + timedelta(hours=2)) == []
    assert len(box.sent) == 1


def test_the_dashboard_board_shows_the_days_and_what_went_out(team: Flask, box: Mailbox) -> None:
    with team.app_context():
        campaign_id = _phase(1).campaign_id
        board = reminder_board.dashboard_reminders(campaign_id, lima(date(2026, 11, 28)))
        (watch,) = board.funding
        assert (watch.phase, watch.next_phase, watch.days_left) == (1, 2, 69)
        assert [(s.days_before, s.due_on, s.state) for s in watch.steps] == [
            (30, date(2027, 1, 6), "scheduled"),
            (14, date(2027, 1, 22), "scheduled"),
            (7, date(2027, 1, 29), "scheduled"),
        ]
        assert board.bookings == () and board.channel == "email"
        reminders.send_due(before_end(10))
        later = reminder_board.dashboard_reminders(campaign_id, before_end(8))
        assert [s.state for s in later.funding[0].steps] == ["skipped", "sent", "scheduled"]
        assert later.funding[0].steps[1].sent_at == before_end(10)
        run_out = reminder_board.dashboard_reminders(campaign_id, before_end(7))
        assert {b.state for b in run_out.bookings} == {"due"}
        assert len(run_out.bookings) == 5
