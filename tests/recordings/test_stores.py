"""Every backend keeps the same promises: what goes in comes out, byte for byte and range by range."""

from __future__ import annotations

import asyncio
import hashlib
import os
import urllib.request
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from recordings.config import StorageConfig, open_store
from recordings.local_store import INCOMING, LocalStore
from recordings.s3_store import S3Store
from recordings.store import InvalidKey, PutSource, RecordingNotFound, RecordingStore, read_all, validate_key

BAD_KEYS = [
    "",
    "/etc/passwd",
    "../outside.wav",
    "a/../../b.wav",
    "a//b.wav",
    "a/./b.wav",
    "C:\\x.wav",
    "a\\b",
    "x\x00y",
]


async def _stream(data: bytes, step: int) -> AsyncIterator[bytes]:
    for offset in range(0, len(data), step):
        yield data[offset : offset + step]


async def test_real_recordings_round_trip(store: RecordingStore, asterisk_recordings: list[Path]) -> None:
    for path in asterisk_recordings:
        data = path.read_bytes()
        stored = await store.put(f"2026/11/27/{path.name}", path, content_type="audio/wav")
        assert stored.size == len(data)
        assert stored.sha256 == hashlib.sha256(data).hexdigest()
        assert await store.size(stored.key) == len(data)
        assert await read_all(store, stored.key) == data


@pytest.mark.parametrize("how", ["bytes", "stream", "path"])
async def test_put_sources_agree(store: RecordingStore, tmp_path: Path, how: str) -> None:
    data = os.urandom(300_001)
    source: PutSource
    if how == "bytes":
        source = data
    elif how == "stream":
        source = _stream(data, 7_000)
    else:
        source = tmp_path / "src.bin"
        source.write_bytes(data)
    stored = await store.put("calls/one.bin", source)
    assert (stored.size, stored.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert await read_all(store, "calls/one.bin") == data


async def test_ranges_match_slicing(store: RecordingStore) -> None:
    data = bytes(range(256)) * 1000
    await store.put("r.bin", data)
    size = len(data)
    cases = [
        (0, None),
        (0, 0),
        (10, 19),
        (size - 1, None),
        (size - 5, size + 100),
        (100_000, 170_000),
        (size, None),
    ]
    for start, end in cases:
        got = b"".join([block async for block in store.open_range("r.bin", start, end)])
        assert got == data[start : None if end is None else end + 1], (start, end)


async def test_empty_object(store: RecordingStore) -> None:
    stored = await store.put("empty.wav", b"")
    assert stored.size == 0
    assert await store.size("empty.wav") == 0
    assert await read_all(store, "empty.wav") == b""


async def test_missing_delete_exists(store: RecordingStore) -> None:
    assert not await store.exists("nope.wav")
    with pytest.raises(RecordingNotFound):
        await store.size("nope.wav")
    with pytest.raises(RecordingNotFound):
        await read_all(store, "nope.wav")
    assert await store.delete("nope.wav") is False
    await store.put("yes.wav", b"RIFF")
    assert await store.exists("yes.wav")
    assert await store.delete("yes.wav") is True
    assert not await store.exists("yes.wav")
    assert await store.delete("yes.wav") is False


async def test_overwrite_replaces(store: RecordingStore) -> None:
    await store.put("a.wav", b"first version")
    await store.put("a.wav", b"second")
    assert await read_all(store, "a.wav") == b"second"


async def test_iter_keys_by_prefix(store: RecordingStore) -> None:
    keys = ["2026/11/26/a.mp3", "2026/11/27/b.mp3", "2026/11/27/c.mp3", "2026/12/01/d.mp3", "top.mp3"]
    for key in keys:
        await store.put(key, b"x")
    assert sorted([key async for key in store.iter_keys()]) == keys
    assert sorted([key async for key in store.iter_keys("2026/11/")]) == keys[:3]
    assert sorted([key async for key in store.iter_keys("2026/11/27/")]) == keys[1:3]
    assert sorted([key async for key in store.iter_keys("2026/11/27/c")]) == keys[2:3]
    assert sorted([key async for key in store.iter_keys("2026/1")]) == keys[:4]
    assert [key async for key in store.iter_keys("nothing/")] == []


@pytest.mark.parametrize("key", BAD_KEYS)
async def test_unsafe_keys_refused(store: RecordingStore, key: str) -> None:
    with pytest.raises(InvalidKey):
        await store.put(key, b"x")
    with pytest.raises(InvalidKey):
        await store.size(key)
    with pytest.raises(InvalidKey):
        await store.delete(key)


def test_validate_key_accepts_plain_names() -> None:
    for key in ["a.wav", "2026/11/27/call-42.mp3", "client 7/Ünïcode.ogg", "..a/b..wav"]:
        assert validate_key(key) == key


async def test_local_failed_write_leaves_nothing(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "store")

    async def broken() -> AsyncIterator[bytes]:
        yield b"x" * 2_000_000
        raise OSError("link to Asterisk lost")

    with pytest.raises(OSError, match="link"):
        await store.put("calls/half.wav", broken())
    assert not await store.exists("calls/half.wav")
    assert list((tmp_path / "store" / INCOMING).iterdir()) == []
    assert [key async for key in store.iter_keys()] == []


async def test_local_refuses_escape_by_link(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    store = LocalStore(tmp_path / "store")
    (tmp_path / "store" / "evil").symlink_to(outside)
    with pytest.raises(InvalidKey):
        await store.put("evil/x.wav", b"x")
    with pytest.raises(InvalidKey):
        await store.put(f"{INCOMING}/x.wav", b"x")
    with pytest.raises(InvalidKey):
        [key async for key in store.iter_keys("../")]
    assert list(outside.iterdir()) == []


async def test_local_presigned_is_none(tmp_path: Path) -> None:
    assert await LocalStore(tmp_path).presigned_url("a.wav", timedelta(minutes=5)) is None


async def test_s3_multipart_upload(s3_store: S3Store) -> None:
    data = os.urandom(12 * 1024 * 1024 + 123)
    stored = await s3_store.put("big/long-call.wav", _stream(data, 1024 * 1024))
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    head = s3_store.client.head_object(Bucket=s3_store.bucket, Key="big/long-call.wav")
    assert head["ETag"].strip('"').endswith("-3")  # three parts: 5 MiB, 5 MiB, the rest
    assert await read_all(s3_store, "big/long-call.wav") == data
    tail = b"".join([block async for block in s3_store.open_range("big/long-call.wav", len(data) - 10)])
    assert tail == data[-10:]


async def test_s3_failed_multipart_is_aborted(s3_store: S3Store) -> None:
    async def broken() -> AsyncIterator[bytes]:
        yield b"x" * (6 * 1024 * 1024)
        raise OSError("source vanished")

    with pytest.raises(OSError, match="vanished"):
        await s3_store.put("big/broken.wav", broken())
    uploads = s3_store.client.list_multipart_uploads(Bucket=s3_store.bucket)
    assert uploads.get("Uploads", []) == []
    assert not await s3_store.exists("big/broken.wav")


async def test_s3_presigned_url_serves_the_object(s3_store: S3Store, asterisk_recordings: list[Path]) -> None:
    path = asterisk_recordings[0]
    await s3_store.put("qa/one.wav", path)
    url = await s3_store.presigned_url("qa/one.wav", timedelta(minutes=10), download_name="one.wav")
    assert url is not None and "Expires=600" in url
    body, disposition = await asyncio.to_thread(_fetch, url)
    assert body == path.read_bytes()
    assert "one.wav" in disposition


def _fetch(url: str) -> tuple[bytes, str]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read(), answer.headers.get("Content-Disposition", "")


async def test_s3_prefix_isolates_keys(s3_store: S3Store) -> None:
    scoped = S3Store(s3_store.client, s3_store.bucket, prefix="client-7", part_size=5 * 1024 * 1024)
    await scoped.put("a.wav", b"1")
    await s3_store.put("b.wav", b"2")
    assert [key async for key in scoped.iter_keys()] == ["a.wav"]
    assert sorted([key async for key in s3_store.iter_keys()]) == ["b.wav", "client-7/a.wav"]


async def test_store_from_settings(tmp_path: Path, s3_endpoint: str) -> None:
    local = open_store(StorageConfig(root=tmp_path / "rec"))
    assert isinstance(local, LocalStore) and isinstance(local, RecordingStore)
    remote = open_store(
        StorageConfig(
            kind="s3", bucket="from-settings", endpoint_url=s3_endpoint, access_key="k", secret_key="s"
        )
    )
    assert isinstance(remote, S3Store) and isinstance(remote, RecordingStore)
    await remote.create_bucket()
    await remote.put("x.wav", b"1")
    assert await remote.exists("x.wav")
    with pytest.raises(ValueError, match="bucket"):
        open_store(StorageConfig(kind="s3"))
