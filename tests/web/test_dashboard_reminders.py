"""The dashboard's countdown and reminders: the demo's phase 1 counts down to its last day, phase 2
shows its funding reminders; bookings running out, and screens marked offline since when."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.campaigns import Phase
from campaign.persistence.network import Screen
from campaign.services import connectivity, player, reminders, screens
from campaign.services.clock import clock_of
from tests.mailbox import Mailbox, install
from tests.web.signing import signed_in

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)  # 10:00 in Lima on the demo day
PHASE_1_LAST_DAY = datetime(2027, 2, 5, 15, 0, tzinfo=UTC)  # 10:00 in Lima


@pytest.fixture
def live(demo: Flask) -> Flask:
    clock_of(demo).set(NOW)
    return demo


@pytest.fixture
def box(live: Flask) -> Mailbox:
    return install(live)


def _page(client: FlaskClient) -> str:
    answer = client.get("/dashboard")
    assert answer.status_code == 200, answer.status_code
    return answer.get_data(as_text=True)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _steps(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<li class="step [^"]*" data-days-before="(\d+)" data-state="(\w+)"', html)


def test_phase_one_counts_down_and_phase_two_shows_its_funding_reminders(live: Flask) -> None:
    html = _page(signed_in(live, locale="en"))
    text = _text(html)
    assert 'id="countdown-1"' in html and 'data-days-left="69"' in html
    assert "Phase 1 ends in 69 days, on February 5, 2027" in text
    assert "Next: phase 2, Fase 2 – Aeropuertos de Cusco y Arequipa, from Feb 6, 2027." in text
    assert "funding pending" in text
    assert _steps(html) == [("30", "scheduled"), ("14", "scheduled"), ("7", "scheduled")]
    for day in ("Jan 6, 2027", "Jan 22, 2027", "Jan 29, 2027"):
        assert day in text
    # The managers decide funding on the phase's own page: the link goes to phase 2's.
    with live.app_context():
        second = db.session.scalar(select(Phase).filter_by(number=2))
    assert f'href="/admin/phases/{second.id}"' in html
    assert "No e-mail server is set up: reminders are written to the server's log" in text


def test_the_countdown_reads_in_spanish_dates_by_default(live: Flask) -> None:
    html = _page(signed_in(live))
    assert 'data-days-left="69"' in html
    assert "5 de febrero de 2027" in html and "6 ene 2027" in html


def test_a_partner_sees_the_countdown_without_the_phases_link(live: Flask) -> None:
    html = _page(signed_in(live, "partner", "mimp", locale="en"))
    assert 'id="countdown-1"' in html and len(_steps(html)) == 3
    assert "/admin/phases" not in html


def test_after_downtime_the_page_shows_what_went_out_and_what_was_skipped(
    live: Flask, box: Mailbox
) -> None:
    client = signed_in(live, locale="en")
    at = PHASE_1_LAST_DAY - timedelta(days=10)
    with live.app_context():
        reminders.send_due(at)
    clock_of(live).set(at + timedelta(days=1))
    html = _page(client)
    assert _steps(html) == [("30", "skipped"), ("14", "sent"), ("7", "scheduled")]
    text = _text(html)
    assert "not sent: a later reminder went out instead" in text
    assert "e-mailed Jan 26, 2027" in text
    assert "Phase 1 ends in 9 days" in text
    assert "Reminders go out once each, by e-mail to the campaign team." in text


def test_bookings_running_out_are_listed_with_their_reminder(live: Flask, box: Mailbox) -> None:
    client = signed_in(live, locale="en")
    at = PHASE_1_LAST_DAY - timedelta(days=7)
    clock_of(live).set(at)
    html = _page(client)
    rows = dict(re.findall(r'<li id="run-out-([\w-]+)" class="\w+" data-state="(\w+)"', html))
    assert rows == dict.fromkeys(
        [
            "arrivals-tourism",
            "baggage-report",
            "departures-report-evenings",
            "phase1-recognise",
            "phase1-zero-tolerance",
        ],
        "due",
    )
    with live.app_context():
        reminders.send_due(at)
    html = _page(client)
    assert set(re.findall(r'<li id="run-out-[\w-]+" class="\w+" data-state="(\w+)"', html)) == {
        "sent"
    }
    assert _steps(html)[-1] == ("7", "sent")


def test_a_screen_marked_offline_is_listed_with_since_when(live: Flask) -> None:
    client = signed_in(live, locale="en")
    with live.app_context():
        screens.issue_token("LIM-ARR-01", now=NOW - timedelta(days=1))
        screen_id = db.session.scalar(select(Screen.id).filter_by(code="LIM-ARR-01"))
        player.record_heartbeat(screen_id, {}, now=NOW - timedelta(minutes=30))
        assert 'id="offline-' not in _page(client)
        connectivity.sweep(NOW)
    html = _page(client)
    assert 'id="offline-LIM-ARR-01"' in html
    # 30 minutes ago plus three polls of 30 s, in Lima's time.
    assert "offline since Nov 28, 2026, 09:31 (Peru Time)" in _text(html)
    with live.app_context():
        player.record_heartbeat(screen_id, {}, now=NOW)
    assert 'id="offline-' not in _page(client)


def test_a_funded_next_phase_says_it_starts_when_the_active_one_ends(live: Flask) -> None:
    with live.app_context():
        second = db.session.scalar(select(Phase).filter_by(number=2))
        second.funding_status = "confirmed"
        db.session.commit()
    text = _text(_page(signed_in(live, locale="en")))
    assert "Its funding is confirmed: it starts when phase 1 ends." in text
