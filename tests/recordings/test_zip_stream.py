"""ZIP export as a stream: every entry readable, the manifest right, memory flat at 1,000 files."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import tracemalloc
import zipfile
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from recordings.local_store import LocalStore
from recordings.memory_store import MemoryStore
from recordings.s3_store import S3Store
from recordings.store import InvalidKey, RecordingStore, read_all
from recordings.zip_stream import ExportItem, ExportProgress, export_to_store, stream_zip

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class CallRow:
    """What the engine will hand over per call: plain data, no ORM objects."""

    call_id: str
    time: datetime
    operator: str
    contact: str
    disposition: str
    duration_s: float


def read_manifest(archive: zipfile.ZipFile) -> list[dict[str, str]]:
    text = archive.read("manifest.csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


async def collect(store: RecordingStore, items: list[ExportItem], **options: object) -> bytes:
    return b"".join([chunk async for chunk in stream_zip(store, items, **options)])  # type: ignore[arg-type]


async def test_export_real_recordings(store: RecordingStore, asterisk_recordings: list[Path]) -> None:
    items = []
    for number, path in enumerate(asterisk_recordings):
        key = f"2026/11/27/{path.name}"
        await store.put(key, path)
        row = CallRow(f"call-{number}", T0 + timedelta(minutes=number), "op-7", "+15550100", "sale", 3.0)
        items.append(ExportItem(key, f"client-a/{path.name}", row, modified=row.time))
    seen: list[ExportProgress] = []
    data = await collect(store, items, progress=seen.append)

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == [item.name for item in items] + ["manifest.csv"]
        for path, item in zip(asterisk_recordings, items, strict=True):
            assert archive.read(item.name) == path.read_bytes()
            info = archive.getinfo(item.name)
            assert info.compress_type == zipfile.ZIP_STORED
            assert info.flag_bits & 0x08  # data descriptor: written without seeking back
        assert archive.getinfo("manifest.csv").compress_type == zipfile.ZIP_DEFLATED
        rows = read_manifest(archive)
    assert [row["call_id"] for row in rows] == [f"call-{n}" for n in range(len(items))]
    assert rows[1]["time"] == "2026-11-27T09:01:00+00:00"
    assert {row["operator"] for row in rows} == {"op-7"}
    assert [row["file_name"] for row in rows] == [item.name for item in items]
    assert {row["status"] for row in rows} == {"ok"}
    assert [p.files_done for p in seen] == [*range(1, len(items) + 1), len(items)]
    assert seen[-1].files_total == len(items) and seen[-1].bytes_sent == len(data)


async def test_missing_recording_is_listed_not_packed() -> None:
    store = MemoryStore()
    await store.put("a.mp3", b"A" * 1000)
    items = [
        ExportItem("a.mp3", "a.mp3", {"call_id": "1", "contact": "Иван Петров"}),
        ExportItem("gone.mp3", "gone.mp3", {"call_id": "2"}),
    ]
    seen: list[ExportProgress] = []
    data = await collect(store, items, progress=seen.append)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["a.mp3", "manifest.csv"]
        rows = read_manifest(archive)
    assert [(r["call_id"], r["file_name"], r["status"]) for r in rows] == [
        ("1", "a.mp3", "ok"),
        ("2", "", "missing"),
    ]
    assert rows[0]["contact"] == "Иван Петров"
    assert seen[-1].missing == 1


async def test_duplicate_and_unsafe_names() -> None:
    store = MemoryStore()
    await store.put("x", b"1")
    await store.put("y", b"2")
    data = await collect(
        store, [ExportItem("x", "call.mp3"), ExportItem("y", "call.mp3")], manifest_name=None
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["call.mp3", "call (2).mp3"]
        assert archive.read("call (2).mp3") == b"2"
    with pytest.raises(InvalidKey):
        await collect(store, [ExportItem("x", "../../etc/cron.d/evil")])


async def test_async_source_of_items_and_empty_selection() -> None:
    store = MemoryStore()
    await store.put("k", b"kk")

    async def from_query():  # the API will feed items from a database cursor
        for n in range(3):
            yield ExportItem("k", f"{n}.wav", {"call_id": n})

    data = b"".join([chunk async for chunk in stream_zip(store, from_query())])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert len(read_manifest(archive)) == 3
    empty = await collect(store, [])
    with zipfile.ZipFile(io.BytesIO(empty)) as archive:
        assert archive.namelist() == ["manifest.csv"] and read_manifest(archive) == []


async def test_zip64_records(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shrunk limits make zipfile write the ZIP64 records a >4 GiB or >65,535-file export needs."""
    store = MemoryStore()
    payload = bytes(range(256)) * 40
    await store.put("big.wav", payload)
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 4096)
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 3)
    data = await collect(store, [ExportItem("big.wav", f"{n}.wav") for n in range(5)])
    monkeypatch.undo()
    assert data.rfind(b"PK\x06\x06") > 0  # ZIP64 end of central directory record
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert all(archive.read(f"{n}.wav") == payload for n in range(5))


async def _export_to_file(store: RecordingStore, items: list[ExportItem], out: Path) -> int:
    """Stream the export to a file; return the peak of traced Python memory while doing so."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        with out.open("wb") as sink:
            async for chunk in stream_zip(store, items):
                sink.write(chunk)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


async def test_thousand_recordings_in_flat_memory(tmp_path: Path, asterisk_recordings: list[Path]) -> None:
    store = LocalStore(tmp_path / "store", fsync=False)
    sources = [(path.name, path.read_bytes()) for path in asterisk_recordings]
    digests: dict[str, str] = {}
    items: list[ExportItem] = []
    for n in range(1000):
        name, data = sources[n % len(sources)]
        key = f"2026/11/{n % 28 + 1:02d}/call-{n:05d}-{name}"
        await store.put(key, data)
        row = CallRow(f"call-{n}", T0 + timedelta(seconds=n), f"op-{n % 17}", f"+1555{n:07d}", "done", 5.0)
        items.append(ExportItem(key, f"call-{n:05d}.wav", row))
        digests[f"call-{n:05d}.wav"] = hashlib.sha256(data).hexdigest()
    total_input = sum(len(data) for _, data in sources) * 1000 // len(sources)
    del sources

    peak_100 = await _export_to_file(store, items[:100], tmp_path / "small.zip")
    peak_1000 = await _export_to_file(store, items, tmp_path / "export.zip")

    assert total_input > 50_000_000  # what would be in memory if the export were built there
    # Traced memory covers every thread of the test process, so the absolute bound leaves room for
    # what other suites left running; the flatness check below is the sharp one.
    assert peak_1000 < 16_000_000, f"peak traced memory {peak_1000} bytes"
    assert peak_1000 - peak_100 < 900 * 1024, (peak_100, peak_1000)  # central directory only: < 1 KiB a file

    with zipfile.ZipFile(tmp_path / "export.zip") as archive:  # reading checks each entry's CRC too
        names = archive.namelist()
        assert names[-1] == "manifest.csv" and len(names) == 1001
        for name in names[:-1]:
            assert hashlib.sha256(archive.read(name)).hexdigest() == digests[name]
        rows = read_manifest(archive)
    assert [row["file_name"] for row in rows] == [item.name for item in items]
    assert [row["call_id"] for row in rows] == [f"call-{n}" for n in range(1000)]
    assert rows[999]["contact"] == "+15550000999" and rows[999]["status"] == "ok"
    shutil.rmtree(tmp_path)  # ~200 MB: do not leave it for pytest's kept temporary folders


async def test_daily_pack_streams_into_a_client_bucket(
    tmp_path: Path, s3_store: S3Store, asterisk_recordings: list[Path]
) -> None:
    """The export is piped into S3 as a multipart upload: the pack is never staged anywhere."""
    ours = LocalStore(tmp_path / "ours", fsync=False)
    items = []
    for n in range(100):
        path = asterisk_recordings[n % len(asterisk_recordings)]
        await ours.put(f"c/{n}.wav", path)
        items.append(ExportItem(f"c/{n}.wav", f"{n:03d}-{path.name}", {"call_id": n}))
    stored = await export_to_store(ours, items, s3_store, "client-a/2026-11-27.zip")
    head = s3_store.client.head_object(Bucket=s3_store.bucket, Key="client-a/2026-11-27.zip")
    assert head["ContentType"] == "application/zip" and head["ContentLength"] == stored.size > 5 * 1024 * 1024
    assert head["ETag"].strip('"').endswith("-2")  # sent as two parts while being built
    with zipfile.ZipFile(io.BytesIO(await read_all(s3_store, "client-a/2026-11-27.zip"))) as archive:
        assert archive.testzip() is None
        assert len(read_manifest(archive)) == 100


async def test_client_gone_releases_the_open_recording() -> None:
    """When the HTTP client goes away mid-export, the recording being read is closed at once."""

    class Tracking(MemoryStore):
        open_readers = 0

        async def open_range(
            self, key: str, start: int = 0, end: int | None = None
        ) -> AsyncGenerator[bytes, None]:
            Tracking.open_readers += 1
            try:
                async for block in super().open_range(key, start, end):
                    yield block
            finally:
                Tracking.open_readers -= 1

    store = Tracking(chunk_size=64 * 1024)
    await store.put("long.wav", bytes(2 * 1024 * 1024))
    export = stream_zip(store, [ExportItem("long.wav", "long.wav")])
    assert len(await anext(export)) >= 256 * 1024
    assert Tracking.open_readers == 1
    await export.aclose()
    assert Tracking.open_readers == 0
