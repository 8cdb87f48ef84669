"""The review answers: who may approve and why not, the queue, diffs, and what a switch does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import event, select

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.messages import Message
from campaign.services import messages, reviews, version_diff
from campaign.services.errors import Conflict, Forbidden, NotFound
from campaign.services.version_diff import Piece, word_diff
from tests.web.test_api_helpers import caller

NOON_IN_LIMA = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
MIMP = "Ministerio de la Mujer y Poblaciones Vulnerables"


@pytest.fixture
def people(demo: Flask) -> dict[str, int]:
    found = {
        "manager": caller(demo, "m1@example.org", "manager"),
        "manager2": caller(demo, "m2@example.org", "manager"),
        "mimp": caller(demo, "p@mimp.example.org", "partner", "mimp"),
    }
    return {name: c.id for name, c in found.items()}


@pytest.fixture
def english(demo: Flask) -> Iterator[None]:
    """A request in English: the reasons are said in the reader's language."""
    with demo.test_request_context("/", headers={"Accept-Language": "en"}):
        yield


def user(user_id: int) -> User:
    row = db.session.get(User, user_id)
    assert row is not None
    return row


def message(key: str) -> Message:
    row = db.session.scalar(select(Message).filter_by(key=key))
    assert row is not None
    return row


def new_wording(key: str, editor: int, headline: str) -> Message:
    row = message(key)
    messages.edit_texts(row.id, user(editor), {"es": {"headline": headline}}, version=None)
    messages.submit(row.id, user(editor))
    return message(key)


def test_a_changed_word_is_marked_whole_and_the_rest_kept_as_written() -> None:
    old, new = word_diff("Tolerancia cero a la trata", "Tolerancia total a la trata")
    assert old == (Piece("same", "Tolerancia "), Piece("del", "cero"), Piece("same", " a la trata"))
    assert new == (
        Piece("same", "Tolerancia "),
        Piece("ins", "total"),
        Piece("same", " a la trata"),
    )
    old, new = word_diff("", "Llama al 1818")
    assert old == () and new == (Piece("ins", "Llama al 1818"),)
    old, new = word_diff("línea 1\nlínea 2", "línea 1\nlínea 2")
    assert old == new == (Piece("same", "línea 1\nlínea 2"),)


def test_the_default_diff_is_the_newest_against_the_one_on_screens(
    demo: Flask, people: dict[str, int], english: None
) -> None:
    zero = new_wording("zero-tolerance", people["manager"], "Tolerancia total a la trata")
    assert version_diff.default_comparison(zero) == (1, 2)
    diff = version_diff.version_diff(zero, 1, 2)
    assert [(f.lang, f.name) for f in diff.changed] == [("es", "headline")]
    assert "hotline" in diff.unchanged_in("es") and "link" in diff.unchanged_in("")
    found = reviews.compare(zero.id, user(people["mimp"]), 1, 7)
    assert found.diff is None and "has no version 7" in found.problem


def test_who_may_approve_is_named_for_those_who_may_not(
    demo: Flask, people: dict[str, int], english: None
) -> None:
    zero = new_wording("zero-tolerance", people["manager"], "Tolerancia total")
    version = zero.latest
    assert reviews.approval_refusal(user(people["mimp"]), zero, version) is None
    mine = reviews.approval_refusal(user(people["manager"]), zero, version)
    assert mine and mine.startswith("You wrote or edited version 2") and MIMP in mine
    other = reviews.approval_refusal(user(people["manager2"]), zero, version)
    assert other and "needs the approval of a partner organisation" in other and MIMP in other
    # A MIMP user exists here: nobody is told that no partner has an account.
    assert "None of these organisations" not in other


def test_offers_say_why_a_partner_cannot_pause_or_edit(
    demo: Flask, people: dict[str, int], english: None
) -> None:
    zero = message("zero-tolerance")
    partner = reviews.offers(user(people["mimp"]), zero)
    assert not partner.allowed("pause") and not partner.allowed("edit")
    assert partner.allowed("comment")
    assert any("cannot pause, resume or retire" in r for r in partner.reasons)
    staff = reviews.offers(user(people["manager"]), zero)
    assert staff.allowed("pause") and staff.allowed("retire") and not staff.reasons
    with pytest.raises(Forbidden, match="cannot pause"):
        reviews.require(zero.id, user(people["mimp"]), "pause")


def test_a_draft_missing_a_language_names_it(
    demo: Flask, people: dict[str, int], english: None
) -> None:
    manager = user(people["manager"])
    campaign_id = message("zero-tolerance").campaign_id
    draft = messages.create_message(
        {"campaign_id": campaign_id, "key": "solo-es", "texts": {"es": {"headline": "Hola"}}},
        manager,
    )
    offer = reviews.offers(manager, draft).items["submit"]
    assert not offer.allowed
    assert offer.reason.endswith("a headline and a text in Spanish, English.")


def test_the_queue_puts_first_what_the_user_may_approve(
    demo: Flask, people: dict[str, int], english: None
) -> None:
    new_wording("zero-tolerance", people["manager"], "Tolerancia total")
    queue = reviews.review_queue(user(people["mimp"]))
    assert [e.key for e in queue.yours] == ["violence-line-100", "zero-tolerance"]
    assert queue.yours[1].replaces == 1 and queue.yours[0].replaces is None
    queue = reviews.review_queue(user(people["manager"]))
    assert not queue.yours
    reasons = {e.key: e.reason for e in queue.others}
    assert reasons["zero-tolerance"].startswith("You wrote or edited version 2")
    assert reasons["violence-line-100"].startswith("This campaign needs the approval")


def test_the_queue_takes_as_many_queries_however_long_it_is(
    demo: Flask, people: dict[str, int], english: None
) -> None:
    statements: list[str] = []

    def count(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        statements.append(sql)

    def queries() -> int:
        statements.clear()
        db.session.expire_all()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            reviews.review_queue(user(people["manager2"]))
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    new_wording("zero-tolerance", people["manager"], "Otra redacción")
    short = queries()
    for key in ("recognise-the-signs", "where-to-report"):
        new_wording(key, people["manager"], "Otra redacción")
    assert len(reviews.review_queue(user(people["manager2"])).others) == 4
    assert queries() == short


def test_pause_counts_the_screens_that_play_it_now(
    demo: Flask, people: dict[str, int], english: None
) -> None:
    zero = message("zero-tolerance")
    effect = reviews.switch_effect(zero.id, user(people["manager"]), "pause", NOON_IN_LIMA)
    assert "LIM-ARR-01" in effect.playing_on and effect.is_fallback
    assert effect.poll_seconds == demo.config["PLAYER_POLL_SECONDS"]
    with pytest.raises(Conflict, match="no paused version"):
        reviews.switch_effect(zero.id, user(people["manager"]), "resume", NOON_IN_LIMA)
    with pytest.raises(Forbidden):
        reviews.switch_effect(zero.id, user(people["mimp"]), "pause", NOON_IN_LIMA)
    outsider = caller(demo, "p@else.example.org", "partner", "elsewhere")
    with pytest.raises(NotFound):  # another organisation's campaign does not exist for them
        reviews.switch_effect(zero.id, user(outsider.id), "pause", NOON_IN_LIMA)
