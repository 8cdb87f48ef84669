"""The picture store's promises, kept alike by the directory and by an S3 bucket (moto's)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from flask import Flask
from moto import mock_aws

from campaign import create_app
from campaign.extensions import db
from campaign.rendering import store as store_module
from campaign.rendering.s3_store import BucketError, PictureCorrupt, S3Store
from campaign.rendering.store import AssetStore, PictureStore, StorageFull
from campaign.services import screens
from campaign.services.renditions import asset_store
from tests.conftest import make_test_app, reset_database
from tests.web.plays_serving import auth, poll

DATA = b"\x89PNG pretend picture bytes"
SHA = hashlib.sha256(DATA).hexdigest()
OTHER = b"\xff\xd8\xff pretend jpeg bytes"
BUCKET = "campaign-pictures"
PREFIX = "lima/pictures"
NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)  # noon in Lima on the demo's day


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    """moto's S3 in memory, with made-up credentials and none of the machine's AWS settings."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    with mock_aws():
        client = boto3.client("s3")
        client.create_bucket(Bucket=BUCKET)
        yield client


def bucket_store(client: Any, cache: Path) -> S3Store:
    return S3Store(client, BUCKET, PREFIX, cache)


@pytest.fixture(params=["directory", "bucket"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> PictureStore:
    if request.param == "directory":
        return AssetStore(tmp_path / "assets")
    return bucket_store(request.getfixturevalue("aws"), tmp_path / "cache")


def keys(client: Any) -> list[str]:
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return sorted(o["Key"] for o in listed)


def files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# The promises, kept by either store.


def test_put_then_read_gives_the_bytes(store: PictureStore) -> None:
    stored = store.put(DATA, "png")
    assert (stored.sha256, stored.ext) == (SHA, "png")
    assert store.read(SHA, "png") == DATA


def test_the_same_bytes_are_stored_once_under_one_name(store: PictureStore) -> None:
    first = store.put(DATA, "png")
    assert store.put(DATA, "png") == first
    assert [(s, e) for s, e, _ in store.stored()] == [(SHA, "png")]


def test_exists_and_delete(store: PictureStore) -> None:
    assert not store.exists(SHA, "png")
    store.put(DATA, "png")
    assert store.exists(SHA, "png")
    assert not store.exists(SHA, "jpg")  # the extension is part of the name
    assert store.delete(SHA, "png") is True
    assert not store.exists(SHA, "png")
    assert store.delete(SHA, "png") is False
    assert not store.path_for(SHA, "png").is_file()


def test_reading_a_missing_picture_raises_file_not_found(store: PictureStore) -> None:
    with pytest.raises(FileNotFoundError):
        store.read(SHA, "png")
    store.put(DATA, "png")
    store.delete(SHA, "png")
    with pytest.raises(FileNotFoundError):
        store.read(SHA, "png")


def test_the_path_to_serve_holds_the_picture_after_put(store: PictureStore) -> None:
    stored = store.put(DATA, "png")
    assert store.path_for(SHA, "png") == stored.path
    assert stored.path.read_bytes() == DATA
    assert not store.path_for(hashlib.sha256(OTHER).hexdigest(), "jpg").is_file()


def test_touch_keeps_the_picture_and_a_missing_one_is_no_error(store: PictureStore) -> None:
    store.put(DATA, "png")
    store.touch(SHA, "png")
    store.touch(hashlib.sha256(OTHER).hexdigest(), "jpg")
    assert store.read(SHA, "png") == DATA
    (listed,) = store.stored()
    assert listed[:2] == (SHA, "png")
    assert listed[2] > datetime(2020, 1, 1, tzinfo=UTC).timestamp()


@pytest.mark.parametrize("name", ["../../etc/passwd", SHA.upper(), SHA[:63], ""])
def test_names_that_are_not_hashes_are_refused(store: PictureStore, name: str) -> None:
    with pytest.raises(ValueError):
        store.exists(name, "png")
    with pytest.raises(ValueError):
        store.put(DATA, "exe")


# The bucket's own promises.


def test_objects_are_named_by_prefix_and_hash_with_their_content_type(aws: Any, tmp_path: Path):
    store = bucket_store(aws, tmp_path / "cache")
    store.put(DATA, "png")
    store.put(OTHER, "jpg")
    other = hashlib.sha256(OTHER).hexdigest()
    assert keys(aws) == sorted(
        [f"{PREFIX}/{SHA[:2]}/{SHA}.png", f"{PREFIX}/{other[:2]}/{other}.jpg"]
    )
    head = aws.head_object(Bucket=BUCKET, Key=f"{PREFIX}/{SHA[:2]}/{SHA}.png")
    assert head["ContentType"] == "image/png"
    head = aws.head_object(Bucket=BUCKET, Key=f"{PREFIX}/{other[:2]}/{other}.jpg")
    assert head["ContentType"] == "image/jpeg"


def test_a_second_put_uploads_nothing(aws: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    first = bucket_store(aws, tmp_path / "a").put(DATA, "png")
    uploads: list[str] = []
    real = aws.put_object
    monkeypatch.setattr(aws, "put_object", lambda **kw: uploads.append(kw["Key"]) or real(**kw))
    second = bucket_store(aws, tmp_path / "b").put(DATA, "png")  # another node, same bytes
    assert uploads == []
    assert second.sha256 == first.sha256
    assert aws.head_object(Bucket=BUCKET, Key=f"{PREFIX}/{SHA[:2]}/{SHA}.png")["ContentType"] == (
        "image/png"  # the touch (a copy onto itself) keeps it
    )


def test_a_second_node_serves_a_picture_from_the_bucket(aws: Any, tmp_path: Path) -> None:
    bucket_store(aws, tmp_path / "node-a").put(DATA, "png")
    node_b = bucket_store(aws, tmp_path / "node-b")
    assert files(tmp_path / "node-b") == []
    assert node_b.exists(SHA, "png")
    path = node_b.path_for(SHA, "png")  # fetched from the bucket into node b's own cache
    assert path.is_relative_to(tmp_path / "node-b")
    assert path.read_bytes() == DATA
    assert [p.name for p in files(tmp_path / "node-b")] == [f"{SHA}.png"]  # no temporary left
    assert bucket_store(aws, tmp_path / "node-c").read(SHA, "png") == DATA


def test_tampered_bucket_bytes_are_refused_not_served(aws: Any, tmp_path: Path) -> None:
    bucket_store(aws, tmp_path / "node-a").put(DATA, "png")
    aws.put_object(Bucket=BUCKET, Key=f"{PREFIX}/{SHA[:2]}/{SHA}.png", Body=b"something else")
    node_b = bucket_store(aws, tmp_path / "node-b")
    with pytest.raises(PictureCorrupt, match="do not match"):
        node_b.read(SHA, "png")
    assert not node_b.path_for(SHA, "png").is_file()  # the asset route answers 404
    assert files(tmp_path / "node-b") == []


def test_delete_removes_the_object_and_the_local_copy(aws: Any, tmp_path: Path) -> None:
    store = bucket_store(aws, tmp_path / "cache")
    stored = store.put(DATA, "png")
    assert store.delete(SHA, "png") is True
    assert keys(aws) == []
    assert not stored.path.exists()


def test_a_full_local_disk_is_storage_full(
    aws: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket_store(aws, tmp_path / "node-a").put(DATA, "png")

    def full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module.os, "replace", full)
    with pytest.raises(StorageFull):
        bucket_store(aws, tmp_path / "node-b").read(SHA, "png")
    with pytest.raises(StorageFull):
        bucket_store(aws, tmp_path / "node-b").put(OTHER, "jpg")
    assert len(keys(aws)) == 1  # the full disk failed before anything was uploaded


def test_a_missing_bucket_is_a_clear_error(aws: Any, tmp_path: Path) -> None:
    store = S3Store(aws, "no-such-bucket", "", tmp_path / "cache")
    with pytest.raises(BucketError, match="no-such-bucket"):
        store.put(DATA, "png")


def test_an_unreachable_bucket_is_a_clear_error(aws: Any, tmp_path: Path) -> None:
    client = boto3.client(
        "s3",
        endpoint_url="http://127.0.0.1:9",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=1),
    )
    with pytest.raises(BucketError, match=BUCKET):
        S3Store(client, BUCKET, "", tmp_path / "cache").read(SHA, "png")


# Configuration, and the app end to end.


@pytest.mark.parametrize(
    "value", ["/mnt/pictures", "gs://bucket", "s3://", "s3://Not_A_Bucket", "s3://bucket//x"]
)
def test_a_bad_picture_storage_stops_the_app(tmp_path: Path, value: str) -> None:
    with pytest.raises(ValueError, match=r"PICTURE_STORAGE .*s3://bucket/prefix"):
        make_test_app(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, PICTURE_STORAGE=value)


def test_a_bad_picture_storage_in_the_environment_stops_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAMPAIGN_PICTURE_STORAGE", "ftp://pictures")
    with pytest.raises(ValueError, match="ftp://pictures"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    monkeypatch.setenv("CAMPAIGN_PICTURE_STORAGE", f"s3://{BUCKET}/{PREFIX}/")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    with app.app_context():
        assert isinstance(asset_store(), S3Store)
        assert (asset_store().bucket, asset_store().prefix) == (BUCKET, PREFIX)


def test_pictures_in_a_directory_never_load_boto3() -> None:
    script = (
        "import sys\nfrom campaign import create_app\n"
        "from campaign.services.renditions import asset_store\n"
        "app = create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'x'})\n"
        "with app.app_context(): asset_store().exists('0' * 64, 'png')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'boto3', 'botocore'}))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


@pytest.fixture
def nodes(aws: Any, database_url: str, tmp_path: Path) -> Iterator[tuple[Flask, Flask]]:
    """Two app nodes on one database and one bucket, each with its own picture cache."""
    from campaign.services.plans import load_plan
    from tests.conftest import DEMO_PLAN, DEMO_TODAY

    made = []
    for name in ("a", "b"):
        made.append(
            make_test_app(
                database_url,
                tmp_path,
                INSTANCE_PATH=tmp_path / f"instance-{name}",
                ASSET_DIR=tmp_path / f"cache-{name}",
                PICTURE_STORAGE=f"s3://{BUCKET}/{PREFIX}",
            )
        )
    with made[0].app_context():
        reset_database()
        load_plan(DEMO_PLAN.read_text(encoding="utf-8"), str(DEMO_PLAN), demo_today=DEMO_TODAY)
    yield made[0], made[1]
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_screen_polls_and_gets_its_pictures_from_the_bucket(
    aws: Any, nodes: tuple[Flask, Flask], tmp_path: Path
) -> None:
    node_a, node_b = nodes
    with node_a.app_context():
        token = screens.issue_token("LIM-ARR-01", now=NOW)
    body = poll(node_a, token, NOW)  # node a draws the slides: into its cache and the bucket
    items = body["items"] + body["fallback"]
    assert items
    stored = set(keys(aws))
    for item in items:
        sha = item["sha256"]
        assert f"{PREFIX}/{sha[:2]}/{sha}.png" in stored
    assert files(tmp_path / "cache-b") == []
    for node in (node_a, node_b):  # node b has none of them: it fetches each from the bucket
        client = node.test_client()
        for item in items:
            answer = client.get(item["url"], headers=auth(token))
            assert answer.status_code == 200, item["url"]
            assert answer.mimetype == "image/png"
            assert hashlib.sha256(answer.data).hexdigest() == item["sha256"]
            answer.close()
    assert {p.name for p in files(tmp_path / "cache-b")} == {f"{i['sha256']}.png" for i in items}
    missing = node_b.test_client().get(f"/assets/{'0' * 64}.png")
    assert missing.status_code == 404
