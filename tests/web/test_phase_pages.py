"""A phase's page in the administration: its lifecycle at each hub, transitions in local time,
funding decisions, cancelling with a reason, and new dates previewed before they are applied."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.persistence.campaigns import FundingDecision, Phase
from campaign.persistence.messages import Booking
from campaign.services import phase_lifecycle
from campaign.services.clock import clock_of
from tests.web.signing import signed_in

LIVE = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)


@pytest.fixture
def live(demo: Flask) -> Flask:
    clock_of(demo).set(LIVE)
    return demo


@pytest.fixture
def manager(live: Flask) -> FlaskClient:
    return signed_in(live, "manager", locale="en")


def phase(app: Flask, number: int) -> Phase:
    with app.app_context():
        row = db.session.scalar(select(Phase).filter_by(number=number))
        assert row is not None
        db.session.expunge(row)
        return row


def ends_on(app: Flask, key: str) -> date:
    with app.app_context():
        row = db.session.scalar(select(Booking).filter_by(key=key))
        assert row is not None
        return row.ends_on


def text(html: str) -> str:
    """The page's words without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def error_of(html: str, field: str) -> str:
    match = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    assert match, f"no error shown on {field}"
    return match.group(1)


def test_the_phases_list_links_to_each_phase_page(live: Flask, manager: FlaskClient) -> None:
    html = manager.get("/admin/phases").get_data(as_text=True)
    first = phase(live, 1)
    assert f'href="/admin/phases/{first.id}"' in html
    assert 'badge planned">planned' in html and 'badge active">active' in html


def test_a_phase_page_shows_its_lifecycle_transitions_in_local_time_and_funding(
    live: Flask, manager: FlaskClient
) -> None:
    with live.app_context():
        phase_lifecycle.record_transitions(LIVE)
    first = phase(live, 1)
    answer = manager.get(f"/admin/phases/{first.id}")
    assert answer.status_code == 200
    words = text(answer.get_data(as_text=True))
    assert "Phase 1" in words and "Jorge Chávez" in words
    # Active since local midnight of its first day; the next change is the end of its last.
    assert "Nov 7, 2026, 00:00 (Peru Time)" in words
    assert "completes on Feb 6, 2027, 00:00 (Peru Time)" in words
    assert "No funding decision is recorded yet." in words
    assert "Cancel the phase" in words and "Change the dates" in words


def test_a_funding_decision_is_recorded_from_the_page(live: Flask, manager: FlaskClient) -> None:
    second = phase(live, 2)
    answer = manager.post(
        f"/admin/phases/{second.id}/funding",
        data={"status": "confirmed", "amount": "30.000,50", "currency": "pen", "note": "Embassy"},
    )
    assert answer.status_code == 303, answer.get_data(as_text=True)
    page = manager.get(answer.headers["Location"]).get_data(as_text=True)
    words = text(page)
    assert "The funding decision on phase 2 was recorded." in words
    assert "PEN" in words and "30,000.50" in words and "Embassy" in words
    assert "manager-iom@example.org" in words  # who decided
    assert phase(live, 2).funding_status == "confirmed"


def test_a_bad_funding_decision_keeps_the_input_and_writes_nothing(
    live: Flask, manager: FlaskClient
) -> None:
    second = phase(live, 2)
    answer = manager.post(
        f"/admin/phases/{second.id}/funding",
        data={"status": "confirmed", "amount": "mucho", "currency": "USD"},
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert "must be a number" in error_of(html, "amount") and 'value="mucho"' in html
    with live.app_context():
        assert db.session.scalar(select(func.count()).select_from(FundingDecision)) == 0


def test_cancelling_asks_for_a_reason_then_stops_the_phase(
    live: Flask, manager: FlaskClient
) -> None:
    third = phase(live, 3)
    ask = manager.get(f"/admin/phases/{third.id}/cancel")
    assert ask.status_code == 200
    assert "This cannot be undone" in text(ask.get_data(as_text=True))
    empty = manager.post(f"/admin/phases/{third.id}/cancel", data={"reason": "  "})
    assert empty.status_code == 422
    assert "Say why the phase is cancelled" in error_of(empty.get_data(as_text=True), "reason")
    assert phase(live, 3).cancelled_at is None
    done = manager.post(f"/admin/phases/{third.id}/cancel", data={"reason": "No donor"})
    assert done.status_code == 303
    words = text(manager.get(done.headers["Location"]).get_data(as_text=True))
    assert "Phase 3 was cancelled." in words and "No donor" in words
    assert "Record the decision" not in words  # a cancelled phase takes no more decisions
    assert phase(live, 3).cancel_reason == "No donor"


def test_new_dates_are_previewed_with_the_bookings_that_move_then_applied(
    live: Flask, manager: FlaskClient
) -> None:
    first = phase(live, 1)
    url = f"/admin/phases/{first.id}/dates"
    form = {"starts_on": "2026-11-07", "ends_on": "2027-02-20", "step": "preview"}
    preview = manager.post(url, data=form)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    words = text(html)
    assert "Bookings that move with them (5):" in words
    assert "phase1-recognise" in words and "Feb 5, 2027" in words and "Feb 20, 2027" in words
    assert ends_on(live, "phase1-recognise") == date(2027, 2, 5)  # only previewed
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', html)
    assert fingerprint
    applied = manager.post(
        url,
        data={
            **form,
            "step": "apply",
            "lock_version": str(first.lock_version),
            "fingerprint": fingerprint.group(1),
        },
    )
    assert applied.status_code == 303, applied.get_data(as_text=True)
    assert ends_on(live, "phase1-recognise") == date(2027, 2, 20)
    words = text(manager.get(applied.headers["Location"]).get_data(as_text=True))
    assert "5 booking(s) moved with it" in words


def test_dates_that_cannot_be_applied_are_explained_and_offer_no_apply(
    live: Flask, manager: FlaskClient
) -> None:
    second = phase(live, 2)
    url = f"/admin/phases/{second.id}/dates"
    answer = manager.post(url, data={"starts_on": "2026-11-01", "ends_on": "2027-05-06"})
    words = text(answer.get_data(as_text=True))
    assert "These dates cannot be applied" in words and "is in the past" in words
    assert "Apply the new dates" not in words
    forced = manager.post(
        url,
        data={
            "starts_on": "2026-11-01",
            "ends_on": "2027-05-06",
            "step": "apply",
            "lock_version": str(second.lock_version),
        },
    )
    assert forced.status_code == 422
    assert phase(live, 2).starts_on == date(2027, 2, 6)


def test_a_stale_preview_is_not_applied(live: Flask, manager: FlaskClient) -> None:
    first = phase(live, 1)
    answer = manager.post(
        f"/admin/phases/{first.id}/dates",
        data={
            "starts_on": "2026-11-07",
            "ends_on": "2027-02-20",
            "step": "apply",
            "lock_version": str(first.lock_version),
            "fingerprint": "0" * 16,
        },
    )
    assert answer.status_code == 409
    assert "changed since the preview" in text(answer.get_data(as_text=True))
    assert ends_on(live, "phase1-recognise") == date(2027, 2, 5)


def test_the_phase_edit_sends_new_dates_to_the_preview(live: Flask, manager: FlaskClient) -> None:
    first = phase(live, 1)
    form = {
        "number": "1",
        "name": "Fase 1 – renamed",
        "starts_on": "2026-11-07",
        "ends_on": "2027-02-20",
        "hub_ids": [str(h) for h in _hub_ids(live, first.id)],
        "funding_status": "confirmed",
        "funding_source": "OIM",
        "budget": "45000",
        "currency": "USD",
        "share_of_voice": "1",
        "lock_version": str(first.lock_version),
    }
    answer = manager.post(f"/admin/phases/{first.id}/edit", data=form)
    assert answer.status_code == 303
    assert (
        "/dates?" in answer.headers["Location"]
        and "ends_on=2027-02-20" in answer.headers["Location"]
    )
    saved = phase(live, 1)
    assert saved.name == "Fase 1 – renamed" and saved.ends_on == date(2027, 2, 5)
    page = manager.get(answer.headers["Location"]).get_data(as_text=True)
    words = text(page)
    assert "was saved except its dates" in words
    assert "Bookings that move with them (5):" in words and "Apply the new dates" in words


def _hub_ids(app: Flask, phase_id: int) -> list[int]:
    with app.app_context():
        row = db.session.get(Phase, phase_id)
        assert row is not None
        return [h.id for h in row.hubs]


def test_the_phase_page_speaks_spanish(live: Flask) -> None:
    spanish = signed_in(live, "manager", email="ana@example.org", locale="es")
    first = phase(live, 1)
    html = spanish.get(f"/admin/phases/{first.id}").get_data(as_text=True)
    assert '<html lang="es">' in html
    assert "45.000,00" in html


def test_partners_and_unknown_phases_get_no_page(live: Flask, manager: FlaskClient) -> None:
    partner = signed_in(live, "partner", "mimp", locale="en")
    first = phase(live, 1)
    assert partner.get(f"/admin/phases/{first.id}").status_code in (403, 404)
    assert manager.get("/admin/phases/99999").status_code == 404
    assert manager.get("/admin/phases/99999/dates").status_code == 404
