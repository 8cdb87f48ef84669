"""A phase's lifecycle on the demo plan: transitions recorded once at the instant they happened
(after downtime, and when two schedulers race), funding decisions, cancelling, and moving a
phase's dates with the bookings that ran to its edges."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.audit import AuditEvent
from campaign.persistence.campaigns import Campaign, FundingDecision, Phase, PhaseTransition
from campaign.persistence.messages import Booking
from campaign.persistence.network import Hub
from campaign.services import accounts, bookings, campaigns, phase_lifecycle
from campaign.services.clock import clock_of
from campaign.services.errors import Conflict, Invalid

LIVE = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
# Phase 1 (LIM, funded) runs 7 November 2026 to 5 February 2027; phase 2 (AQP, CUZ, LIM, waiting
# for funds) 6 February to 6 May 2027. Lima is five hours behind UTC all year.
PHASE_1_STARTED = datetime(2026, 11, 7, 5, 0, tzinfo=UTC)
PHASE_1_ENDED = datetime(2027, 2, 6, 5, 0, tzinfo=UTC)  # local midnight after its last day


@pytest.fixture
def ctx(demo: Flask) -> Iterator[Flask]:
    clock_of(demo).set(LIVE)
    with demo.app_context():
        yield demo


def at(app: Flask, instant: datetime) -> None:
    clock_of(app).set(instant)


def phase(number: int) -> Phase:
    row = db.session.scalar(select(Phase).filter_by(number=number))
    assert row is not None
    return row


def recorded(number: int | None = None) -> list[tuple[int, str, str, datetime, datetime]]:
    """(phase number, hub, state, at, recorded_at) of every transition recorded."""
    query = (
        select(Phase.number, PhaseTransition.hub_id, PhaseTransition.state, PhaseTransition.at)
        .add_columns(PhaseTransition.recorded_at)
        .join(Phase, Phase.id == PhaseTransition.phase_id)
        .order_by(PhaseTransition.at, PhaseTransition.hub_id, PhaseTransition.state)
    )
    if number is not None:
        query = query.where(Phase.number == number)
    codes = dict(db.session.execute(select(Hub.id, Hub.code)).all())
    return [(n, codes[h], s, a, r) for n, h, s, a, r in db.session.execute(query)]


def transition_events() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).filter_by(entity="phase_transitions").order_by(AuditEvent.id)
        )
    )


def manager() -> User:
    return accounts.add_user(
        "ana@example.org", "manager", "a long enough password", now=LIVE, name="Ana Pérez"
    )


def booking(key: str, target: str, starts_on: date, ends_on: date) -> Booking:
    campaign = db.session.scalar(select(Campaign))
    assert campaign is not None
    values: dict[str, Any] = {
        "campaign_id": campaign.id,
        "key": key,
        "message_key": "zero-tolerance",
        "target": target,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    return bookings.create_booking(values, db.session.scalar(select(User)) or manager())


def dates(key: str) -> tuple[date, date]:
    row = db.session.scalar(select(Booking).filter_by(key=key))
    assert row is not None
    return row.starts_on, row.ends_on


# --- transitions -----------------------------------------------------------------------------


def test_a_transition_missed_during_30_minutes_of_downtime_is_applied_once_after_the_restart(
    ctx: Flask,
) -> None:
    assert [(t.phase_number, t.state) for t in phase_lifecycle.record_transitions(LIVE)] == [
        (1, "active")
    ]
    late = PHASE_1_ENDED + timedelta(minutes=30)
    at(ctx, late)
    found = phase_lifecycle.record_transitions(late)
    assert found == [
        phase_lifecycle.RecordedTransition(
            "peru-unido-contra-la-trata", 1, "LIM", "completed", PHASE_1_ENDED
        )
    ]
    assert phase_lifecycle.record_transitions(late) == []  # the next run finds nothing to do
    assert phase_lifecycle.record_transitions(late + timedelta(minutes=1)) == []
    completed = [r for r in recorded(1) if r[2] == "completed"]
    assert completed == [(1, "LIM", "completed", PHASE_1_ENDED, late)]  # when it happened
    events = [e for e in transition_events() if e.after and e.after["state"] == "completed"]
    assert len(events) == 1
    assert (events[0].source, events[0].actor, events[0].action) == (
        "scheduler",
        "scheduler",
        "insert",
    )


def test_a_phase_that_ran_while_nobody_recorded_gets_both_its_transitions_once(
    ctx: Flask,
) -> None:
    later = datetime(2027, 3, 1, 12, tzinfo=UTC)  # phase 1 over, phase 2 waiting for funds
    found = phase_lifecycle.record_transitions(later)
    assert [(t.phase_number, t.hub_code, t.state, t.at) for t in found] == [
        (1, "LIM", "active", PHASE_1_STARTED),
        (1, "LIM", "completed", PHASE_1_ENDED),
    ]
    assert phase_lifecycle.record_transitions(later) == []
    assert [r[2] for r in recorded()] == ["active", "completed"]
    assert len(transition_events()) == 2


def test_late_funding_starts_a_phase_at_the_decision_and_each_hub_records_it(ctx: Flask) -> None:
    decided = datetime(2027, 3, 1, 16, 30, tzinfo=UTC)  # phase 2 is within its dates, unfunded
    at(ctx, decided)
    phase_lifecycle.decide_funding(
        phase(2).id, status="confirmed", amount=Decimal("30000"), currency="USD", note="", user=None
    )
    at(ctx, decided + timedelta(hours=1))
    found = phase_lifecycle.record_transitions(decided + timedelta(hours=1))
    assert {(t.phase_number, t.hub_code, t.state, t.at) for t in found if t.phase_number == 2} == {
        (2, "AQP", "active", decided),
        (2, "CUZ", "active", decided),
        (2, "LIM", "active", decided),
    }


def test_a_phase_whose_dates_pass_unfunded_is_recorded_cancelled_at_its_end(ctx: Flask) -> None:
    after = datetime(2027, 5, 8, tzinfo=UTC)
    phase_lifecycle.record_transitions(after)
    ended = datetime(2027, 5, 7, 5, tzinfo=UTC)
    assert sorted((r[1], r[2], r[3]) for r in recorded(2)) == [
        ("AQP", "cancelled", ended),
        ("CUZ", "cancelled", ended),
        ("LIM", "cancelled", ended),
    ]


def test_the_next_transition_is_the_next_edge_of_any_phase_at_any_hub(ctx: Flask) -> None:
    assert phase_lifecycle.next_transition_after(LIVE) == PHASE_1_ENDED
    phase_lifecycle.decide_funding(phase(2).id, status="confirmed", user=None)
    # Phase 2 starts where phase 1 ends; the next after that is phase 2's end.
    assert phase_lifecycle.next_transition_after(PHASE_1_ENDED) == datetime(
        2027, 5, 7, 5, tzinfo=UTC
    )
    assert phase_lifecycle.next_transition_after(datetime(2030, 1, 1, tzinfo=UTC)) is None


def test_two_runs_that_race_record_each_transition_once(
    ctx: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    phase_lifecycle.record_transitions(LIVE)
    # The second scheduler read the trail before the first committed: it saw nothing recorded.
    real = phase_lifecycle._recorded
    calls = iter([set(), None])

    def stale() -> set[tuple[int, int, str]]:
        seen = next(calls, None)
        return real() if seen is None else seen

    monkeypatch.setattr(phase_lifecycle, "_recorded", stale)
    assert phase_lifecycle.record_transitions(LIVE) == []  # clashed, redone, nothing new
    assert [(r[0], r[2]) for r in recorded()] == [(1, "active")]
    assert len(transition_events()) == 1


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_two_schedulers_at_once_on_postgresql_record_once(demo: Flask) -> None:
    start = threading.Barrier(2)
    results: list[Any] = []

    def run() -> None:
        with demo.app_context():
            start.wait()
            try:
                results.append(phase_lifecycle.record_transitions(LIVE))
            except Exception as exc:  # reported below
                results.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(r, list) for r in results), results
    assert sorted(len(r) for r in results) == [0, 1]  # one recorded it, the other saw it
    with demo.app_context():
        assert db.session.scalar(select(func.count()).select_from(PhaseTransition)) == 1
        assert len(transition_events()) == 1


# --- funding -----------------------------------------------------------------------------------


def test_funding_decisions_are_kept_with_who_when_and_the_amount(ctx: Flask) -> None:
    ana = manager()
    second = phase(2)
    phase_lifecycle.decide_funding(
        second.id, status="pending", note="Awaiting the embassy", user=ana
    )
    at(ctx, LIVE + timedelta(days=3))
    decision = phase_lifecycle.decide_funding(
        second.id, status="confirmed", amount=Decimal("45000.50"), currency="pen", user=ana
    )
    assert (decision.decided_by_id, decision.decided_by_label) == (
        ana.id,
        "Ana Pérez <ana@example.org>",
    )
    assert decision.decided_at == LIVE + timedelta(days=3)
    history = phase_lifecycle.funding_history(second.id)
    assert [(d.status, d.amount, d.currency) for d in history] == [
        ("confirmed", Decimal("45000.50"), "PEN"),
        ("pending", None, "USD"),
    ]
    assert history[1].note == "Awaiting the embassy"
    row = phase(2)
    assert (row.funding_status, row.budget, row.currency) == (
        "confirmed",
        Decimal("45000.50"),
        "PEN",
    )


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"status": "confirmed", "amount": Decimal("-1")}, "The amount must be from 0"),
        ({"status": "approved"}, "is not a funding status"),
        ({"status": "confirmed", "currency": "dollars"}, "is not a currency code"),
    ],
)
def test_a_bad_funding_decision_is_refused_with_nothing_written(
    ctx: Flask, changes: dict[str, Any], words: str
) -> None:
    second = phase(2)
    with pytest.raises(Invalid, match=words):
        phase_lifecycle.decide_funding(second.id, user=None, **changes)
    assert db.session.scalar(select(func.count()).select_from(FundingDecision)) == 0
    assert phase(2).funding_status == "pending"


def test_a_cancelled_phase_takes_no_funding_decision_and_declining_is_final(ctx: Flask) -> None:
    third = phase(3)
    phase_lifecycle.decide_funding(third.id, status="declined", note="No donor", user=None)
    with pytest.raises(Invalid, match="Phase 3 is cancelled"):
        phase_lifecycle.decide_funding(third.id, status="confirmed", user=None)
    assert [d.status for d in phase_lifecycle.funding_history(third.id)] == ["declined"]
    # The decline is recorded as the phase's cancellation at every hub, at once.
    phase_lifecycle.record_transitions(LIVE)
    assert {(r[2], r[3]) for r in recorded(3)} == {("cancelled", LIVE)}
    assert len(recorded(3)) == 5


def test_the_phase_edit_records_a_new_funding_status_as_a_decision(ctx: Flask) -> None:
    second = phase(2)
    campaigns.update_phase(
        second.id, {"funding_status": "confirmed", "version": second.lock_version}
    )
    (decision,) = phase_lifecycle.funding_history(second.id)
    assert (decision.status, decision.decided_at) == ("confirmed", LIVE)


# --- cancelling --------------------------------------------------------------------------------


def test_cancelling_stops_the_phase_at_that_instant(ctx: Flask) -> None:
    phase_lifecycle.record_transitions(LIVE)
    stopped = LIVE + timedelta(days=2)
    at(ctx, stopped)
    first = phase(1)
    phase_lifecycle.cancel_phase(first.id, reason="The airport closed the hall", user=None)
    assert (phase(1).cancelled_at, phase(1).cancel_reason) == (
        stopped,
        "The airport closed the hall",
    )
    assert phase_lifecycle.status(phase(1), stopped) == "cancelled"
    phase_lifecycle.record_transitions(stopped + timedelta(minutes=5))
    assert [(r[2], r[3]) for r in recorded(1)] == [
        ("active", PHASE_1_STARTED),
        ("cancelled", stopped),
    ]
    with pytest.raises(Invalid, match="already cancelled"):
        phase_lifecycle.cancel_phase(first.id, reason="again", user=None)


def test_a_phase_is_not_cancelled_without_a_reason_nor_once_completed(ctx: Flask) -> None:
    first = phase(1)
    with pytest.raises(Invalid, match="Give the reason"):
        phase_lifecycle.cancel_phase(first.id, reason="  ", user=None)
    at(ctx, PHASE_1_ENDED + timedelta(days=1))
    with pytest.raises(Invalid, match="has completed"):
        phase_lifecycle.cancel_phase(first.id, reason="Too late", user=None)
    assert phase(1).cancelled_at is None


# --- moving dates ------------------------------------------------------------------------------

PHASE_1_BOOKINGS = {
    "phase1-zero-tolerance",
    "phase1-recognise",
    "arrivals-tourism",
    "departures-report-evenings",
    "baggage-report",
}


def test_extending_a_phase_moves_only_the_bookings_that_ran_to_its_edge(ctx: Flask) -> None:
    booking("december-arrivals", "zone:LIM/ARR", date(2026, 12, 1), date(2026, 12, 31))
    first = phase(1)
    preview = phase_lifecycle.preview_resize(first.id, None, date(2027, 2, 20))
    assert preview.allowed and preview.refusals == ()
    assert {m.key for m in preview.moves} == PHASE_1_BOOKINGS  # not december-arrivals
    assert {(m.old_ends_on, m.new_ends_on) for m in preview.moves} == {
        (date(2027, 2, 5), date(2027, 2, 20))
    }
    assert dates("arrivals-tourism") == (date(2026, 11, 7), date(2027, 2, 5))  # nothing saved yet
    assert phase(1).ends_on == date(2027, 2, 5)
    applied = phase_lifecycle.apply_resize(
        first.id, None, date(2027, 2, 20), preview.version, fingerprint=preview.fingerprint
    )
    assert applied.applied and applied.version == preview.version + 1
    assert phase(1).ends_on == date(2027, 2, 20)
    for key in PHASE_1_BOOKINGS:
        assert dates(key) == (date(2026, 11, 7), date(2027, 2, 20))
    assert dates("december-arrivals") == (date(2026, 12, 1), date(2026, 12, 31))


def test_shortening_a_phase_moves_the_edge_bookings_and_names_those_it_would_empty(
    ctx: Flask,
) -> None:
    booking("opening-week", "phase:2", date(2027, 2, 6), date(2027, 2, 10))
    booking("spring", "hub:CUZ", date(2027, 2, 6), date(2027, 5, 6))
    second = phase(2)
    before = second.lock_version
    refused = phase_lifecycle.preview_resize(second.id, date(2027, 2, 15), None)
    assert not refused.allowed
    assert len(refused.refusals) == 1 and "«opening-week»" in refused.refusals[0]
    with pytest.raises(Invalid, match="opening-week"):
        phase_lifecycle.apply_resize(second.id, date(2027, 2, 15), None, before)
    assert phase(2).starts_on == date(2027, 2, 6) and phase(2).lock_version == before
    assert dates("spring") == (date(2027, 2, 6), date(2027, 5, 6))  # nothing half-written
    moved = phase_lifecycle.apply_resize(second.id, date(2027, 2, 8), date(2027, 4, 30), before)
    assert {m.key for m in moved.moves} == {"opening-week", "spring"}
    assert dates("opening-week") == (date(2027, 2, 8), date(2027, 2, 10))
    assert dates("spring") == (date(2027, 2, 8), date(2027, 4, 30))


@pytest.mark.parametrize(
    ("number", "starts_on", "ends_on", "words"),
    [
        (2, date(2027, 3, 1), date(2027, 2, 1), "is before the first day"),
        (2, date(2026, 11, 1), None, "is in the past"),  # it has not started: not in the past
        (1, date(2026, 11, 20), None, "its first day can no longer change"),  # running
        (1, None, date(2026, 11, 20), "can end today"),  # the new end passed already
    ],
)
def test_impossible_dates_are_refused_with_nothing_changed(
    ctx: Flask, number: int, starts_on: date | None, ends_on: date | None, words: str
) -> None:
    row = phase(number)
    version, span = row.lock_version, (row.starts_on, row.ends_on)
    assert any(
        words in r for r in phase_lifecycle.preview_resize(row.id, starts_on, ends_on).refusals
    )
    with pytest.raises(Invalid, match=words):
        phase_lifecycle.apply_resize(row.id, starts_on, ends_on, version)
    assert (phase(number).starts_on, phase(number).ends_on) == span
    assert dates("arrivals-tourism") == (date(2026, 11, 7), date(2027, 2, 5))


def test_a_completed_phase_keeps_its_dates(ctx: Flask) -> None:
    at(ctx, PHASE_1_ENDED + timedelta(days=2))
    with pytest.raises(Invalid, match="has completed"):
        phase_lifecycle.apply_resize(phase(1).id, None, date(2027, 3, 1), None)


def test_applying_a_stale_preview_is_refused(ctx: Flask) -> None:
    first = phase(1)
    preview = phase_lifecycle.preview_resize(first.id, None, date(2027, 2, 20))
    with pytest.raises(Conflict, match="changed by someone else"):
        phase_lifecycle.apply_resize(first.id, None, date(2027, 2, 20), preview.version - 1)
    # A booking edited since the preview changes what applying would do.
    row = db.session.scalar(select(Booking).filter_by(key="baggage-report"))
    assert row is not None
    bookings.update_booking(
        row.id, manager(), {"ends_on": date(2027, 1, 31), "version": row.lock_version}
    )
    with pytest.raises(Conflict, match="changed since the preview"):
        phase_lifecycle.apply_resize(
            first.id, None, date(2027, 2, 20), preview.version, fingerprint=preview.fingerprint
        )
    assert phase(1).ends_on == date(2027, 2, 5)


def test_the_phase_edit_moves_the_bookings_the_same_way(ctx: Flask) -> None:
    first = phase(1)
    campaigns.update_phase(first.id, {"ends_on": date(2027, 2, 20), "version": first.lock_version})
    assert dates("phase1-recognise") == (date(2026, 11, 7), date(2027, 2, 20))
    first = phase(1)
    with pytest.raises(Invalid, match="its first day can no longer change"):
        campaigns.update_phase(
            first.id, {"starts_on": date(2026, 11, 1), "name": "X", "version": first.lock_version}
        )
    assert phase(1).name != "X"
