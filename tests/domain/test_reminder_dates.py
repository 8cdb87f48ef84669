"""When reminders fall due, on local dates: the latest threshold only, continued bookings."""

from __future__ import annotations

from datetime import date, timedelta

from campaign.domain.model import FundingStatus, Phase
from campaign.domain.reminders import continued, needs_funding, next_phase, runs_out, to_send

END = date(2027, 2, 5)
DAYS = (30, 14, 7)


def _phase(number: int, starts: date, ends: date, funded: bool = False, **more: object) -> Phase:
    status = FundingStatus.CONFIRMED if funded else FundingStatus.PENDING
    return Phase(number, f"Phase {number}", starts, ends, status, frozenset({"LIM"}), **more)  # type: ignore[arg-type]


def _days(today: date) -> tuple[int | None, tuple[int, ...]]:
    send, skipped = to_send(END, DAYS, today)
    return (send.days_before if send else None), tuple(s.days_before for s in skipped)


def test_only_the_latest_threshold_reached_is_sent() -> None:
    assert _days(END - timedelta(days=31)) == (None, ())
    assert _days(END - timedelta(days=30)) == (30, ())
    assert _days(END - timedelta(days=10)) == (14, (30,))
    assert _days(END - timedelta(days=2)) == (7, (30, 14))
    assert _days(END) == (7, (30, 14))
    assert _days(END + timedelta(days=1)) == (None, ())


def test_the_next_phase_is_the_next_number_else_the_next_to_start() -> None:
    one = _phase(1, date(2026, 11, 7), END, funded=True)
    three = _phase(3, date(2027, 5, 1), date(2027, 7, 31))
    assert next_phase(one, [one, three]) == three
    two = _phase(2, date(2027, 2, 6), date(2027, 4, 30))
    assert next_phase(one, [one, two, three]) == two
    assert next_phase(three, [one, two, three]) is None


def test_a_funding_reminder_needs_a_playing_phase_and_an_unfunded_next_one() -> None:
    today = date(2026, 11, 28)
    one = _phase(1, date(2026, 11, 7), END, funded=True)
    two = _phase(2, date(2027, 2, 6), date(2027, 4, 30))
    assert needs_funding(one, two, today)
    assert not needs_funding(one, _phase(2, two.starts_on, two.ends_on, funded=True), today)
    assert not needs_funding(one, _phase(2, two.starts_on, two.ends_on, cancelled=True), today)
    assert not needs_funding(two, None, today)
    assert not needs_funding(_phase(1, one.starts_on, END), two, today)  # itself unfunded
    assert needs_funding(_phase(1, date(2026, 12, 1), END, funded=True), two, today)


def test_a_booking_runs_out_once_it_plays_within_its_last_days() -> None:
    assert runs_out(date(2026, 11, 7), END, 7, END - timedelta(days=8)) is None
    step = runs_out(date(2026, 11, 7), END, 7, END - timedelta(days=7))
    assert step is not None and step.due_on == END - timedelta(days=7)
    assert runs_out(END - timedelta(days=2), END, 7, END - timedelta(days=5)) is None  # not yet
    assert runs_out(date(2026, 11, 7), END, 7, END + timedelta(days=1)) is None


def test_a_booking_is_continued_from_the_next_day_or_by_an_overlap() -> None:
    assert continued(END, [(END + timedelta(days=1), END + timedelta(days=30))])
    assert continued(END, [(END - timedelta(days=3), END + timedelta(days=3))])
    assert not continued(END, [(END + timedelta(days=2), END + timedelta(days=30))])  # a gap
    assert not continued(END, [(END - timedelta(days=30), END)])  # ends with it
