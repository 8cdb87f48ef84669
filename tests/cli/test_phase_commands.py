"""`campaign phase …` as an operator runs it: funding, cancelling, moving dates, transitions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.audit import AuditEvent
from campaign.persistence.campaigns import FundingDecision, Phase
from campaign.persistence.messages import Booking
from campaign.services import accounts
from campaign.services.clock import clock_of

LIVE = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)


@pytest.fixture
def live(demo: Flask) -> Flask:
    clock_of(demo).set(LIVE)
    return demo


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


def test_fund_records_the_decision_by_the_person_named(live: Flask, runner: FlaskCliRunner) -> None:
    with live.app_context():
        accounts.add_user("ana@example.org", "manager", "a long enough password", now=LIVE)
    result = runner.invoke(
        args=[
            *("phase", "fund", "2", "--status", "confirmed", "--amount", "45000"),
            *("--currency", "usd", "--note", "Embassy grant", "--by", "ana@example.org"),
        ]
    )
    assert result.exit_code == 0, result.output
    assert (
        "Phase 2 of peru-unido-contra-la-trata: funding confirmed (45000.00 USD)" in result.output
    )
    assert "decided by ana@example.org" in result.output
    with live.app_context():
        decision = db.session.scalar(select(FundingDecision))
        assert decision is not None
        assert (decision.note, decision.decided_at) == ("Embassy grant", LIVE)
    assert phase(live, 2).funding_status == "confirmed"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--status", "confirmed", "--amount", "-3"], "The amount must be from 0"),
        (["--status", "confirmed", "--amount", "lots"], "--amount must be a number"),
        (["--status", "confirmed", "--by", "nobody@example.org"], "no user with the e-mail"),
        (["--status", "confirmed", "--campaign", "other"], "Campaign other has no phase 2"),
    ],
)
def test_a_bad_decision_is_one_line_and_exit_code_1(
    live: Flask, runner: FlaskCliRunner, args: list[str], words: str
) -> None:
    result = runner.invoke(args=["phase", "fund", "2", *args])
    assert result.exit_code == 1
    assert words in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    with live.app_context():
        assert db.session.scalar(select(FundingDecision)) is None


def test_cancel_needs_a_reason_and_is_refused_twice(live: Flask, runner: FlaskCliRunner) -> None:
    missing = runner.invoke(args=["phase", "cancel", "3"])
    assert missing.exit_code != 0 and "--reason" in missing.output
    done = runner.invoke(args=["phase", "cancel", "3", "--reason", "No donor"])
    assert done.exit_code == 0, done.output
    assert "Cancelled phase 3 of peru-unido-contra-la-trata" in done.output
    assert phase(live, 3).cancel_reason == "No donor"
    again = runner.invoke(args=["phase", "cancel", "3", "--reason", "Still no donor"])
    assert again.exit_code == 1 and "Phase 3 is already cancelled." in again.output
    with live.app_context():
        event = db.session.scalar(
            select(AuditEvent).filter_by(entity="phases", action="update").order_by(AuditEvent.id)
        )
        assert event is not None and event.source == "cli"


def test_resize_previews_then_applies(live: Flask, runner: FlaskCliRunner) -> None:
    preview = runner.invoke(args=["phase", "resize", "1", "--ends-on", "2027-02-20"])
    assert preview.exit_code == 0, preview.output
    assert "2026-11-07 → 2027-02-05 becomes 2026-11-07 → 2027-02-20" in preview.output
    assert "5 booking(s) move with it" in preview.output
    assert "phase1-recognise (phase:1, recognise-the-signs)" in preview.output
    assert "Nothing was changed" in preview.output
    assert ends_on(live, "phase1-recognise") == date(2027, 2, 5)
    applied = runner.invoke(args=["phase", "resize", "1", "--ends-on", "2027-02-20", "--apply"])
    assert applied.exit_code == 0, applied.output
    assert "Applied." in applied.output
    assert ends_on(live, "phase1-recognise") == date(2027, 2, 20)
    assert phase(live, 1).ends_on == date(2027, 2, 20)


def test_resize_refusals_exit_with_1(live: Flask, runner: FlaskCliRunner) -> None:
    refused = runner.invoke(args=["phase", "resize", "2", "--starts-on", "2026-11-01"])
    assert refused.exit_code == 1
    assert "is in the past" in refused.output.strip().splitlines()[-1]
    applied = runner.invoke(args=["phase", "resize", "2", "--starts-on", "2026-11-01", "--apply"])
    assert applied.exit_code == 1 and len(applied.output.strip().splitlines()) == 1
    assert phase(live, 2).starts_on == date(2027, 2, 6)
    nothing = runner.invoke(args=["phase", "resize", "2"])
    assert nothing.exit_code == 1 and "give --starts-on, --ends-on or both" in nothing.output


def test_transitions_are_recorded_once_and_listed_in_local_time(
    live: Flask, runner: FlaskCliRunner
) -> None:
    empty = runner.invoke(args=["phase", "transitions"])
    assert empty.exit_code == 0 and "No transition is recorded yet." in empty.output
    first = runner.invoke(args=["phase", "transitions", "--record"])
    assert first.exit_code == 0, first.output
    assert "Recorded 1 transition(s)." in first.output
    assert (
        "2026-11-07T00:00-05:00 America/Lima  peru-unido-contra-la-trata phase 1 at LIM: active"
        in first.output
    )
    again = runner.invoke(args=["phase", "transitions", "--record"])
    assert "Recorded 0 transition(s)." in again.output
    assert again.output.count(": active") == 1
