"""POST /api/v1/assets with hostile files: each refused with one sentence, nothing left behind."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from campaign.config import PROJECT_ROOT
from campaign.extensions import db
from campaign.persistence.media import MediaFile, Rendition
from campaign.persistence.posters import Poster
from campaign.rendering.store import AssetStore, StorageFull
from campaign.services import storage
from tests.rendering import hostile
from tests.web.test_api_helpers import Caller, staff

KEY = "zero-tolerance"
PACKAGE_INIT = PROJECT_ROOT / "campaign" / "__init__.py"


@pytest.fixture
def people(demo: Flask) -> dict[str, Caller]:
    return staff(demo)


def disk(app: Flask) -> set[str]:
    root = Path(app.config["ASSET_DIR"])
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def rows(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(  # type: ignore[return-value]
            db.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Poster, MediaFile, Rendition)
        )


def upload(
    client: FlaskClient, who: Caller, data: bytes, name: str = "poster.png", **form: str
) -> tuple[int, dict]:
    # Encoded here, in memory: the test client spools big bodies to a file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(BytesIO(data), name), **form})
    response = client.post(
        "/api/v1/assets",
        data=body,
        headers=who.headers,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    return response.status_code, response.get_json()


def one_sentence(detail: str) -> bool:
    return bool(detail) and ". " not in detail.rstrip(". ") and "\n" not in detail


HOSTILE: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "png-20000x20000": (lambda: hostile.png_bomb(20_000, 20_000), "bomb.png", "megapixels"),
    "png-12000x12000": (lambda: hostile.png_bomb(12_000, 12_000), "big.png", "megapixels"),
    "truncated-jpeg": (hostile.truncated_jpeg, "cut.jpg", "damaged or incomplete"),
    "html-as-png": (lambda: hostile.HTML, "page.png", "web page"),
    "svg-as-png": (lambda: hostile.SVG, "drawing.png", "SVG"),
    "gif-js-polyglot": (lambda: hostile.GIF_JS_POLYGLOT, "poly.gif", "GIF"),
    "tiff": (hostile.tiff, "scan.tiff", "TIFF"),
    "psd": (hostile.psd_header, "layers.psd", "Photoshop"),
    "python-source-named-traversal": (
        PACKAGE_INIT.read_bytes,
        "../../campaign/__init__.py",
        "not an image",
    ),
    "empty": (lambda: b"", "empty.png", "empty"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_uploads_are_refused_and_leave_nothing(
    demo: Flask, people: dict[str, Caller], case: str
) -> None:
    make, name, words = HOSTILE[case]
    client = demo.test_client()
    package_before = PACKAGE_INIT.read_bytes()
    files_before, rows_before = disk(demo), rows(demo)
    status, body = upload(client, people["manager"], make(), name, message="zero-tolerance")
    assert status == 422, body
    assert body["error"] == "invalid_upload"
    assert words in body["detail"], body["detail"]
    assert one_sentence(body["detail"]), body["detail"]
    assert disk(demo) == files_before
    assert rows(demo) == rows_before
    assert PACKAGE_INIT.read_bytes() == package_before


def test_a_body_over_the_limit_is_413_and_leaves_nothing(demo: Flask) -> None:
    people = staff(demo)
    client = demo.test_client()
    files_before, rows_before = disk(demo), rows(demo)
    too_big = b"\xff\xd8\xff" + b"\x00" * demo.config["MAX_CONTENT_LENGTH"]
    status, body = upload(client, people["manager"], too_big, "huge.jpg")
    assert status == 413, body
    assert one_sentence(body["detail"])
    assert disk(demo) == files_before
    assert rows(demo) == rows_before


def test_a_file_within_the_body_limit_but_over_the_upload_limit_is_413(
    database_url: str, tmp_path: Path
) -> None:
    from tests.conftest import make_test_app, reset_database

    app = make_test_app(database_url, tmp_path, MAX_CONTENT_LENGTH=64 * 1024)
    with app.app_context():
        reset_database()
    people = staff(app)
    # Just under the body limit once wrapped in multipart, but the file alone is over it.
    status, body = upload(app.test_client(), people["admin"], hostile.jpeg(2000, 2000)[:70_000])
    assert status == 413, body
    assert one_sentence(body["detail"])
    assert disk(app) == set()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_disk_full_is_507_and_leaves_nothing(
    demo: Flask, people: dict[str, Caller], monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(self: AssetStore, data: bytes, ext: str) -> None:
        raise StorageFull(28, "No space left on device")

    monkeypatch.setattr(AssetStore, "put", full)
    files_before, rows_before = disk(demo), rows(demo)
    status, body = upload(demo.test_client(), people["manager"], hostile.jpeg(), "photo.jpg")
    assert status == 507, body
    assert body["error"] == "insufficient_storage"
    assert one_sentence(body["detail"])
    assert disk(demo) == files_before
    assert rows(demo) == rows_before


def test_a_traversal_name_is_only_a_label(demo: Flask, people: dict[str, Caller]) -> None:
    package_before = PACKAGE_INIT.read_bytes()
    status, body = upload(
        demo.test_client(), people["manager"], hostile.jpeg(), "../../campaign/__init__.py"
    )
    assert status == 201, body
    assert body["label"] == "__init__.py"
    assert PACKAGE_INIT.read_bytes() == package_before
    assert disk(demo) == {f"{body['sha256'][:2]}/{body['sha256']}.jpg"}


def test_a_jpeg_carrying_script_is_re_encoded(demo: Flask, people: dict[str, Caller]) -> None:
    original = hostile.jpeg_with_payload()
    status, body = upload(demo.test_client(), people["manager"], original, "x.jpg", lang="es")
    assert status == 201, body
    stored = Path(demo.config["ASSET_DIR"]) / body["sha256"][:2] / f"{body['sha256']}.jpg"
    data = stored.read_bytes()
    assert data != original and hostile.SCRIPT not in data
    assert hashlib.sha256(data).hexdigest() == body["sha256"]
    assert (body["width"], body["height"]) == (200, 400)  # the EXIF rotation was applied
    assert body["url"] == f"/assets/{body['sha256']}.jpg"
    assert body["content_type"] == "image/jpeg"


def test_bad_form_fields_are_refused_before_anything_is_stored(
    demo: Flask, people: dict[str, Caller]
) -> None:
    client = demo.test_client()
    who = people["manager"]
    cases = [
        ({"message": "no-such-message"}, 404),
        ({"message": "zero-tolerance", "lang": "fr"}, 422),
        ({"fit": "stretch"}, 422),
        ({"focal_x": "1.5"}, 422),
    ]
    for form, expected in cases:
        status, body = upload(client, who, hostile.jpeg(), "p.jpg", **form)
        assert status == expected, (form, body)
    missing = client.post(
        "/api/v1/assets",
        data={"message": "zero-tolerance"},
        headers=who.headers,
        content_type="multipart/form-data",
    )
    assert missing.status_code == 422
    assert disk(demo) == set()
    assert rows(demo)[:2] == (0, 0)


def test_roles_staff_edit_partners_read_their_campaigns(
    demo: Flask, people: dict[str, Caller]
) -> None:
    client = demo.test_client()
    status, _ = upload(client, people["partner"], hostile.jpeg(), "p.jpg")
    assert status == 403
    status, made = upload(client, people["admin"], hostile.jpeg(), "p.jpg", message=KEY)
    assert status == 201
    url = f"/api/v1/assets/{made['id']}"
    assert client.get(url, headers=people["partner"].headers).status_code == 200
    assert client.get(url, headers=people["outsider"].headers).status_code == 404
    listed = client.get("/api/v1/assets", headers=people["outsider"].headers).get_json()
    assert listed["total"] == 0
    listed = client.get("/api/v1/assets", headers=people["partner"].headers).get_json()
    assert [p["id"] for p in listed["items"]] == [made["id"]]
    patch = {"fit": "cover", "focal_x": 0.2, "version": made["version"]}
    assert client.patch(url, json=patch, headers=people["partner"].headers).status_code == 403
    changed = client.patch(url, json=patch, headers=people["manager"].headers)
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["fit"] == "cover"
    stale = client.patch(url, json=patch, headers=people["manager"].headers)
    assert stale.status_code == 409
    version = changed.get_json()["version"]
    gone = client.delete(f"{url}?version={version}", headers=people["manager"].headers)
    assert gone.status_code == 204
    assert rows(demo) == (0, 0, 0)
    # The file outlives its rows for players still showing it, then the collector removes it.
    assert disk(demo) != set()
    with demo.app_context():
        storage.collect_unreferenced(datetime.now(UTC) + storage.GRACE + timedelta(minutes=1))
    assert disk(demo) == set()


def test_the_same_picture_twice_is_stored_once(demo: Flask, people: dict[str, Caller]) -> None:
    client = demo.test_client()
    picture = hostile.jpeg()
    first = upload(client, people["manager"], picture, "a.jpg", message="zero-tolerance")[1]
    second = upload(client, people["manager"], picture, "b.jpg", lang="en")[1]
    assert first["sha256"] == second["sha256"] and first["id"] != second["id"]
    assert len(disk(demo)) == 1
    assert rows(demo)[:2] == (2, 1)
    client.delete(f"/api/v1/assets/{first['id']}?version=1", headers=people["manager"].headers)
    assert len(disk(demo)) == 1  # still used by the second poster
