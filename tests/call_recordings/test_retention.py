"""Retention per client contract, run as the daily job: deletes what is past its contract's period,
nothing else, marks the calls and audits each deletion as system:retention."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update

from dialer.audit.models import AuditAction, AuditEvent
from dialer.call_recordings.jobs import JOBS
from dialer.calls.models import Call, RecordingStatus
from dialer.campaigns.disposition_codes import DEFAULT_DISPOSITIONS
from dialer.campaigns.models import Campaign, CampaignState, DispositionCode
from dialer.clients.models import Contract, PricingModel
from dialer.db.engine import unit_of_work
from dialer.dialing_modes import DialMode
from dialer.jobs.definition import JobContext
from dialer.settings import Settings
from pbxsim.recorder import write_wav
from recordings.local_store import LocalStore
from recordings.naming import recording_key
from tests.call_recordings.conftest import RecWorld

NOW = datetime(2026, 11, 27, 2, 30, tzinfo=UTC)
JOB = next(job for job in JOBS if job.name == "recordings-retention")


async def _forever_campaign(sessions, client_id: int) -> int:
    """A second contract of the same client with no retention period, and a campaign under it."""
    async with unit_of_work(sessions) as session:
        contract = Contract(
            client_id=client_id,
            number="R-2",
            pricing_model=PricingModel.PER_TALK_MINUTE,
            period_start=date(2026, 1, 1),
        )
        session.add(contract)
        await session.flush()
        campaign = Campaign(
            contract_id=contract.id,
            client_id=client_id,
            name="Вечно",
            dialing_mode=DialMode.PROGRESSIVE,
            state=CampaignState.RUNNING,
            dispositions=[DispositionCode(**d.model_dump()) for d in DEFAULT_DISPOSITIONS],
        )
        session.add(campaign)
        await session.flush()
        return campaign.id


async def _file(
    sessions, store: LocalStore, tmp_path: Path, call: Call, client_id: int, suffix: str = ".wav"
) -> str:
    """The call's recording put in the store and filed on it, as the engine does."""
    key = recording_key(client_id, call.placed_at, call.id, suffix)
    wav = tmp_path / f"{call.call_uid}.wav"
    write_wav(wav, 2.0)
    await store.put(key, wav)
    if suffix != ".wav":  # a transcoded recording with its original kept beside it
        await store.put(key.removesuffix(suffix) + ".wav", wav)
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(Call)
            .where(Call.id == call.id)
            .values(recording_key=key, recording_status=RecordingStatus.FILED, recording_format=suffix[1:])
        )
    return key


async def test_the_job_deletes_what_is_past_the_contracts_period_and_nothing_else(
    sessions, rec_world: RecWorld, end_call, tmp_path
) -> None:
    async with unit_of_work(sessions) as session:
        await session.execute(
            update(Contract).where(Contract.id == rec_world.contract_id).values(recording_retention_days=30)
        )
    forever = await _forever_campaign(sessions, rec_world.client_id)
    settings = Settings(data_dir=tmp_path / "data")
    store = LocalStore(tmp_path / "data" / "recordings")
    ages = {
        "old": timedelta(days=31),
        "old-mp3": timedelta(days=400),
        "just-over": timedelta(days=30, seconds=1),
        "exactly": timedelta(days=30),  # not older than the period: kept
        "young": timedelta(days=2),
    }
    keys: dict[str, str] = {}
    for uid, age in ages.items():
        call = await end_call(uid, placed_at=NOW - age)
        keys[uid] = await _file(
            sessions, store, tmp_path, call, rec_world.client_id, ".mp3" if "mp3" in uid else ".wav"
        )
    ancient = await end_call("forever", placed_at=NOW - timedelta(days=3000), campaign_id=forever)
    keys["forever"] = await _file(sessions, store, tmp_path, ancient, rec_world.client_id)
    unrecorded = await end_call("unrecorded", placed_at=NOW - timedelta(days=90))
    gone = await end_call("gone", placed_at=NOW - timedelta(days=45))
    keys["gone"] = await _file(sessions, store, tmp_path, gone, rec_world.client_id)
    await store.delete(keys["gone"])  # someone removed the file by hand: recorded as already absent

    summary = await JOB.run(JobContext(settings, sessions, NOW, NOW.date()))

    assert summary.startswith("3 recording(s) deleted, 1 already absent, 0 failed")
    left = sorted([key async for key in store.iter_keys()])
    assert left == sorted([keys["exactly"], keys["young"], keys["forever"]])
    async with sessions() as session:
        calls = {c.call_uid: c for c in await session.scalars(select(Call))}
        audits = list(await session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    for uid in ("old", "old-mp3", "just-over", "gone"):
        assert (calls[uid].recording_status, calls[uid].recording_key) == (RecordingStatus.DELETED, None)
    for uid in ("exactly", "young", "forever"):
        assert (calls[uid].recording_status, calls[uid].recording_key) == (RecordingStatus.FILED, keys[uid])
    assert (
        calls["unrecorded"].recording_status is RecordingStatus.PENDING and unrecorded.recording_key is None
    )
    assert [(a.actor, a.action, a.object_id) for a in audits] == [
        ("system:retention", AuditAction.DELETE, str(calls[uid].id))
        for uid in ("old", "old-mp3", "just-over", "gone")
    ]
    assert audits[0].client_id == rec_world.client_id
    assert audits[0].detail["reason"] == "retention period of 30 days expired (contract R-1)"
    assert [a.detail["outcome"] for a in audits] == ["deleted", "deleted", "deleted", "already_absent"]

    again = await JOB.run(JobContext(settings, sessions, NOW, NOW.date()))
    assert again.startswith("0 recording(s) deleted, 0 already absent")
