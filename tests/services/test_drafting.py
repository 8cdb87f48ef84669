"""The editor's services: the list and its filters, saving drafts, previews and warnings."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import event, select

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.campaigns import Campaign
from campaign.persistence.messages import Message
from campaign.services import drafting, legibility, messages
from campaign.services import drafting_checks as checks
from tests.web.test_api_helpers import caller

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
ZERO = {
    "es": {
        "headline": "Tolerancia cero a la trata de personas",
        "body": "La explotación sexual de niñas, niños y adolescentes es un delito.",
        "call_to_action": "Si lo ves, denúncialo.",
        "hotline": "1818",
    },
    "en": {
        "headline": "Zero tolerance for human trafficking",
        "body": "The sexual exploitation of children and adolescents is a crime.",
        "call_to_action": "If you see it, report it.",
        "hotline": "1818",
    },
}


@pytest.fixture
def people(demo: Flask) -> dict[str, int]:
    return {
        "manager": caller(demo, "m1@example.org", "manager").id,
        "manager2": caller(demo, "m2@example.org", "manager").id,
        "mimp": caller(demo, "p@mimp.example.org", "partner", "mimp").id,
        "outsider": caller(demo, "p@else.example.org", "partner", "elsewhere").id,
    }


def person(people: dict[str, int], name: str) -> User:
    row = db.session.get(User, people[name])
    assert row is not None
    return row


def campaign_id() -> int:
    row = db.session.scalar(select(Campaign.id))
    assert row is not None
    return row


def message_id(key: str) -> int:
    row = db.session.scalar(select(Message.id).filter_by(key=key))
    assert row is not None
    return row


def keys(listing: drafting.MessageList) -> list[str]:
    return [row.key for row in listing.rows]


def test_the_list_filters_by_status_topic_and_languages(demo: Flask, people: dict) -> None:
    with demo.app_context():
        manager = person(people, "manager")
        texts = {"es": ZERO["es"], "en": {"headline": "Only a headline"}}
        drafting.create_draft(
            manager, campaign_id=campaign_id(), key="half", topic="t", link="", texts=texts
        )
        every = drafting.message_list(manager, reader_lang="en")
        assert every.total == 6 and every.topics[-1] == "zero-tolerance"
        row = next(r for r in every.rows if r.key == "zero-tolerance")
        assert (row.headline, row.status, row.live_number) == (
            ZERO["en"]["headline"],
            "approved",
            1,
        )
        assert keys(drafting.message_list(manager, status="in_review")) == ["violence-line-100"]
        assert keys(drafting.message_list(manager, topic="reporting")) == [
            "violence-line-100",
            "where-to-report",
        ]
        incomplete = drafting.message_list(manager, completeness="incomplete", reader_lang="es")
        assert [(r.key, r.missing, r.headline) for r in incomplete.rows] == [
            ("half", ("en",), ZERO["es"]["headline"])
        ]
        assert "half" not in keys(drafting.message_list(manager, completeness="complete"))


def test_partners_list_only_the_campaigns_shared_with_them(demo: Flask, people: dict) -> None:
    with demo.app_context():
        assert drafting.message_list(person(people, "mimp")).total == 5
        assert drafting.message_list(person(people, "outsider")).total == 0


def test_the_list_costs_the_same_few_queries_for_many_messages(demo: Flask, people: dict) -> None:
    def queries(manager: User) -> int:
        count = 0

        def counted(*_args: object) -> None:
            nonlocal count
            count += 1

        event.listen(db.engine, "before_cursor_execute", counted)
        try:
            listing = drafting.message_list(manager)
        finally:
            event.remove(db.engine, "before_cursor_execute", counted)
        assert listing.rows
        return count

    with demo.app_context():
        manager = person(people, "manager")
        few = queries(manager)
        for n in range(60):
            db.session.add(
                Message(campaign_id=campaign_id(), key=f"bulk-{n:03}", topic=f"t{n % 7}")
            )
        db.session.commit()
        for n in range(0, 60, 2):
            drafting.save_draft(
                message_id(f"bulk-{n:03}"),
                manager,
                version=1,
                topic=f"t{n % 7}",
                link="",
                texts=ZERO,
            )
        listing = drafting.message_list(manager)
        assert listing.total == 65 and listing.pages == 2 and len(listing.rows) == 50
        assert queries(manager) == few <= 5


def test_editing_an_approved_message_makes_a_draft_while_it_keeps_playing(
    demo: Flask, people: dict
) -> None:
    with demo.app_context():
        manager = person(people, "manager")
        mid = message_id("zero-tolerance")
        texts = {**ZERO, "en": {**ZERO["en"], "headline": "No tolerance at all"}}
        view = drafting.save_draft(
            mid, manager, version=1, topic="zero-tolerance", link="", texts=texts
        )
        assert (view.number, view.status, view.live_number) == (2, "draft", 1)
        assert view.texts["en"]["headline"] == "No tolerance at all"


def test_a_stale_edit_is_refused_with_what_was_saved_meanwhile(demo: Flask, people: dict) -> None:
    with demo.app_context():
        first, second = person(people, "manager"), person(people, "manager2")
        mid = message_id("where-to-report")
        theirs = {**ZERO, "es": {**ZERO["es"], "headline": "Lo de la otra persona"}}
        drafting.save_draft(mid, second, version=1, topic="reporting", link="", texts=theirs)
        with pytest.raises(drafting.StaleEdit) as refused:
            drafting.save_draft(mid, first, version=1, topic="reporting", link="", texts=ZERO)
        assert refused.value.status == 409
        assert refused.value.saved.texts["es"]["headline"] == "Lo de la otra persona"
        assert refused.value.saved.lock_version > 1


def test_a_message_in_review_cannot_be_saved(demo: Flask, people: dict) -> None:
    with demo.app_context():
        manager = person(people, "manager")
        page = drafting.editor_page(manager, at=NOW, message_id=message_id("violence-line-100"))
        assert page.message is not None and page.message.blocked == "in_review"
        with pytest.raises(messages.Conflict) as refused:
            drafting.save_draft(
                page.message.id, manager, version=page.message.lock_version,
                topic="reporting", link="", texts=ZERO,
            )  # fmt: skip
        assert not isinstance(refused.value, drafting.StaleEdit)


def test_previews_are_the_demo_sizes_and_the_bilingual_pair(demo: Flask) -> None:
    with demo.app_context():
        row = db.session.get(Campaign, campaign_id())
        sizes, bilingual = legibility._sizes_in_use(row, NOW)
        counts, ours = checks.screen_sizes(row, NOW)
        assert (sorted(counts), ours) == (sizes, bilingual)
        slots = {(s.lang, s.size) for s in checks.preview_slots(row, NOW)}
        assert slots == {
            ("es", "1920x1080"),
            ("en", "1920x1080"),
            ("es", "1080x1920"),
            ("en", "1080x1920"),
            ("es+en", "1366x768"),
        }


def test_a_preview_is_a_small_png_of_the_slide(demo: Flask, people: dict) -> None:
    with demo.app_context():
        manager = person(people, "manager")
        png = checks.draw_preview(
            manager, at=NOW, lang="en", size="1080x1920", campaign_id=campaign_id(), texts=ZERO
        )
        with Image.open(BytesIO(png)) as image:
            assert image.size == (480, 853)
        with pytest.raises(checks.CannotDraw) as refused:
            checks.draw_preview(
                manager, at=NOW, lang="es", size="1920x1080", campaign_id=campaign_id(), texts={}
            )
        assert refused.value.reason == "empty"
        with pytest.raises(messages.Invalid):
            checks.draw_preview(
                manager, at=NOW, lang="es", size="99x99", campaign_id=campaign_id(), texts=ZERO
            )


def codes(found: list[checks.DraftWarning]) -> set[tuple[str, str]]:
    return {(w.code, w.field) for w in found}


def test_warnings_name_missing_languages_hotlines_links_and_reading_time(
    demo: Flask, people: dict
) -> None:
    with demo.app_context():
        manager = person(people, "manager")
        texts = {
            "es": {**ZERO["es"], "body": ZERO["es"]["body"] + " Más en https://gob.pe/trata."},
            "en": {"headline": "Zero", "hotline": "0800-100"},
        }
        found = checks.draft_warnings(
            manager, at=NOW, link="", texts=texts, campaign_id=campaign_id()
        )
        assert {("missing_language", "en-body"), ("hotline_differs", "en-hotline")} <= codes(found)
        assert ("link_differs", "en-body") in codes(found)
        # The demo's wording is fine, but the bilingual slide takes longer than its 10 s slot.
        fine = checks.draft_warnings(
            manager, at=NOW, link="", texts=ZERO, message_id=message_id("zero-tolerance")
        )
        assert [(w.code, w.params["lang"]) for w in fine] == [("reading_time", "es+en")]
        wordy = {lang: {**t, "body": t["body"] + " palabra" * 40} for lang, t in ZERO.items()}
        found = checks.draft_warnings(
            manager, at=NOW, link="", texts=wordy, campaign_id=campaign_id()
        )
        slow = [w for w in found if w.code == "reading_time"]
        assert [w.params["lang"] for w in slow] == ["es", "en", "es+en"]
        assert slow[0].params["slot"] == 10 and slow[0].params["seconds"] > 10


def test_warnings_refuse_what_approval_refuses(demo: Flask, people: dict) -> None:
    """The legibility warnings on unsaved texts agree with the check approval runs."""
    with demo.app_context():
        manager = person(people, "manager")
        row = db.session.get(Campaign, campaign_id())
        languages = tuple(row.languages)
        for body_words in (10, 60, 400):
            texts = {
                lang: {**t, "body": " ".join(["palabra"] * body_words)} for lang, t in ZERO.items()
            }
            found = checks.draft_warnings(manager, at=NOW, link="", texts=texts, campaign_id=row.id)
            ours = [w for w in found if w.code not in ("reading_time",)]
            domain = checks.as_domain_message("x", "", texts, languages)
            theirs = legibility.message_problems(domain, NOW, campaign=row)
            assert len(ours) == len(theirs), (body_words, ours, theirs)
            cut = [w.params["cut"] for w in ours if w.code == "too_long"]
            assert cut == [int(p.split("cut about ")[1].split()[0]) for p in theirs if "cut" in p]
