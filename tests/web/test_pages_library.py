"""The poster library pages: the grid and where each poster is used, upload, focal point, delete."""

from __future__ import annotations

import random
import re
from io import BytesIO

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from campaign.extensions import db
from campaign.persistence.messages import Message
from campaign.persistence.posters import Poster
from tests.services.test_posters import approve_draft
from tests.web.signing import signed_in
from tests.web.test_api_helpers import partner_id

KEY = "zero-tolerance"
LABEL = "Keep this label"


def png(width: int = 400, height: int = 100, *, halves: bool = True) -> bytes:
    """A tiny picture, red on its left half and blue on its right: crops show which side."""
    im = Image.new("RGB", (width, height), (200, 0, 0))
    if halves:
        im.paste((0, 0, 200), (width // 2, 0, width, height))
    out = BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def noise_png(width: int, height: int) -> bytes:
    """A picture that does not compress: its file is about width × height × 3 bytes."""
    rng = random.Random(7)
    im = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def form(data: bytes, name: str = "poster.png", **fields: str) -> dict[str, object]:
    values: dict[str, object] = {
        "file": FileStorage(BytesIO(data), name),
        "label": "",
        "campaign": "1",
        "message": KEY,
        "lang": "",
        "fit": "cover",
        "focal_x": "0.5",
        "focal_y": "0.5",
    }
    values.update(fields)
    return values


def post_form(client: FlaskClient, values: dict[str, object], **headers: str) -> TestResponse:
    # Encoded here, in memory: the test client spools big bodies to a file it never closes.
    boundary, body = encode_multipart(values)
    return client.post(
        "/posters/upload",
        data=body,
        headers=headers,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def upload(
    client: FlaskClient, data: bytes, name: str = "poster.png", **fields: str
) -> TestResponse:
    return post_form(client, form(data, name, **fields))


def count_posters(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Poster)) or 0


def approve_latest(app: Flask, key: str = KEY) -> None:
    """Approve the draft a poster joined (the approval workflow has its own tests)."""
    with app.app_context():
        approve_draft(key)


@pytest.fixture
def manager(demo: Flask) -> FlaskClient:
    return signed_in(demo, "manager", locale="en")


def uploaded(client: FlaskClient, **fields: str) -> int:
    answer = upload(client, png(), **fields)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return int(answer.headers["Location"].rsplit("/", 1)[1])


def test_the_library_lists_a_poster_with_its_thumbnail_and_where_it_is_used(
    demo: Flask, manager: FlaskClient
) -> None:
    poster_id = uploaded(manager, label="Zero tolerance, red and blue")
    approve_latest(demo)
    html = manager.get("/posters").get_data(as_text=True)
    card = html[html.index(f'id="poster-{poster_id}"') :]
    thumb = re.search(r'<img src="([^"]+)" alt="Zero tolerance, red and blue"', card)
    assert thumb and f"/posters/{poster_id}/thumb.jpg" in thumb.group(1)
    assert 'loading="lazy"' in card[: card.index("</li>")]
    assert "400 × 100 pixels" in card and "fills the screen" in card
    assert f'href="/posters?message={KEY}"' in card  # where it is used: its message ...
    assert "version 2" in card and '<span class="badge live">live</span>' in card  # ... live
    picture = manager.get(thumb.group(1).replace("&amp;", "&"))
    assert picture.status_code == 200 and picture.mimetype == "image/jpeg"
    assert Image.open(BytesIO(picture.data)).size == (320, 80)  # small, the picture's shape


def test_a_draft_poster_says_it_is_not_on_screens_yet(manager: FlaskClient) -> None:
    poster_id = uploaded(manager)
    html = manager.get(f"/posters/{poster_id}").get_data(as_text=True)
    assert "Not on screens yet: it plays once version 2 is approved." in html
    assert "badge live" not in html


def test_the_library_filters_by_message(manager: FlaskClient) -> None:
    uploaded(manager, label="for zero tolerance")
    uploaded(manager, label="for the signs", message="recognise-the-signs")
    html = manager.get("/posters?message=recognise-the-signs").get_data(as_text=True)
    assert 'alt="for the signs"' in html and 'alt="for zero tolerance"' not in html


def test_an_upload_through_the_form_stores_it(demo: Flask, manager: FlaskClient) -> None:
    answer = upload(manager, png(), "my poster.png", label="", lang="es", focal_x="0,25")
    assert answer.status_code == 303
    poster_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    with demo.app_context():
        poster = db.session.get(Poster, poster_id)
        message = db.session.scalar(select(Message).filter_by(key=KEY))
        assert poster.label == "my poster.png"  # no label typed: the file's name
        assert (poster.lang, poster.fit, poster.focal_x, poster.focal_y) == (
            "es",
            "cover",
            0.25,
            0.5,
        )
        assert poster.message_version_id == message.latest.id  # joined a new draft
    page = manager.get(answer.headers["Location"]).get_data(as_text=True)
    assert "The poster “my poster.png” was uploaded." in page


def test_the_script_upload_gets_the_poster_or_the_refusal_as_json(
    demo: Flask, manager: FlaskClient
) -> None:
    done = post_form(manager, form(png()), Accept="application/json")
    assert done.status_code == 201
    body = done.get_json()
    assert body["url"] == f"/posters/{body['id']}" and "/thumb.jpg" in body["thumb"]
    refused = post_form(manager, form(b"just words", "notes.png"), Accept="application/json")
    assert refused.status_code == 422
    reason = refused.get_json()
    assert "not an image we can read" in reason["detail"]
    assert reason["fields"]["file"] == [reason["detail"]]
    assert count_posters(demo) == 1


def corrupt_png() -> bytes:
    data = png()
    return data[:60] + b"\x00" * 40 + data[100:]  # the header stays, the pixels are ruined


@pytest.mark.parametrize(
    ("case", "status", "words"),
    [
        ("text", 422, "not an image we can read"),
        ("corrupt", 422, "damaged or incomplete"),
        ("too-large", 413, "the limit is 0.0625 MB"),
        ("too-many-pixels", 422, "megapixels"),
    ],
)
def test_a_refused_upload_says_why_and_keeps_the_fields(
    demo: Flask, manager: FlaskClient, case: str, status: int, words: str
) -> None:
    demo.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    if case == "too-many-pixels":
        demo.config["MAX_UPLOAD_PIXELS"] = 30_000
    data = {
        "text": b"Dear team, here is the poster text.\n",
        "corrupt": corrupt_png(),
        "too-large": noise_png(160, 160),  # about 75 kB
        "too-many-pixels": png(400, 100),
    }[case]
    answer = upload(manager, data, "poster.png", label=LABEL, lang="es", focal_y="0.75")
    html = answer.get_data(as_text=True)
    assert answer.status_code == status, html
    error = re.search(r'<p class="error" id="file-error">([^<]+)</p>', html)
    assert error and words in error.group(1)
    assert f'value="{LABEL}"' in html  # what was typed is still there
    assert '<option selected value="es">' in html and 'value="0.75"' in html
    assert count_posters(demo) == 0


def test_a_body_far_over_the_limit_is_refused_with_the_reason(
    demo: Flask, manager: FlaskClient
) -> None:
    demo.config["MAX_CONTENT_LENGTH"] = 1024
    answer = upload(manager, noise_png(700, 700))  # over the limit and the form's margin
    assert answer.status_code == 413
    assert "larger than the limit of 0.000976562 MB" in answer.get_data(as_text=True)
    assert count_posters(demo) == 0


def test_a_wrong_placement_is_marked_on_its_field(demo: Flask, manager: FlaskClient) -> None:
    answer = upload(manager, png(), label=LABEL, lang="qu")
    assert answer.status_code == 422
    assert 'id="lang-error"' in answer.get_data(as_text=True)
    assert count_posters(demo) == 0


def crop(client: FlaskClient, poster_id: int, size: str = "1080x1920") -> Image.Image:
    html = client.get(f"/posters/{poster_id}").get_data(as_text=True)
    src = re.search(rf'src="(/posters/{poster_id}/crop/{size}\.jpg[^"]*)"', html)
    assert src, html
    answer = client.get(src.group(1).replace("&amp;", "&"))
    assert answer.status_code == 200 and answer.mimetype == "image/jpeg"
    return Image.open(BytesIO(answer.data)).convert("RGB")


def save(client: FlaskClient, poster_id: int, version: int, x: str, y: str = "0.5"):
    return client.post(
        f"/posters/{poster_id}",
        data={"fit": "cover", "focal_x": x, "focal_y": y, "label": "", "version": str(version)},
    )


def test_the_focal_point_saved_from_the_form_changes_the_crops(manager: FlaskClient) -> None:
    poster_id = uploaded(manager)
    before = crop(manager, poster_id)
    assert before.size == (270, 480)  # a portrait screen's shape, drawn small
    answer = save(manager, poster_id, 1, "0.02")
    assert answer.status_code == 303
    left = crop(manager, poster_id)
    assert left.tobytes() != before.tobytes()
    red, _green, blue = left.getpixel((135, 240))
    assert red > 150 and blue < 50  # the crop moved to the red left half
    save(manager, poster_id, 2, "0.98")
    red, _green, blue = crop(manager, poster_id).getpixel((135, 240))
    assert blue > 150 and red < 50
    # A landscape screen of this wide picture keeps most of it either way: a different crop.
    assert crop(manager, poster_id, "1920x1080").size == (480, 270)


def test_a_focal_point_can_be_tried_before_saving(manager: FlaskClient) -> None:
    poster_id = uploaded(manager)
    url = f"/posters/{poster_id}/crop/1080x1920.jpg"
    left = Image.open(BytesIO(manager.get(f"{url}?fit=cover&x=0&y=0.5").data)).convert("RGB")
    right = Image.open(BytesIO(manager.get(f"{url}?fit=cover&x=1&y=0.5").data)).convert("RGB")
    assert left.getpixel((135, 240))[0] > 150 and right.getpixel((135, 240))[2] > 150
    assert manager.get(f"/posters/{poster_id}/crop/1234x567.jpg").status_code == 404


def test_a_stale_focal_point_save_is_refused_with_both_values(
    demo: Flask, manager: FlaskClient
) -> None:
    poster_id = uploaded(manager)
    assert save(manager, poster_id, 1, "0.2").status_code == 303  # someone else's save
    answer = save(manager, poster_id, 1, "0.8")  # made on the page as it was before
    html = answer.get_data(as_text=True)
    assert answer.status_code == 409
    assert "Someone else saved this poster" in html
    assert "fills the screen, focal point 0.20 across, 0.50 down" in html  # theirs
    assert "fills the screen, focal point 0.80 across, 0.50 down" in html  # yours
    assert 'value="0.8"' in html and 'name="version" type="hidden" value="2"' in html
    with demo.app_context():
        assert db.session.get(Poster, poster_id).focal_x == 0.2


def test_a_partner_may_look_but_not_upload_or_change(demo: Flask, manager: FlaskClient) -> None:
    poster_id = uploaded(manager, label="shared poster")
    partner = signed_in(demo, "partner", "mimp", locale="en")
    assert partner.get("/posters/upload").status_code == 403
    assert upload(partner, png(), label="theirs").status_code == 403
    assert save(partner, poster_id, 1, "0.1").status_code == 403
    assert partner.post(f"/posters/{poster_id}/delete", data={"version": "1"}).status_code == 403
    assert count_posters(demo) == 1
    library = partner.get("/posters").get_data(as_text=True)
    assert "shared poster" in library and "/posters/upload" not in library
    page = partner.get(f"/posters/{poster_id}").get_data(as_text=True)
    assert 'id="focal-form"' not in page and f"/posters/{poster_id}/crop/" in page
    with demo.app_context():
        partner_id("other-org")  # an organisation the campaign is not shared with
    outsider = signed_in(demo, "partner", "other-org", locale="en")
    assert "shared poster" not in outsider.get("/posters").get_data(as_text=True)
    assert outsider.get(f"/posters/{poster_id}/thumb.jpg").status_code == 404


def test_deleting_a_live_poster_warns_then_deletes(demo: Flask, manager: FlaskClient) -> None:
    poster_id = uploaded(manager, label="to go")
    approve_latest(demo)
    confirm = manager.get(f"/posters/{poster_id}/delete").get_data(as_text=True)
    assert "belongs to the live version of message zero-tolerance" in confirm
    stale = manager.post(f"/posters/{poster_id}/delete", data={"version": "7"})
    assert stale.status_code == 409 and count_posters(demo) == 1
    answer = manager.post(f"/posters/{poster_id}/delete", data={"version": "1"})
    assert answer.status_code == 303 and answer.headers["Location"] == "/posters"
    assert "The poster “to go” was deleted." in manager.get("/posters").get_data(as_text=True)
    assert count_posters(demo) == 0


def test_pages_speak_spanish_by_default(demo: Flask) -> None:
    client = signed_in(demo, "manager", email="es@example.org")
    html = client.get("/posters").get_data(as_text=True)
    assert '<html lang="es">' in html


def test_an_anonymous_visitor_is_sent_to_sign_in(demo: Flask) -> None:
    answer = demo.test_client().get("/posters/upload")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
