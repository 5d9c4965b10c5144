"""The daily pack job: yesterday's recordings and calls.csv uploaded to each client's target, an S3
bucket on moto's server (its own process, reached over HTTP) or a folder; nothing of other days."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from sqlalchemy import update

from dialer.call_recordings.daily_pack import PackFailed
from dialer.call_recordings.jobs import JOBS
from dialer.call_recordings.models import ClientRecordingDelivery, DeliveryKind
from dialer.calls.models import Call, RecordingStatus
from dialer.clients.models import Client
from dialer.db.engine import unit_of_work
from dialer.jobs.definition import JobContext
from dialer.settings import Settings
from pbxsim.recorder import write_wav
from recordings.local_store import LocalStore
from recordings.naming import recording_key
from recordings.s3_store import S3Store
from recordings.store import read_all
from tests.call_recordings.conftest import RecWorld

DAY = date(2026, 11, 26)
RUN = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)  # the run on the 27th packs the 26th
JOB = next(job for job in JOBS if job.name == "recordings-daily-pack")


async def _filed(
    sessions, store: LocalStore, tmp_path: Path, call: Call, client_id: int, seconds: float
) -> str:
    key = recording_key(client_id, call.placed_at, call.id)
    wav = tmp_path / f"{call.call_uid}.wav"
    write_wav(wav, seconds)
    await store.put(key, wav)
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(Call)
            .where(Call.id == call.id)
            .values(recording_key=key, recording_status=RecordingStatus.FILED, recording_seconds=seconds)
        )
    return key


@pytest.fixture
def bucket(s3_endpoint: str) -> str:
    name = f"client-{uuid.uuid4().hex[:10]}"
    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    ).create_bucket(Bucket=name)
    return name


async def test_yesterdays_recordings_and_call_list_reach_the_clients_bucket_and_folder(
    sessions, rec_world: RecWorld, end_call, tmp_path, s3_endpoint: str, bucket: str
) -> None:
    store = LocalStore(tmp_path / "data" / "recordings")
    at = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    first = await end_call("d1", placed_at=at)
    second = await end_call("d2", placed_at=at + timedelta(hours=13, minutes=59))
    lost = await end_call("d3", placed_at=at + timedelta(hours=1))
    today = await end_call("today", placed_at=RUN - timedelta(minutes=30))
    await end_call("unfiled", placed_at=at)
    keys = {
        "d1": await _filed(sessions, store, tmp_path, first, rec_world.client_id, 3.0),
        "d2": await _filed(sessions, store, tmp_path, second, rec_world.client_id, 5.0),
        "d3": await _filed(sessions, store, tmp_path, lost, rec_world.client_id, 4.0),
        "today": await _filed(sessions, store, tmp_path, today, rec_world.client_id, 2.0),
    }
    await store.delete(keys["d3"])  # filed, then lost from storage: listed as missing
    async with unit_of_work(sessions) as session:
        other = Client(name="Василёк", country="RU")
        session.add(other)
        await session.flush()
        session.add_all(
            [
                ClientRecordingDelivery(
                    client_id=rec_world.client_id,
                    kind=DeliveryKind.S3,
                    bucket=bucket,
                    prefix="romashka",
                    endpoint_url=s3_endpoint,
                    access_key_id="testing",
                    secret_access_key="testing",
                ),
                ClientRecordingDelivery(
                    client_id=other.id, kind=DeliveryKind.LOCAL, folder=str(tmp_path / "vasilek")
                ),
            ]
        )

    summary = await JOB.run(JobContext(Settings(data_dir=tmp_path / "data"), sessions, RUN, RUN.date()))

    assert summary == "2026-11-26: 2 client(s), 2 recording(s) delivered, 1 missing from storage"
    target = S3Store.connect(bucket, endpoint_url=s3_endpoint, access_key="testing", secret_key="testing")
    names = sorted([key async for key in target.iter_keys()])
    assert names == sorted(
        f"romashka/2026-11-26/{name}"
        for name in (f"call-{first.id}.wav", f"call-{second.id}.wav", "calls.csv")
    )
    for call, key in ((first, keys["d1"]), (second, keys["d2"])):
        assert await read_all(target, f"romashka/2026-11-26/call-{call.id}.wav") == await read_all(store, key)
    text = (await read_all(target, "romashka/2026-11-26/calls.csv")).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["call_id"], r["file_name"], r["status"], r["duration_s"]) for r in rows] == [
        (str(first.id), f"call-{first.id}.wav", "ok", "3.0"),
        (str(lost.id), "", "missing", "4.0"),
        (str(second.id), f"call-{second.id}.wav", "ok", "5.0"),
    ]
    assert rows[0]["contact"] == first.phone and rows[0]["operator"] == "Olga"
    assert rows[0]["time"] == "2026-11-26T10:00:00+00:00"
    # the other client had no calls that day: its folder gets the (empty) call list only
    assert sorted(p.name for p in (tmp_path / "vasilek" / "2026-11-26").iterdir()) == ["calls.csv"]


async def test_a_client_whose_bucket_fails_does_not_hold_back_the_others(
    sessions, rec_world: RecWorld, end_call, tmp_path, s3_endpoint: str
) -> None:
    store = LocalStore(tmp_path / "data" / "recordings")
    call = await end_call("d1", placed_at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    await _filed(sessions, store, tmp_path, call, rec_world.client_id, 3.0)
    async with unit_of_work(sessions) as session:
        other = Client(name="Василёк", country="RU")
        session.add(other)
        await session.flush()
        session.add_all(
            [
                ClientRecordingDelivery(
                    client_id=other.id,
                    kind=DeliveryKind.S3,
                    bucket="no-such-bucket",
                    endpoint_url=s3_endpoint,
                    access_key_id="testing",
                    secret_access_key="testing",
                ),
                ClientRecordingDelivery(
                    client_id=rec_world.client_id, kind=DeliveryKind.LOCAL, folder=str(tmp_path / "out")
                ),
            ]
        )
    with pytest.raises(PackFailed, match=r"1 recording\(s\) delivered.*NoSuchBucket"):
        await JOB.run(JobContext(Settings(data_dir=tmp_path / "data"), sessions, RUN, RUN.date()))
    assert (tmp_path / "out" / "2026-11-26" / f"call-{call.id}.wav").is_file()
