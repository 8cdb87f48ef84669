"""The library's reads: refusals said the same in every language, where posters are used, crops."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from io import BytesIO

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select

from campaign.extensions import db
from campaign.persistence.accounts import User
from campaign.persistence.messages import Message
from campaign.rendering.refusals import UploadRejected
from campaign.rendering.uploads import process_upload
from campaign.services import messages, poster_library, posters
from campaign.services.accounts import add_user
from tests.conftest import make_test_app
from tests.rendering import hostile
from tests.services.test_posters import approve_draft

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
KEY = "zero-tolerance"

REFUSED: dict[str, Callable[[], bytes]] = {
    "empty": lambda: b"",
    "html": lambda: hostile.HTML,
    "svg": lambda: hostile.SVG,
    "gif": hostile.gif,
    "tiff": hostile.tiff,
    "psd": hostile.psd_header,
    "words": lambda: b"plain words",
    "truncated": hostile.truncated_jpeg,
    "bomb": lambda: hostile.png_bomb(20_000, 20_000),
    "too-many-pixels": lambda: hostile.png_bomb(7000, 7000),
    "too-many-bytes": lambda: hostile.jpeg(300, 200),
}


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """An app for request contexts only: these tests never touch its database."""
    root = tmp_path_factory.mktemp("plain")
    return make_test_app(f"sqlite:///{root / 'unused.db'}", root)


def refusal(data: bytes, case: str) -> UploadRejected:
    limit = 1000 if case == "too-many-bytes" else 25 * 1024 * 1024
    with pytest.raises(UploadRejected) as info:
        process_upload(data, max_bytes=limit)
    return info.value


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_refusal_in_english_is_the_upload_checks_own_sentence(plain: Flask, case: str) -> None:
    exc = refusal(REFUSED[case](), case)
    assert exc.reason  # every refusal says which it is, so it can be translated
    with plain.test_request_context("/posters/upload", headers={"Cookie": "lang=en"}):
        assert posters.refusal_text(exc) == exc.message
    with plain.app_context():  # the command line's imports: English, whatever the default
        assert posters.refusal_text(exc) == exc.message


def test_a_refusal_is_looked_up_in_the_readers_language(
    plain: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def spanish(text: str, **params: object) -> str:
        asked.append(text)
        return "«" + (text % params if params else text) + "»"

    monkeypatch.setattr(posters, "gettext", spanish)
    exc = refusal(hostile.gif(), "gif")
    with plain.test_request_context("/posters/upload"):
        text = posters.refusal_text(exc)
    assert "a GIF image" in asked  # the file's kind is translated too, then put in its place
    assert text.startswith("«This file is «a GIF image», whatever its name says")


def manager() -> User:
    return add_user("lib-manager@example.org", "manager", "a long enough password", now=NOW)


def put(key: str | None = KEY, fit: str = "cover", size: tuple[int, int] = (400, 100)) -> int:
    im = Image.new("RGB", size, (200, 0, 0))
    im.paste((0, 0, 200), (size[0] // 2, 0, *size))
    out = BytesIO()
    im.save(out, "PNG")
    place = posters.Placement(None, key, None) if key else posters.Placement(1, None, None)
    row = posters.upload_poster(
        out.getvalue(), label="p.png", place=place, uploaded_by=None, now=NOW, fit=fit
    )
    return row.id


def test_screen_classes_are_one_per_shape_of_the_screens_in_use(demo: Flask) -> None:
    with demo.app_context():
        classes = poster_library.screen_classes()
    shapes = [(c.width, c.height, c.sizes, c.orientation) for c in classes]
    assert shapes[0] == (1920, 1080, ((1920, 1080), (3840, 2160)), "landscape")
    assert (1366, 768, ((1366, 768),), "landscape") in shapes
    assert shapes[-1][3] == "portrait" and shapes[-1][:2] == (1080, 1920)
    assert sum(len(c.screens) for c in classes) == 6  # every screen, in one shape


def test_every_size_of_a_shape_gets_the_same_crop(demo: Flask) -> None:
    with demo.app_context():
        user = manager()
        poster_id = put()
        big = poster_library.crop_preview(poster_id, user, 3840, 2160)
        assert big == poster_library.crop_preview(poster_id, user, 1920, 1080)
        portrait = poster_library.crop_preview(poster_id, user, 1080, 1920)
        assert Image.open(BytesIO(portrait)).size == (270, 480)
        left = poster_library.crop_preview(poster_id, user, 1080, 1920, focal=(0.0, 0.5))
        assert left != portrait


def test_a_whole_picture_poster_ignores_the_focal_point(demo: Flask) -> None:
    with demo.app_context():
        user = manager()
        poster_id = put(fit="contain")
        centred = poster_library.crop_preview(poster_id, user, 1080, 1920)
        assert centred == poster_library.crop_preview(poster_id, user, 1080, 1920, focal=(0, 0))


def test_where_a_poster_is_used_follows_its_versions(demo: Flask) -> None:
    with demo.app_context():
        user = manager()
        poster_id = put()
        card = poster_library.poster_card(poster_id, user)
        assert (card.use.message_key, card.use.status, card.use.live) == (KEY, "draft", False)
        approve_draft()
        assert poster_library.poster_card(poster_id, user).use.live
        # Editing the wording makes a new draft that starts with a copy of the poster.
        message = db.session.scalar(select(Message).filter_by(key=KEY))
        messages.edit_texts(message.id, user, {"es": {"headline": "Nuevo"}}, version=None)
        card = poster_library.poster_card(poster_id, user)
        assert card.use.live and [(u.status, u.live) for u in card.also] == [("draft", False)]
        brand = poster_library.poster_card(put(key=None), user)
        assert brand.use is None and brand.campaign_slug == "peru-unido-contra-la-trata"
        listed = poster_library.library(user, message_key=KEY)
        assert listed.total == 2 and {c.use.number for c in listed.cards} == {2, 3}


def test_a_thumbnail_keeps_the_pictures_shape_and_is_small(demo: Flask) -> None:
    with demo.app_context():
        user = manager()
        poster_id = put(size=(300, 600))
        thumb = Image.open(BytesIO(poster_library.thumbnail(poster_id, user)))
        assert thumb.size == (160, 320)
        assert poster_library.fit_box(100, 50) == (100, 50)  # never enlarged
