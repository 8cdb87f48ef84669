"""The message page and the review queue: what a reviewer sees, may do, and is told when not."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.messages import Message
from campaign.services import messages
from campaign.services.clock import clock_of
from tests.web.signing import signed_in
from tests.web.test_api_helpers import partner_id

MIMP = "Ministerio de la Mujer y Poblaciones Vulnerables"
OIM = "Organización Internacional para las Migraciones (OIM) – Perú"
EDITED = {"es": {"headline": "Tolerancia total a la trata de personas"}}
NOON_IN_LIMA = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def demo_day(demo: Flask) -> None:
    """The demo's day, whatever the wall clock says: what plays now is what the plan books."""
    clock_of(demo).set(NOON_IN_LIMA)


def message_id(app: Flask, key: str) -> int:
    with app.app_context():
        found = db.session.scalar(select(Message.id).filter_by(key=key))
        assert found is not None
        return found


def live_number(app: Flask, key: str) -> tuple[int, str] | None:
    with app.app_context():
        row = db.session.scalar(select(Message).filter_by(key=key))
        live = messages.live_version_of(row)
        return (live.number, live.status) if live else None


def statuses(app: Flask, key: str) -> list[str]:
    with app.app_context():
        row = db.session.scalar(select(Message).filter_by(key=key))
        return [v.status for v in row.versions]


def edit_as(app: Flask, email: str, key: str, texts: dict) -> None:
    """The editor's pages are another area's: the wording changes through the service."""
    with app.app_context():
        user = db.session.scalar(select(User).filter_by(email=email))
        row = db.session.scalar(select(Message).filter_by(key=key))
        messages.edit_texts(row.id, user, texts, version=row.lock_version)


def page(client: FlaskClient, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, answer.status_code
    return answer.get_data(as_text=True)


def text_of(html: str) -> str:
    """The words a person reads, without tags and with spaces evened out."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".")


def post(client: FlaskClient, path: str, data: dict | None = None) -> str:
    """Post a form as the page does, follow the redirect back, and return the page."""
    answer = client.post(path, data=data or {}, follow_redirects=True)
    assert answer.status_code == 200, answer.status_code
    return answer.get_data(as_text=True)


@pytest.fixture
def manager(demo: Flask) -> FlaskClient:
    return signed_in(demo, "manager", email="m1@example.org", locale="en")


@pytest.fixture
def manager2(demo: Flask) -> FlaskClient:
    return signed_in(demo, "manager", email="m2@example.org", locale="en")


@pytest.fixture
def mimp(demo: Flask) -> FlaskClient:
    return signed_in(demo, "partner", "mimp", email="p@mimp.example.org", locale="en")


@pytest.fixture
def in_review(demo: Flask, manager: FlaskClient) -> int:
    """zero-tolerance with a version 2 by m1, sent for review from the page."""
    edit_as(demo, "m1@example.org", "zero-tolerance", EDITED)
    zero = message_id(demo, "zero-tolerance")
    html = page(manager, f"/messages/{zero}")
    assert "Send version 2 for review" in html
    done = post(manager, f"/messages/{zero}/submit", {"number": "2"})
    assert "Version 2 was sent for review." in done
    assert statuses(demo, "zero-tolerance") == ["approved", "in_review"]
    return zero


def test_the_author_sees_no_approve_button_and_why(manager: FlaskClient, in_review: int) -> None:
    html = page(manager, f"/messages/{in_review}")
    assert "Approve version 2" not in html
    words = text_of(html)
    assert "You wrote or edited version 2, so you cannot approve it." in words
    assert MIMP in words and OIM in words
    assert "Withdraw from review" in html  # what they may do instead
    # The texts of each language, side by side, marked with their language.
    assert '<dd lang="es" class="headline">Tolerancia total a la trata de personas</dd>' in html
    assert '<dd lang="en" class="headline">Zero tolerance for human trafficking</dd>' in html


def test_a_second_manager_is_told_a_partner_user_is_needed_and_which(
    demo: Flask, manager2: FlaskClient, in_review: int
) -> None:
    html = page(manager2, f"/messages/{in_review}")
    assert "Approve version 2" not in html
    words = text_of(html)
    assert "This campaign needs the approval of a partner organisation: a user of" in words
    assert MIMP in words and "Ministerio de Comercio Exterior y Turismo" in words
    # Nobody of those organisations has an account in this database yet: say that too.
    assert "None of these organisations has a user account yet" in words
    refused = post(manager2, f"/messages/{in_review}/approve", {"number": "2"})
    assert 'class="flash error"' in refused and "partner organisations" in refused
    assert statuses(demo, "zero-tolerance") == ["approved", "in_review"]


def test_a_partner_of_the_campaign_approves_from_the_page(
    demo: Flask, mimp: FlaskClient, in_review: int
) -> None:
    html = page(mimp, f"/messages/{in_review}")
    assert "Approve version 2" in html
    assert "Pause…" not in html and "Partner organisations cannot pause" in html
    done = post(mimp, f"/messages/{in_review}/approve", {"number": "2"})
    assert "Version 2 is approved" in done
    assert live_number(demo, "zero-tolerance") == (2, "approved")


def test_an_approval_of_an_old_version_number_is_refused(mimp: FlaskClient, in_review: int) -> None:
    refused = post(mimp, f"/messages/{in_review}/approve", {"number": "1"})
    assert "version 1 is not the newest version (2)" in refused


def test_sending_back_needs_a_reason_and_keeps_it_as_a_comment(
    demo: Flask, mimp: FlaskClient, in_review: int
) -> None:
    empty = mimp.post(
        f"/messages/{in_review}/reject", data={"reject-number": "2", "reject-reason": "  "}
    )
    assert empty.status_code == 422
    assert "Say what must change" in empty.get_data(as_text=True)
    assert statuses(demo, "zero-tolerance") == ["approved", "in_review"]
    reason = "«total» no es lo que dice la ley; vuelvan a «cero»."
    done = post(
        mimp, f"/messages/{in_review}/reject", {"reject-number": "2", "reject-reason": reason}
    )
    assert "went back to draft" in done
    assert statuses(demo, "zero-tolerance") == ["approved", "draft"]
    assert "«total» no es lo que dice la ley; vuelvan a «cero»." in done
    assert "p@mimp.example.org on version 2" in text_of(done)


def test_a_comment_is_added_to_the_thread(mimp: FlaskClient, in_review: int) -> None:
    empty = mimp.post(f"/messages/{in_review}/comment", data={"comment-number": "2"})
    assert empty.status_code == 422 and "Write the comment first." in empty.get_data(as_text=True)
    done = post(
        mimp, f"/messages/{in_review}/comment", {"comment-number": "2", "comment-body": "Bien."}
    )
    assert "Your comment was added." in done and '<p class="comment-body">Bien.</p>' in done


def test_the_diff_marks_the_edited_word(manager: FlaskClient, in_review: int) -> None:
    html = page(manager, f"/messages/{in_review}")
    # Against the version on screens: the word changed, the rest as written.
    assert '<del><span class="sr-only">removed: </span>cero</del>' in html
    assert '<ins><span class="sr-only">added: </span>total</ins>' in html
    assert "Tolerancia " in html
    chosen = page(manager, f"/messages/{in_review}/diff?old=2&new=1")
    assert '<del><span class="sr-only">removed: </span>total</del>' in chosen
    same = manager.get(f"/messages/{in_review}/diff?old=2&new=2")
    assert same.status_code == 422 and "two different versions" in same.get_data(as_text=True)


def test_a_version_in_review_cannot_be_edited_until_withdrawn(
    demo: Flask, manager: FlaskClient, in_review: int
) -> None:
    html = page(manager, f"/messages/{in_review}")
    assert "/edit" not in html
    assert "Version 2 is in review: withdraw it before editing." in html
    done = post(manager, f"/messages/{in_review}/withdraw", {"number": "2"})
    assert "Version 2 is a draft again" in done
    assert f'href="/messages/{in_review}/edit"' in done


def test_a_draft_missing_a_language_cannot_be_submitted(demo: Flask, manager: FlaskClient) -> None:
    with demo.app_context():
        user = db.session.scalar(select(User).filter_by(email="m1@example.org"))
        campaign_id = db.session.scalar(select(Message.campaign_id).limit(1))
        draft = messages.create_message(
            {
                "campaign_id": campaign_id,
                "key": "solo-es",
                "texts": {"es": {"headline": "Hola", "body": "Solo en castellano."}},
            },
            user,
        )
        draft_id = draft.id
    html = page(manager, f"/messages/{draft_id}")
    assert "Send version 1 for review" not in html
    words = text_of(html)
    assert "cannot be sent for review until it has a headline and a text in English" in words
    refused = post(manager, f"/messages/{draft_id}/submit", {"number": "1"})
    assert "the draft needs a headline and body in en" in refused


def test_pause_says_what_screens_will_do_then_pauses(demo: Flask, manager: FlaskClient) -> None:
    zero = message_id(demo, "zero-tolerance")
    assert f'href="/messages/{zero}/pause"' in page(manager, f"/messages/{zero}")
    words = text_of(page(manager, f"/messages/{zero}/pause"))
    seconds = demo.config["PLAYER_POLL_SECONDS"]
    assert f"leaves every screen at their next poll, within about {seconds} seconds" in words
    assert re.search(r"Screens playing it now: \d+ \(.*LIM-ARR-01", words)
    assert "fallback message" in words
    # Posting without the confirmation only shows the confirmation again.
    unconfirmed = manager.post(f"/messages/{zero}/pause", data={})
    assert unconfirmed.status_code == 200 and "Pause it now" in unconfirmed.get_data(as_text=True)
    assert live_number(demo, "zero-tolerance") == (1, "approved")
    done = post(manager, f"/messages/{zero}/pause", {"confirmed": "yes"})
    assert "The message is paused" in done
    assert live_number(demo, "zero-tolerance") == (1, "paused")
    resume = text_of(page(manager, f"/messages/{zero}/resume"))
    assert "goes back on the screens where its bookings play" in resume
    post(manager, f"/messages/{zero}/resume", {"confirmed": "yes"})
    assert live_number(demo, "zero-tolerance") == (1, "approved")


def test_retire_is_for_good_and_refused_twice(demo: Flask, manager: FlaskClient) -> None:
    zero = message_id(demo, "zero-tolerance")
    words = text_of(page(manager, f"/messages/{zero}/retire"))
    assert "cannot be undone" in words and "write a new message instead" in words
    done = post(manager, f"/messages/{zero}/retire", {"confirmed": "yes"})
    assert "The message is retired for good." in done
    assert "Retire…" not in done and "Edit the texts" not in done
    again = post(manager, f"/messages/{zero}/retire", {"confirmed": "yes"})
    assert 'class="flash error"' in again and "message zero-tolerance is already retired" in again
    confirm_again = post(manager, f"/messages/{zero}/retire")
    assert "is already retired" in confirm_again  # not even the confirmation is offered
    assert statuses(demo, "zero-tolerance") == ["retired"]


def test_partners_cannot_pause(demo: Flask, mimp: FlaskClient) -> None:
    zero = message_id(demo, "zero-tolerance")
    refused = post(mimp, f"/messages/{zero}/pause", {"confirmed": "yes"})
    assert "Partner organisations cannot pause" in refused
    assert live_number(demo, "zero-tolerance") == (1, "approved")


def test_the_queue_puts_what_you_may_approve_first(
    demo: Flask, manager: FlaskClient, mimp: FlaskClient
) -> None:
    line_100 = message_id(demo, "violence-line-100")
    html = page(mimp, "/reviews")
    yours, _, others = html.partition('id="others-title"')
    assert f'href="/messages/{line_100}"' in yours
    html = page(manager, "/reviews")
    yours, _, others = html.partition('id="others-title"')
    assert (
        f'href="/messages/{line_100}"' not in yours and "Nothing waits for your approval." in yours
    )
    assert f'href="/messages/{line_100}"' in others
    assert "needs the approval of a partner organisation" in others and MIMP in others


def test_the_queue_says_you_edited_it(manager: FlaskClient, in_review: int) -> None:
    _, _, others = page(manager, "/reviews").partition('id="others-title"')
    assert f'href="/messages/{in_review}"' in others
    assert "You wrote or edited version 2" in others


def test_a_partner_of_another_organisation_cannot_see_or_approve(
    demo: Flask, in_review: int
) -> None:
    with demo.app_context():
        partner_id("other-org", "Otra organización")
    outsider = signed_in(demo, "partner", "other-org", email="p@other.example.org", locale="en")
    assert outsider.get(f"/messages/{in_review}").status_code == 404
    assert outsider.post(f"/messages/{in_review}/approve", data={"number": "2"}).status_code == 404
    assert outsider.get(f"/messages/{in_review}/pause").status_code == 404
    assert f"/messages/{in_review}" not in page(outsider, "/reviews")
    assert statuses(demo, "zero-tolerance") == ["approved", "in_review"]


def test_the_pages_speak_spanish_by_default(demo: Flask) -> None:
    client = signed_in(demo, "manager", email="es@example.org")
    zero = message_id(demo, "zero-tolerance")
    html = page(client, f"/messages/{zero}")
    assert '<html lang="es">' in html
    assert page(client, "/reviews").startswith("<!doctype html>")


def test_anonymous_visitors_are_sent_to_sign_in(demo: Flask) -> None:
    zero = message_id(demo, "zero-tolerance")
    for path in (f"/messages/{zero}", "/reviews", f"/messages/{zero}/pause"):
        answer = demo.test_client().get(path)
        assert answer.status_code == 302 and "/login" in answer.headers["Location"]
