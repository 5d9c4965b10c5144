"""Recordings in S3-compatible object storage (AWS S3, MinIO, Ceph RGW...), for scale.

boto3 is blocking, so every call runs in a worker thread (the loop's default executor unless one is
given); boto3 clients are thread-safe. Objects larger than ``part_size`` are sent as a multipart
upload, one part in memory at a time, and the upload is aborted if anything fails.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
from collections.abc import AsyncGenerator, Callable, Sequence
from concurrent.futures import Executor
from datetime import timedelta
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from recordings.store import (
    DEFAULT_CHUNK,
    InvalidKey,
    PutSource,
    RecordingNotFound,
    StoredObject,
    check_range,
    source_chunks,
    validate_key,
)

T = TypeVar("T")
MIN_PART_SIZE = 5 * 1024 * 1024  # S3's floor for every part but the last
_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}


class S3Store:
    """A :class:`~recordings.store.RecordingStore` over one bucket (optionally under a key prefix)."""

    def __init__(
        self,
        client: Any,
        bucket: str,
        *,
        prefix: str = "",
        part_size: int = 8 * 1024 * 1024,
        chunk_size: int = DEFAULT_CHUNK,
        executor: Executor | None = None,
    ) -> None:
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"part_size must be at least {MIN_PART_SIZE} bytes")
        if prefix:
            validate_key(prefix.rstrip("/"))
            prefix = prefix.rstrip("/") + "/"
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.part_size = part_size
        self.chunk_size = chunk_size
        self._executor = executor

    @classmethod
    def connect(
        cls,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        access_key: str | None = None,
        secret_key: str | None = None,
        path_style: bool = True,
        **options: Any,
    ) -> S3Store:
        """Build the boto3 client from plain settings (read once at start by the caller)."""
        client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path" if path_style else "auto"},
                retries={"max_attempts": 5, "mode": "standard"},
            ),
        )
        return cls(client, bucket, **options)

    async def _call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    def _name(self, key: str) -> str:
        return self.prefix + validate_key(key)

    async def create_bucket(self) -> None:
        """Create the bucket if it does not exist (for tests and first start)."""
        try:
            await self._call(self.client.head_bucket, Bucket=self.bucket)
        except ClientError:
            await self._call(self.client.create_bucket, Bucket=self.bucket)

    async def put(self, key: str, source: PutSource, *, content_type: str | None = None) -> StoredObject:
        name = self._name(key)
        extra = {"ContentType": content_type} if content_type else {}
        digest = hashlib.sha256()
        size = 0
        buffer = bytearray()
        upload_id: str | None = None
        parts: list[dict[str, Any]] = []
        try:
            async for block in source_chunks(source, self.chunk_size):
                digest.update(block)
                size += len(block)
                buffer += block
                while len(buffer) >= self.part_size:
                    if upload_id is None:
                        created = await self._call(
                            self.client.create_multipart_upload, Bucket=self.bucket, Key=name, **extra
                        )
                        upload_id = str(created["UploadId"])
                    part, buffer = bytes(buffer[: self.part_size]), buffer[self.part_size :]
                    parts.append(await self._upload_part(name, upload_id, len(parts) + 1, part))
            if upload_id is None:
                await self._call(
                    self.client.put_object, Bucket=self.bucket, Key=name, Body=bytes(buffer), **extra
                )
            else:
                if buffer:
                    parts.append(await self._upload_part(name, upload_id, len(parts) + 1, bytes(buffer)))
                await self._call(
                    self.client.complete_multipart_upload,
                    Bucket=self.bucket,
                    Key=name,
                    UploadId=upload_id,
                    MultipartUpload={"Parts": parts},
                )
        except BaseException:
            if upload_id is not None:
                await asyncio.shield(
                    self._call(
                        self.client.abort_multipart_upload, Bucket=self.bucket, Key=name, UploadId=upload_id
                    )
                )
            raise
        return StoredObject(key=key, size=size, sha256=digest.hexdigest())

    async def _upload_part(self, name: str, upload_id: str, number: int, data: bytes) -> dict[str, Any]:
        answer = await self._call(
            self.client.upload_part,
            Bucket=self.bucket,
            Key=name,
            UploadId=upload_id,
            PartNumber=number,
            Body=data,
        )
        return {"PartNumber": number, "ETag": answer["ETag"]}

    async def open_range(
        self, key: str, start: int = 0, end: int | None = None
    ) -> AsyncGenerator[bytes, None]:
        name = self._name(key)
        check_range(start, end, 1 << 62)
        if end is not None and end < start:
            return
        request: dict[str, Any] = {"Bucket": self.bucket, "Key": name}
        if start or end is not None:
            request["Range"] = f"bytes={start}-{'' if end is None else end}"
        try:
            answer = await self._call(self.client.get_object, **request)
        except ClientError as exc:
            code = _code(exc)
            if code in _NOT_FOUND:
                raise RecordingNotFound(key) from exc
            if code == "InvalidRange":  # start at or past the end: nothing to send, as LocalStore
                await self.size(key)
                return
            raise
        body = answer["Body"]
        try:
            while block := await self._call(body.read, self.chunk_size):
                yield block
        finally:
            await self._call(body.close)

    async def size(self, key: str) -> int:
        try:
            answer = await self._call(self.client.head_object, Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if _code(exc) in _NOT_FOUND:
                raise RecordingNotFound(key) from exc
            raise
        return int(answer["ContentLength"])

    async def sizes(self, keys: Sequence[str]) -> dict[str, int | None]:
        async def size_or_none(key: str) -> int | None:
            try:
                return await self.size(key)
            except (RecordingNotFound, InvalidKey):
                return None

        return dict(zip(keys, await asyncio.gather(*(size_or_none(k) for k in keys)), strict=True))

    async def exists(self, key: str) -> bool:
        try:
            await self.size(key)
        except RecordingNotFound:
            return False
        return True

    async def delete(self, key: str) -> bool:
        existed = await self.exists(key)
        if existed:
            await self._call(self.client.delete_object, Bucket=self.bucket, Key=self._name(key))
        return existed

    async def iter_keys(self, prefix: str = "") -> AsyncGenerator[str, None]:
        request: dict[str, Any] = {"Bucket": self.bucket, "Prefix": self.prefix + prefix}
        while True:
            page = await self._call(self.client.list_objects_v2, **request)
            for item in page.get("Contents", ()):
                yield str(item["Key"])[len(self.prefix) :]
            if not page.get("IsTruncated"):
                return
            request["ContinuationToken"] = page["NextContinuationToken"]

    async def presigned_url(
        self, key: str, expires_in: timedelta, *, download_name: str | None = None
    ) -> str | None:
        """A GET link valid for ``expires_in`` (S3 caps it at 7 days)."""
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": self._name(key)}
        if download_name:
            params["ResponseContentDisposition"] = f'attachment; filename="{download_name}"'
        url = await self._call(
            self.client.generate_presigned_url,
            "get_object",
            Params=params,
            ExpiresIn=int(expires_in.total_seconds()),
        )
        return str(url)


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
