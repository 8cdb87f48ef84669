"""Pairing a player with a screen: codes, hashes, one token handed over once, refusals."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from campaign.extensions import db, limiter
from campaign.persistence.accounts import User
from campaign.persistence.audit import AuditEvent
from campaign.persistence.network import Screen
from campaign.persistence.pairings import ScreenPairing
from campaign.services import pairing, screens
from campaign.services.accounts import add_user
from campaign.services.errors import Forbidden, NotFound

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
SCREEN = "LIM-ARR-01"
PAGE = "https://campaign.example.org/screens/pair"


def _user(role: str = "manager", partner: str | None = None) -> User:
    return add_user(
        f"{role}@example.org", role, "a long enough password", now=NOW, partner_slug=partner
    )


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_code_is_8_symbols_of_the_alphabet_and_only_hashes_are_kept(demo: Flask) -> None:
    with demo.test_request_context():
        started = pairing.start_pairing("kiosk 1.0 (Chromium)", now=NOW, pair_page=PAGE)
        codes = {pairing.start_pairing(None, now=NOW).code for _ in range(20)}
        row = db.session.scalar(select(ScreenPairing).order_by(ScreenPairing.id))
        assert row is not None
        stored = [str(getattr(row, c.key)) for c in ScreenPairing.__table__.columns]
    for code in (started.code, *codes):
        assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", code), code
    assert len(codes) == 20  # drawn at random, not counted up
    plain = started.code.replace("-", "")
    assert set(plain) <= set(pairing.ALPHABET) and len(pairing.ALPHABET) == 32
    assert len(started.secret) >= 43 and re.fullmatch(r"[A-Za-z0-9_-]+", started.secret)
    assert started.expires_at == NOW + timedelta(minutes=10)
    assert started.pair_url == f"{PAGE}?code={plain}"
    assert started.qr_svg.startswith("<svg") and "viewBox" in started.qr_svg
    assert (row.code_hash, row.secret_hash) == (_sha256(plain), _sha256(started.secret))
    assert not any(plain in value or started.secret in value for value in stored)
    assert row.player == "kiosk 1.0 (Chromium)"


@pytest.mark.parametrize("typed", ["abcd efgh", " ABCD-EFGH ", "abcdefgh", "AbCd - eFgH"])
def test_a_typed_code_is_read_in_any_case_with_spaces_and_hyphens(typed: str) -> None:
    assert pairing.normalise_code(typed) == "ABCDEFGH"


@pytest.mark.parametrize("typed", ["ABCD-EFG", "ABCD-EFGHJ", "ABCD-EFG0", "ABCD-EFGI", ""])
def test_other_text_is_no_code(typed: str) -> None:
    assert pairing.normalise_code(typed) is None


def test_the_player_waits_then_collects_the_token_once(demo: Flask) -> None:
    with demo.test_request_context():
        old = screens.issue_token(SCREEN, now=NOW)
        manager = _user()
        started = pairing.start_pairing(None, now=NOW)
        waiting = pairing.claim(started.secret, now=NOW)
        assert (waiting.status, waiting.expires_at, waiting.token) == (
            "waiting",
            started.expires_at,
            "",
        )
        paired_at = NOW + timedelta(minutes=2)
        screen = pairing.pair(started.code.lower(), SCREEN, manager, now=paired_at)
        assert screen.code == SCREEN
        # The old token stops when the manager pairs, as the page tells them.
        assert screens.screens_by_token_hash().get(screens.hash_token(old)) is None
        result = pairing.claim(started.secret, now=paired_at + timedelta(seconds=3))
        assert (result.status, result.screen_code) == ("paired", SCREEN)
        row = db.session.scalar(select(Screen).filter_by(code=SCREEN))
        assert row is not None and row.token_hash == screens.hash_token(result.token)
        with pytest.raises(pairing.Gone):
            pairing.claim(started.secret, now=paired_at + timedelta(seconds=6))
        event = db.session.scalar(select(AuditEvent).filter_by(action="pair_player"))
        assert event is not None and event.entity == "screens"
        assert event.after == {"screen": SCREEN, "user": "manager@example.org", "player": None}
        kept = db.session.scalar(select(ScreenPairing))
        assert kept is not None and result.token not in str(vars(kept))


def test_a_code_can_be_paired_once(demo: Flask) -> None:
    with demo.test_request_context():
        manager = _user()
        started = pairing.start_pairing(None, now=NOW)
        pairing.pair(started.code, SCREEN, manager, now=NOW)
        with pytest.raises(pairing.UsedCode):
            pairing.pair(started.code, "LIM-GAT-01", manager, now=NOW)


def test_an_expired_code_can_be_neither_paired_nor_claimed(demo: Flask) -> None:
    with demo.test_request_context():
        manager = _user()
        started = pairing.start_pairing(None, now=NOW)
        later = started.expires_at
        with pytest.raises(pairing.ExpiredCode):
            pairing.pair(started.code, SCREEN, manager, now=later)
        with pytest.raises(pairing.Gone):
            pairing.claim(started.secret, now=later)


def test_a_code_paired_in_its_last_seconds_can_still_be_collected(demo: Flask) -> None:
    with demo.test_request_context():
        started = pairing.start_pairing(None, now=NOW)
        last_second = started.expires_at - timedelta(seconds=1)
        pairing.pair(started.code, SCREEN, _user(), now=last_second)
        result = pairing.claim(started.secret, now=started.expires_at + timedelta(seconds=2))
        assert result.status == "paired"


def test_unknown_codes_secrets_and_screens_are_refused(demo: Flask) -> None:
    with demo.test_request_context():
        manager = _user()
        with pytest.raises(pairing.MalformedCode):
            pairing.pair("ABC", SCREEN, manager, now=NOW)
        with pytest.raises(pairing.UnknownCode):
            pairing.pair("ABCD-EFGH", SCREEN, manager, now=NOW)
        started = pairing.start_pairing(None, now=NOW)
        with pytest.raises(pairing.UnknownScreen):
            pairing.pair(started.code, "NOPE-01", manager, now=NOW)
        with pytest.raises(NotFound):
            pairing.claim("not-a-secret", now=NOW)
        # The refused screen left the code free for the right one.
        assert pairing.pair(started.code, SCREEN, manager, now=NOW).code == SCREEN


def test_only_the_campaign_team_pairs(demo: Flask) -> None:
    with demo.test_request_context():
        partner = _user("partner", "mimp")
        started = pairing.start_pairing(None, now=NOW)
        with pytest.raises(Forbidden):
            pairing.pair(started.code, SCREEN, partner, now=NOW)


def test_wrong_codes_are_limited_per_user_not_right_ones(demo: Flask) -> None:
    demo.config["PAIRING_ATTEMPT_LIMIT"] = "2 per minute"
    with demo.test_request_context():
        limiter.reset()
        manager = _user()
        other = add_user("other@example.org", "admin", "a long enough password", now=NOW)
        started = pairing.start_pairing(None, now=NOW)
        pairing.pair(started.code, SCREEN, manager, now=NOW)
        for _ in range(2):
            with pytest.raises(pairing.MalformedCode):  # typos of the shape do not count
                pairing.pair("AB", SCREEN, manager, now=NOW)
            with pytest.raises(pairing.UnknownCode):
                pairing.pair("ABCD-EFGH", SCREEN, manager, now=NOW)
        fresh = pairing.start_pairing(None, now=NOW)
        with pytest.raises(pairing.TooManyAttempts) as refused:
            pairing.pair(fresh.code, SCREEN, manager, now=NOW)
        assert 0 < refused.value.retry_after <= 60
        assert pairing.pair(fresh.code, SCREEN, other, now=NOW).code == SCREEN


def test_waiting_codes_are_bounded_and_old_ones_cleared(demo: Flask) -> None:
    demo.config["PAIRING_MAX_PENDING"] = 2
    with demo.test_request_context():
        pairing.start_pairing(None, now=NOW)
        pairing.start_pairing(None, now=NOW)
        with pytest.raises(pairing.TooManyPending) as busy:
            pairing.start_pairing(None, now=NOW)
        assert (busy.value.status, busy.value.retry_after) == (503, 60)
        # Once they have expired they no longer count; a day later they are deleted.
        pairing.start_pairing(None, now=NOW + timedelta(minutes=10))
        assert len(db.session.scalars(select(ScreenPairing)).all()) == 3
        pairing.start_pairing(None, now=NOW + timedelta(days=1, minutes=11))
        assert len(db.session.scalars(select(ScreenPairing)).all()) == 2
