"""The approval workflow: who may move a message where, and what screens then play."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from campaign.domain.playlist import build_playlist
from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign
from campaign.persistence.messages import Message
from campaign.persistence.queries import campaign_row, load_network
from campaign.services import messages
from campaign.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.web.test_api_helpers import caller

NOON_IN_LIMA = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)


@pytest.fixture
def people(demo: Flask) -> dict[str, int]:
    found = {
        "manager": caller(demo, "m1@example.org", "manager"),
        "manager2": caller(demo, "m2@example.org", "manager"),
        "admin": caller(demo, "a@example.org", "admin"),
        "mimp": caller(demo, "p@mimp.example.org", "partner", "mimp"),
        "outsider": caller(demo, "p@else.example.org", "partner", "elsewhere"),
    }
    return {name: c.id for name, c in found.items()}


def user(user_id: int) -> User:
    row = db.session.get(User, user_id)
    assert row is not None
    return row


def message(key: str) -> Message:
    row = db.session.scalar(select(Message).filter_by(key=key))
    assert row is not None
    return row


def keys_on_screens(code: str = "LIM-ARR-01") -> set[tuple[str, int]]:
    network = load_network(campaign_row())
    playlist = build_playlist(network.screens[code], network, NOON_IN_LIMA)
    return {(item.message_key, item.message_version) for item in playlist.items}


def set_partner_approval(required: bool) -> None:
    campaign = db.session.scalar(select(Campaign))
    campaign.requires_partner_approval = required
    db.session.commit()


TEXTS = {
    "es": {"headline": "Llama al 1818", "body": "Denuncia la trata."},
    "en": {"headline": "Call 1818", "body": "Report trafficking."},
}


def test_new_wording_plays_only_once_approved_and_then_alone(
    demo: Flask, people: dict[str, int]
) -> None:
    with demo.app_context():
        zero = message("zero-tolerance")
        assert ("zero-tolerance", 1) in keys_on_screens()
        draft = messages.edit_texts(
            zero.id, user(people["manager"]), TEXTS, version=zero.lock_version
        )
        assert (draft.number, draft.status) == (2, "draft")
        assert ("zero-tolerance", 1) in keys_on_screens()  # the approved one keeps playing
        messages.submit(zero.id, user(people["manager"]))
        assert ("zero-tolerance", 2) not in keys_on_screens()
        with pytest.raises(Forbidden):  # this campaign needs a partner's approval
            messages.approve(zero.id, user(people["manager2"]), number=2, now=NOON_IN_LIMA)
        with pytest.raises(NotFound):  # another organisation does not even see the campaign
            messages.approve(zero.id, user(people["outsider"]), number=2, now=NOON_IN_LIMA)
        messages.approve(zero.id, user(people["mimp"]), number=2, now=NOON_IN_LIMA)
        statuses = [(v.number, v.status) for v in message("zero-tolerance").versions]
        assert statuses == [(1, "retired"), (2, "approved")]
        on_screens = keys_on_screens()
        assert ("zero-tolerance", 2) in on_screens
        assert ("zero-tolerance", 1) not in on_screens


def test_a_manager_other_than_the_author_approves_when_no_partner_is_required(
    demo: Flask, people: dict[str, int]
) -> None:
    with demo.app_context():
        set_partner_approval(False)
        zero = message("zero-tolerance")
        messages.edit_texts(zero.id, user(people["manager"]), TEXTS, version=zero.lock_version)
        messages.submit(zero.id, user(people["manager"]))
        with pytest.raises(Forbidden, match="author"):
            messages.approve(zero.id, user(people["manager"]), number=2, now=NOON_IN_LIMA)
        with pytest.raises(Forbidden):
            messages.approve(zero.id, user(people["mimp"]), number=2, now=NOON_IN_LIMA)
        version = messages.approve(zero.id, user(people["manager2"]), number=2, now=NOON_IN_LIMA)
        assert version.approved_by_id == people["manager2"]
        assert version.approved_at == NOON_IN_LIMA


def test_submitting_needs_every_campaign_language(demo: Flask, people: dict[str, int]) -> None:
    with demo.app_context():
        zero = message("zero-tolerance")
        messages.edit_texts(
            zero.id,
            user(people["manager"]),
            {"en": {"headline": "", "body": ""}},
            version=zero.lock_version,
        )
        with pytest.raises(Invalid, match="en"):
            messages.submit(zero.id, user(people["manager"]))
        assert message("zero-tolerance").latest.status == "draft"


def test_paused_messages_leave_every_screen_and_come_back(
    demo: Flask, people: dict[str, int]
) -> None:
    with demo.app_context():
        zero = message("zero-tolerance")
        messages.pause(zero.id, user(people["manager"]))
        network = load_network(campaign_row())
        assert network.messages["zero-tolerance"].status.value == "paused"
        for code in network.screens:
            assert all(k != "zero-tolerance" for k, _ in keys_on_screens(code))
        with pytest.raises(Conflict):
            messages.pause(zero.id, user(people["manager"]))
        messages.resume(zero.id, user(people["manager"]))
        assert ("zero-tolerance", 1) in keys_on_screens()


def test_in_review_and_retired_messages_never_play(demo: Flask, people: dict[str, int]) -> None:
    with demo.app_context():
        network = load_network(campaign_row())
        # A message with no approved version is not even handed to the engine.
        assert "violence-line-100" not in network.messages
        for code in network.screens:
            assert all(k != "violence-line-100" for k, _ in keys_on_screens(code))
        messages.retire(message("zero-tolerance").id, user(people["manager"]))
        for code in network.screens:
            assert all(k != "zero-tolerance" for k, _ in keys_on_screens(code))


def test_text_in_review_is_frozen_until_withdrawn(demo: Flask, people: dict[str, int]) -> None:
    with demo.app_context():
        line = message("violence-line-100")
        with pytest.raises(Conflict, match="withdraw"):
            messages.edit_texts(line.id, user(people["manager"]), TEXTS, version=line.lock_version)
        messages.withdraw(line.id, user(people["manager"]))
        line = message("violence-line-100")
        messages.edit_texts(line.id, user(people["manager"]), TEXTS, version=line.lock_version)
        assert message("violence-line-100").latest.text("es").headline == "Llama al 1818"


def test_approving_needs_the_number_of_the_version_under_review(
    demo: Flask, people: dict[str, int]
) -> None:
    with demo.app_context():
        line = message("violence-line-100")
        with pytest.raises(Conflict):
            messages.approve(line.id, user(people["mimp"]), number=7, now=NOON_IN_LIMA)
        with pytest.raises(Conflict):  # a stale lock version after someone else's change
            messages.edit_texts(line.id, user(people["manager"]), TEXTS, version=999)


def test_partners_comment_on_versions_of_their_campaigns(
    demo: Flask, people: dict[str, int]
) -> None:
    with demo.app_context():
        line = message("violence-line-100")
        messages.add_comment(
            line.id, user(people["mimp"]), 1, "¿Número confirmado?", now=NOON_IN_LIMA
        )
        assert [c.body for c in messages.comments(line.id, user(people["admin"]), 1)] == [
            "¿Número confirmado?"
        ]
        messages.reject(line.id, user(people["mimp"]), number=1, comment="No", now=NOON_IN_LIMA)
        assert message("violence-line-100").latest.status == "draft"
        assert len(messages.comments(line.id, user(people["admin"]), 1)) == 2


def test_approved_messages_cannot_be_deleted_only_retired(
    demo: Flask, people: dict[str, int]
) -> None:
    with demo.app_context():
        zero = message("zero-tolerance")
        with pytest.raises(Conflict, match="retire"):
            messages.delete_message(zero.id, user(people["admin"]), zero.lock_version)


def test_a_version_too_long_to_read_on_a_screen_is_not_approved(
    demo: Flask, people: dict[str, int]
) -> None:
    long_body = " ".join(["La trata de personas es un delito grave que se denuncia."] * 40)
    with demo.app_context():
        set_partner_approval(False)
        zero = message("zero-tolerance")
        texts = {"es": {**TEXTS["es"], "body": long_body}, "en": TEXTS["en"]}
        messages.edit_texts(zero.id, user(people["manager"]), texts, version=zero.lock_version)
        messages.submit(zero.id, user(people["manager"]))
        with pytest.raises(Invalid, match=r"legible.*es:"):
            messages.approve(zero.id, user(people["manager2"]), number=2, now=NOON_IN_LIMA)
        assert message("zero-tolerance").latest.status == "in_review"
        assert ("zero-tolerance", 1) in keys_on_screens()  # the approved wording keeps playing


def test_a_new_link_is_new_wording_and_waits_for_approval(
    demo: Flask, people: dict[str, int]
) -> None:
    with demo.app_context():
        report = message("where-to-report")
        messages.update_message(
            report.id, user(people["manager"]), {"link": "https://example.org/other"}
        )
        report = message("where-to-report")
        assert report.latest.status == "draft" and report.latest.link == "https://example.org/other"
        live = load_network(campaign_row()).messages["where-to-report"]
        assert live.version == 1 and live.link == "https://www.gob.pe/denuncia-trata"


def test_nobody_who_edited_a_version_may_approve_it(demo: Flask, people: dict[str, int]) -> None:
    with demo.app_context():
        set_partner_approval(False)
        zero = message("zero-tolerance")
        messages.edit_texts(zero.id, user(people["manager"]), TEXTS, version=zero.lock_version)
        zero = message("zero-tolerance")
        messages.edit_texts(zero.id, user(people["manager2"]), TEXTS, version=zero.lock_version)
        messages.submit(zero.id, user(people["manager"]))
        for editor in ("manager", "manager2"):
            with pytest.raises(Forbidden, match="editor"):
                messages.approve(zero.id, user(people[editor]), number=2, now=NOON_IN_LIMA)
        messages.approve(zero.id, user(people["admin"]), number=2, now=NOON_IN_LIMA)


def test_a_retired_message_stays_retired(demo: Flask, people: dict[str, int]) -> None:
    with demo.app_context():
        zero = message("zero-tolerance")
        messages.retire(zero.id, user(people["manager"]))
        zero = message("zero-tolerance")
        with pytest.raises(Conflict, match="retired for good"):
            messages.edit_texts(zero.id, user(people["manager"]), TEXTS, version=zero.lock_version)
