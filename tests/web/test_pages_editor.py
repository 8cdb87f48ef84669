"""The message list and editor pages, as a campaign manager or a partner uses them."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from tests.web.signing import signed_in

ZERO = {
    "es-headline": "Tolerancia cero a la trata de personas",
    "es-body": "La explotación sexual de niñas, niños y adolescentes es un delito.",
    "es-call_to_action": "Si lo ves, denúncialo.",
    "es-hotline": "1818",
    "en-headline": "Zero tolerance for human trafficking",
    "en-body": "The sexual exploitation of children and adolescents is a crime.",
    "en-call_to_action": "If you see it, report it.",
    "en-hotline": "1818",
}


@pytest.fixture
def manager(demo: Flask) -> FlaskClient:
    return signed_in(demo, "manager", locale="en")


def html(answer: object) -> str:
    return answer.get_data(as_text=True)  # type: ignore[attr-defined]


def listed_keys(page: str) -> list[str]:
    return re.findall(r"<code>([a-z0-9-]+)</code></td>", page)


def message_id(client: FlaskClient, key: str) -> int:
    found = client.get(f"/api/v1/messages?key={key}").get_json()["items"]
    assert len(found) == 1, found
    return int(found[0]["id"])


def new_message(client: FlaskClient, key: str, **fields: str) -> object:
    data = {"campaign_id": "1", "key": key, "topic": "reporting", "action": "save", **fields}
    return client.post("/messages/new", data=data)


def test_each_filter_narrows_the_list_and_keeps_its_value(manager: FlaskClient) -> None:
    new_message(manager, "half-written", **{"es-headline": "Solo español", "es-body": "Texto."})
    every = listed_keys(html(manager.get("/messages")))
    assert len(every) == 6 and "zero-tolerance" in every
    in_review = html(manager.get("/messages?status=in_review"))
    assert listed_keys(in_review) == ["violence-line-100"]
    assert '<option selected value="in_review">' in in_review
    assert listed_keys(html(manager.get("/messages?topic=tourism"))) == [
        "tourism-without-exploitation"
    ]
    missing = html(manager.get("/messages?completeness=incomplete"))
    assert listed_keys(missing) == ["half-written"]
    assert '<span class="badge missing">English</span>' in missing
    assert "half-written" not in listed_keys(html(manager.get("/messages?completeness=complete")))
    # Each row leads to the message's page.
    assert f'href="/messages/{message_id(manager, "zero-tolerance")}"' in html(
        manager.get("/messages")
    )


def test_a_bad_filter_value_says_so_instead_of_being_ignored(manager: FlaskClient) -> None:
    for query, field in (("status=lost", "status"), ("topic=nope", "topic"), ("page=x", "page")):
        answer = manager.get(f"/messages?{query}")
        assert answer.status_code == 400, query
        page = html(answer)
        assert listed_keys(page) == []
        assert f'id="{field}-error"' in page or field == "page"
        assert 'role="alert"' in page
    page = html(manager.get("/messages?status=lost"))
    assert 'id="status-error"' in page and "«lost» is not a status" in page


def test_partners_read_the_list_but_cannot_write(demo: Flask) -> None:
    partner = signed_in(demo, "partner", "mimp", locale="en")
    page = html(partner.get("/messages"))
    assert len(listed_keys(page)) == 5
    assert "/messages/new" not in page
    assert partner.get("/messages/new").status_code == 403
    assert partner.get("/messages/1/edit").status_code == 403
    assert partner.post("/messages/preview?lang=es&size=1920x1080", data=ZERO).status_code == 403


def test_a_bilingual_message_made_in_the_form_is_saved_as_a_draft(manager: FlaskClient) -> None:
    page = html(manager.get("/messages/new"))
    assert 'name="es-headline"' in page and 'name="en-headline"' in page
    answer = new_message(manager, "made-in-the-form", **ZERO, link="https://example.org/x")
    assert answer.status_code == 302
    mid = message_id(manager, "made-in-the-form")
    assert answer.headers["Location"] == f"/messages/{mid}"
    saved = manager.get(f"/api/v1/messages/{mid}").get_json()
    assert saved["latest"]["status"] == "draft" and saved["missing_languages"] == []
    assert saved["link"] == "https://example.org/x"
    texts = {t["lang"]: t for t in saved["latest"]["texts"]}
    assert texts["en"]["call_to_action"] == ZERO["en-call_to_action"]


@pytest.mark.parametrize(
    ("fields", "marked"),
    [
        ({"key": ""}, "key"),
        ({"key": "Not A Slug"}, "key"),
        ({"key": "zero-tolerance"}, "key"),  # taken
        ({"campaign_id": "9999"}, "campaign_id"),
        ({"es-headline": "x" * 301}, "es-headline"),
        ({"link": "http://insecure.example.org"}, "link"),
    ],
)
def test_a_refused_form_keeps_the_input_and_marks_the_field(
    manager: FlaskClient, fields: dict[str, str], marked: str
) -> None:
    data = {**ZERO, "en-body": "Kept as typed <b>here</b>", "key": "fine-key", **fields}
    answer = new_message(manager, **data)
    page = html(answer)
    assert answer.status_code == 422, page
    assert f'id="{marked}-error"' in page
    assert "Kept as typed &lt;b&gt;here&lt;/b&gt;" in page
    if marked != "campaign_id":
        assert re.search(rf'aria-invalid="true"[^>]*id="{marked}"', page), marked


def test_a_stale_edit_shows_both_versions_and_loses_nothing(demo: Flask) -> None:
    me, other = signed_in(demo, "manager", locale="en"), signed_in(demo, "admin", locale="en")
    mid = message_id(me, "where-to-report")
    form = html(me.get(f"/messages/{mid}/edit"))
    version = re.search(r'name="lock_version" type="hidden" value="(\d+)"', form)
    assert version, form
    saved = {**ZERO, "topic": "reporting", "lock_version": version[1], "action": "save"}
    theirs = {**saved, "en-headline": "Their new headline"}
    assert other.post(f"/messages/{mid}/edit", data=theirs).status_code == 302
    mine = {**saved, "en-headline": "My own headline"}
    answer = me.post(f"/messages/{mid}/edit", data=mine)
    page = html(answer)
    assert answer.status_code == 409
    assert 'value="My own headline"' in page  # what I typed, still in the form
    assert "Their new headline" in page  # what they saved, beside it
    newer = re.search(r'name="lock_version" type="hidden" value="(\d+)"', page)
    assert newer and int(newer[1]) > int(version[1])
    # Saving again on purpose replaces theirs.
    again = me.post(f"/messages/{mid}/edit", data={**mine, "lock_version": newer[1]})
    assert again.status_code == 302
    latest = me.get(f"/api/v1/messages/{mid}").get_json()["latest"]
    assert {t["lang"]: t["headline"] for t in latest["texts"]}["en"] == "My own headline"


def test_editing_an_approved_message_says_it_keeps_playing(manager: FlaskClient) -> None:
    mid = message_id(manager, "zero-tolerance")
    page = html(manager.get(f"/messages/{mid}/edit"))
    assert "keeps playing on the screens until the new draft is approved" in page
    assert f'src="/messages/{mid}/preview?lang=es&amp;size=1920x1080"' in page
    assert "data:image/png" not in page  # the page itself draws nothing
    data = {**ZERO, "topic": "zero-tolerance", "lock_version": "1", "action": "save"}
    assert manager.post(f"/messages/{mid}/edit", data=data).status_code == 302
    saved = manager.get(f"/api/v1/messages/{mid}").get_json()
    assert (saved["latest"]["number"], saved["latest"]["status"]) == (2, "draft")
    assert saved["live"]["number"] == 1


def test_a_message_in_review_cannot_be_edited_and_says_why(manager: FlaskClient) -> None:
    mid = message_id(manager, "violence-line-100")
    page = html(manager.get(f"/messages/{mid}/edit"))
    assert "is in review, so it cannot be edited" in page
    assert f'href="/messages/{mid}"' in page and 'name="es-headline"' not in page
    data = {**ZERO, "lock_version": "1", "action": "save"}
    assert manager.post(f"/messages/{mid}/edit", data=data).status_code == 409


@pytest.mark.parametrize(("size", "shape"), [("1920x1080", (480, 270)), ("1080x1920", (480, 853))])
def test_the_preview_is_a_png_of_the_unsaved_form(
    manager: FlaskClient, size: str, shape: tuple[int, int]
) -> None:
    answer = manager.post(
        f"/messages/preview?lang=es&size={size}", data={**ZERO, "campaign_id": "1"}
    )
    assert answer.status_code == 200 and answer.mimetype == "image/png"
    assert answer.headers["Cache-Control"] == "no-store"
    with Image.open(BytesIO(answer.data)) as image:
        assert image.size == shape
    empty = manager.post(f"/messages/preview?lang=es&size={size}", data={"campaign_id": "1"})
    assert empty.status_code == 422 and "Nothing to show yet" in html(empty)


def test_the_preview_button_without_javascript_draws_the_page_with_previews(
    manager: FlaskClient,
) -> None:
    data = {**ZERO, "en-hotline": "100", "key": "checked", "action": "preview"}
    answer = new_message(manager, **data)
    page = html(answer)
    assert answer.status_code == 200
    assert page.count('src="data:image/png;base64,') == 5
    assert 'data-field="en-hotline"' in page and "The hotline differs" in page
    assert manager.get("/api/v1/messages?key=checked").get_json()["items"] == []


def warnings(client: FlaskClient, **fields: str) -> list[dict[str, str]]:
    answer = client.post("/messages/warnings", data={"campaign_id": "1", **fields})
    assert answer.status_code == 200
    return answer.get_json()  # type: ignore[no-any-return]


def test_warnings_as_you_type(manager: FlaskClient) -> None:
    found = warnings(manager, **{**ZERO, "en-headline": "", "en-hotline": "0800"})
    assert {w["field"] for w in found} >= {"en-headline", "en-hotline"}
    said = " ".join(w["text"] for w in found)
    assert "English: the headline or the body is empty" in said
    assert "The hotline differs between languages (es: 1818, en: 0800)" in said
    long = {**ZERO, "es-body": ZERO["es-body"] + " palabra" * 40}
    slow = [w for w in warnings(manager, **long) if "reading it takes" in w["text"]]
    assert slow and slow[0]["field"] == "es-body" and "10 s" in slow[0]["text"]


def test_pages_are_spanish_by_default_and_english_on_request(demo: Flask) -> None:
    spanish = signed_in(demo, "manager", email="es@example.org")
    for url in ("/messages", "/messages/new", "/messages/1/edit"):
        page = html(spanish.get(url))
        assert '<html lang="es">' in page, url
    english = signed_in(demo, "manager", email="en@example.org", locale="en")
    page = html(english.get("/messages/new"))
    assert '<html lang="en">' in page and "New message" in page and "Headline" in page
    found = english.post("/messages/warnings", data={"campaign_id": "1", "es-headline": "x"})
    assert "English: the headline or the body is empty" in html(found)


def test_with_several_campaigns_the_editor_asks_which_one(demo: Flask) -> None:
    from campaign.extensions import db
    from campaign.persistence.campaigns import Campaign

    with demo.app_context():
        other = Campaign(slug="otra-campana", names={"es": "Otra campaña"}, languages=["es"])
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    manager = signed_in(demo, "manager", locale="en")
    page = html(manager.get("/messages/new"))
    assert '<select id="campaign_id"' in page and "Otra campaña" in page
    chosen = manager.post(
        "/messages/new", data={"campaign_id": str(other_id), "key": "k", "action": "campaign"}
    )
    page = html(chosen)
    assert chosen.status_code == 200 and 'name="es-headline"' in page
    assert 'name="en-headline"' not in page and 'value="k"' in page
    made = new_message(
        manager, "solo-es", campaign_id=str(other_id), **{"es-headline": "Hola", "es-body": "Sí"}
    )
    assert made.status_code == 302
    listing = html(manager.get("/messages"))
    assert '<td data-label="Campaign">otra-campana</td>' in listing


def test_saving_only_the_topic_leaves_an_approved_message_as_it_is(
    demo: Flask, manager: FlaskClient
) -> None:
    """The browser sends the body's line breaks as CRLF: that is not a change of wording."""
    from campaign.extensions import db
    from campaign.persistence.messages import MessageText

    mid = message_id(manager, "zero-tolerance")
    with demo.app_context():  # a body written on two lines, as plans and the API allow
        for text in db.session.query(MessageText).filter_by(lang="es"):
            text.body = "Es un delito.\nEn el Perú se castiga con cárcel."
        db.session.commit()
    before = manager.get(f"/api/v1/messages/{mid}").get_json()["latest"]
    form = {"topic": "renamed-topic", "link": before["link"], "action": "save"}
    for text in before["texts"]:
        for name in ("headline", "body", "call_to_action", "hotline"):
            form[f"{text['lang']}-{name}"] = (text[name] or "").replace("\n", "\r\n")
    page = manager.get(f"/messages/{mid}/edit").get_data(as_text=True)
    form["lock_version"] = re.search(r'name="lock_version"[^>]*value="(\d+)"', page).group(1)
    assert manager.post(f"/messages/{mid}/edit", data=form).status_code == 302
    after = manager.get(f"/api/v1/messages/{mid}").get_json()
    assert after["topic"] == "renamed-topic"
    assert after["latest"]["number"] == before["number"]  # no new draft, no new editor
