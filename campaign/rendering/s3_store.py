"""Pictures in an S3-compatible bucket, served from a node-local cache directory."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from campaign.rendering.store import (
    CONTENT_TYPES,
    AssetStore,
    StorageFull,
    StoredFile,
    parse_name,
)

log = logging.getLogger(__name__)

# What S3 and S3-compatible services answer for an object that is not there ("404": a HEAD,
# which has no body; a missing bucket is found out by the next upload, as NoSuchBucket).
_MISSING = frozenset({"NoSuchKey", "404", "NotFound"})
# MinIO's full disk and bucket quota: the same answer as our own full disk (507).
_FULL = frozenset({"XMinioStorageFull", "XMinioAdminBucketQuotaExceeded", "QuotaExceeded"})


class BucketError(OSError):
    """The bucket could not be used (unreachable, refused, misconfigured): not a missing file."""


class PictureCorrupt(OSError):
    """The bucket's bytes do not hash to the picture's name: they are refused, never served."""


def make_client(endpoint_url: str | None = None) -> Any:
    """A boto3 S3 client; credentials and region come from boto3's own environment and files.

    boto3 is imported here, so a process that keeps its pictures in a directory never loads it.
    """
    try:
        import boto3
    except ImportError as exc:  # pragma: no cover - the `s3` extra is part of the test extra
        raise RuntimeError(
            "PICTURE_STORAGE names a bucket but boto3 is not installed: pip install 'campaign[s3]'."
        ) from exc
    # A session per client: boto3's default session is not safe to share between threads,
    # while the client made from it is.
    return boto3.session.Session().client("s3", endpoint_url=endpoint_url or None)


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


class S3Store:
    """Objects at `<prefix>/<first two hex digits>/<sha256>.<ext>` in one bucket.

    Every node keeps a cache directory of its own (an AssetStore): pictures it stored or
    fetched, served from there. A picture missing from the cache is fetched from the bucket,
    checked against its name and written atomically; nodes never fetch from one another.
    """

    def __init__(self, client: Any, bucket: str, prefix: str, cache_dir: Path) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.cache = AssetStore(Path(cache_dir))

    def key_for(self, sha256: str, ext: str) -> str:
        name = self.cache.path_for(sha256, ext)  # checks the name and the extension
        key = f"{sha256[:2]}/{name.name}"
        return f"{self.prefix}/{key}" if self.prefix else key

    def _call(self, operation: str, key: str, **kwargs: Any) -> Any:
        """One S3 call, its errors as ours: FileNotFoundError, StorageFull or BucketError."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, operation)(Bucket=self.bucket, Key=key, **kwargs)
        except ClientError as exc:
            code = _code(exc)
            where = f"s3://{self.bucket}/{key}"
            if code in _MISSING:
                missing = FileNotFoundError(errno.ENOENT, "No such picture in the bucket", where)
                raise missing from exc
            if code in _FULL:
                raise StorageFull(
                    errno.ENOSPC, "The picture bucket is full; free some space and try again."
                ) from exc
            raise BucketError(f"The picture bucket refused {operation} of {where}: {code}") from exc
        except BotoCoreError as exc:
            raise BucketError(
                f"The picture bucket s3://{self.bucket} cannot be reached: {exc}"
            ) from exc

    def _in_bucket(self, key: str) -> bool:
        try:
            self._call("head_object", key)
        except FileNotFoundError:
            return False
        return True

    def _fetch(self, sha256: str, ext: str) -> bytes:
        """The bucket's bytes of a picture, checked against its name, kept in the cache."""
        key = self.key_for(sha256, ext)
        body = self._call("get_object", key)["Body"]
        try:
            data = body.read()
        finally:
            body.close()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise PictureCorrupt(
                errno.EIO, "The bucket's bytes do not match the picture's name", key
            )
        self.cache.put(data, ext)
        return data

    def exists(self, sha256: str, ext: str) -> bool:
        # The cache holds only pictures checked against the bucket: asking the bucket again for
        # each of a playlist's renditions would cost a request each.
        return self.cache.exists(sha256, ext) or self._in_bucket(self.key_for(sha256, ext))

    def read(self, sha256: str, ext: str) -> bytes:
        if self.cache.exists(sha256, ext):
            with contextlib.suppress(FileNotFoundError):  # deleted meanwhile: ask the bucket
                return self.cache.read(sha256, ext)
        return self._fetch(sha256, ext)

    def path_for(self, sha256: str, ext: str) -> Path:
        path = self.cache.path_for(sha256, ext)
        if path.is_file():
            return path
        try:
            self._fetch(sha256, ext)
        except FileNotFoundError:
            pass  # not stored: the caller answers 404
        except PictureCorrupt:
            log.error(
                "refused s3://%s/%s: its bytes do not match its name",
                self.bucket,
                self.key_for(sha256, ext),
            )
        return path

    def put(self, data: bytes, ext: str) -> StoredFile:
        # Into the cache first: a full local disk fails before anything reaches the bucket.
        cached = self.cache.put(data, ext)
        key = self.key_for(cached.sha256, ext)
        if self._in_bucket(key):
            self._touch_object(key, ext)  # same name, same bytes: in use again
        else:
            self._call("put_object", key, Body=data, ContentType=CONTENT_TYPES[ext])
        return cached

    def _touch_object(self, key: str, ext: str) -> None:
        # S3 cannot change an object's time; copying it onto itself with new metadata does.
        self._call(
            "copy_object",
            key,
            CopySource={"Bucket": self.bucket, "Key": key},
            MetadataDirective="REPLACE",
            ContentType=CONTENT_TYPES[ext],
        )

    def touch(self, sha256: str, ext: str) -> None:
        self.cache.touch(sha256, ext)
        with contextlib.suppress(FileNotFoundError):
            self._touch_object(self.key_for(sha256, ext), ext)

    def delete(self, sha256: str, ext: str) -> bool:
        key = self.key_for(sha256, ext)
        there = self._in_bucket(key)
        if there:
            self._call("delete_object", key)
        # Other nodes' caches may keep their copy: only pictures no row names are deleted,
        # so no playlist sends a screen there for it.
        return self.cache.delete(sha256, ext) or there

    def stored(self) -> Iterator[tuple[str, str, float]]:
        from botocore.exceptions import BotoCoreError, ClientError

        prefix = f"{self.prefix}/" if self.prefix else ""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        try:
            for page in pages:
                for obj in page.get("Contents", []):
                    name = parse_name(obj["Key"].rpartition("/")[2])
                    if name is not None:
                        yield name[0], name[1], obj["LastModified"].timestamp()
        except (ClientError, BotoCoreError) as exc:
            raise BucketError(
                f"The picture bucket s3://{self.bucket} cannot be listed: {exc}"
            ) from exc
