"""Issue 5, "what it must show": a campaign run by the whole service against the PBX simulator's real
MixMonitor WAV files ends with every connected call's recording filed, its duration matching the
call record's talk time (connected_at -> ended_at) within a second; calls nobody was put through to
are not recorded, by the policy. The campaign splits legs, so each file is the dialplan's two leg
files merged into one stereo WAV."""

from __future__ import annotations

import asyncio
import wave

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.calls.models import Call, CallOutcome, RecordingStatus
from dialer.campaigns.models import Campaign
from recordings.local_store import LocalStore
from recordings.store import sha256_file
from tests.e2e.harness import PATIENCE, api_get, calls_and_contacts, running_stack, wait_finished
from tests.e2e.scripts import contact_base

CONTACTS = 50
SPEED = 8.0  # a second of simulated talk is 125 ms of real time: room for a loaded machine's stalls


async def split_legs(session: AsyncSession, campaign_id: int) -> None:
    await session.execute(
        update(Campaign).where(Campaign.id == campaign_id).values(recording_split_legs=True)
    )


async def test_every_connected_call_has_a_filed_recording_as_long_as_its_talk(
    database_url, sessions, tmp_path
) -> None:
    phones, _, scenario = contact_base(CONTACTS)
    async with running_stack(
        database_url,
        sessions,
        tmp_path,
        scenario,
        {"UTC": phones},
        max_attempts=1,
        prepare=split_legs,
        speed=SPEED,
    ) as stack:
        await wait_finished(stack)
        async with asyncio.timeout(PATIENCE):
            while True:
                async with sessions() as session:
                    pending = await session.scalar(
                        select(func.count()).where(Call.recording_status == RecordingStatus.PENDING)
                    )
                if not pending:
                    break
                await asyncio.sleep(0.2)
        calls, _ = await calls_and_contacts(stack)
        store_root = stack.settings.data_dir / "recordings"
        first = next(c for c in calls if c.outcome is CallOutcome.HUMAN_CONNECTED)
        shown = await api_get(stack, f"/calls/{first.id}")
        found = await api_get(stack, f"/recordings?call_id={first.id}")

    # staff see the filing's facts on the call and in the QA search
    assert (shown["recording_status"], shown["recording_sha256"]) == ("filed", first.recording_sha256)
    assert shown["recording_seconds"] == first.recording_seconds and shown["recording_format"] == "wav"
    assert found["items"][0]["recording_sha256"] == first.recording_sha256

    connected = [c for c in calls if c.outcome is CallOutcome.HUMAN_CONNECTED]
    assert len(connected) >= 12
    store = LocalStore(store_root)
    for call in connected:
        assert call.recording_status is RecordingStatus.FILED, (call.id, call.recording_problem)
        assert call.recording_key is not None and call.recording_format == "wav"
        assert call.talk_seconds is not None and call.recording_seconds is not None
        assert abs(call.recording_seconds - call.talk_seconds) <= 1.0, (
            call.id,
            call.recording_seconds,
            call.talk_seconds,
        )
        path = store.path_for(call.recording_key)
        assert sha256_file(path) == (call.recording_bytes, call.recording_sha256)
        with wave.open(str(path)) as wav:
            assert wav.getnchannels() == 2  # operator left, customer right
    others = [c for c in calls if c.outcome is not CallOutcome.HUMAN_CONNECTED]
    assert others and all(c.recording_status is RecordingStatus.NOT_RECORDED_BY_POLICY for c in others)
    assert not any((tmp_path / "rec").glob("*.wav"))  # every file was taken out of the spool
