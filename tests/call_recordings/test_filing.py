"""Filing at hangup: the simulator's real WAV files (and broken ones) filed from the spool into the
store and on the call record, by the campaign's policy; pending calls survive a crash."""

from __future__ import annotations

import asyncio
import logging
import wave

import pytest
from sqlalchemy import select

from dialer.call_recordings.filing import policy_of, recording_wanted
from dialer.calls.models import Call, RecordingStatus
from dialer.campaigns.models import RecordingPolicy
from dialer.engine.recording_filer import RecordingFiler, spool_files
from pbxsim.recorder import write_wav
from recordings.local_store import LocalStore
from recordings.naming import recording_key
from recordings.store import read_all, sha256_file
from tests.call_recordings.conftest import T0, RecWorld, filer_settings, set_policy


async def stored(sessions, uid: str) -> Call:
    async with sessions() as session:
        call: Call | None = await session.scalar(select(Call).where(Call.call_uid == uid))
        assert call is not None
        return call


def test_which_calls_the_policy_records() -> None:
    table = {
        (RecordingPolicy.ALL, True, True): True,
        (RecordingPolicy.ALL, True, False): True,  # a machine or an abandoned call, from the answer
        (RecordingPolicy.ALL, False, False): False,  # never answered: nothing to record
        (RecordingPolicy.CONNECTED, True, True): True,
        (RecordingPolicy.CONNECTED, True, False): False,
        (RecordingPolicy.NONE, True, True): False,
    }
    for (policy, answered, connected), wanted in table.items():
        assert recording_wanted(policy, answered=answered, connected=connected) is wanted


async def test_a_connected_calls_wav_is_filed_with_its_facts(
    sessions, rec_world: RecWorld, end_call, tmp_path
) -> None:
    call = await end_call("c-ok", talk_s=8)
    assert call.recording_status is RecordingStatus.PENDING  # marked in the transaction that ended it
    settings = filer_settings(tmp_path)
    mixed = spool_files(settings.spool_dir, "c-ok")[0]
    write_wav(mixed, 8.0)
    size, digest = sha256_file(mixed)
    store = LocalStore(tmp_path / "store")
    result = await RecordingFiler(sessions, store, settings).file_now("c-ok")
    assert result is not None and result.status is RecordingStatus.FILED
    call = await stored(sessions, "c-ok")
    assert call.recording_key == recording_key(rec_world.client_id, T0, call.id, ".wav")
    assert (call.recording_bytes, call.recording_sha256, call.recording_format) == (size, digest, "wav")
    assert call.recording_seconds == pytest.approx(8.0)
    assert call.talk_seconds is not None and abs(8.0 - call.talk_seconds) < 1
    assert call.recording_filed_at is not None
    assert len(await read_all(store, call.recording_key)) == size
    assert not mixed.exists()  # filed: Asterisk's spool is cleared


@pytest.mark.parametrize(
    ("content", "status", "reason"),
    [
        (None, RecordingStatus.MISSING, "no such file"),
        (b"", RecordingStatus.EMPTY, "0 bytes"),
        ("header-only", RecordingStatus.EMPTY, "header only"),
        ("truncated", RecordingStatus.CORRUPT, "truncated"),
        (b"this is not audio at all" * 10, RecordingStatus.CORRUPT, ""),
    ],
)
async def test_a_missing_empty_or_corrupt_file_is_flagged_never_filed(
    sessions, rec_world, end_call, tmp_path, caplog, content, status, reason
) -> None:
    await end_call("c-bad")
    settings = filer_settings(tmp_path)
    mixed = spool_files(settings.spool_dir, "c-bad")[0]
    mixed.parent.mkdir(parents=True)
    if content == "header-only":
        write_wav(mixed, 0.0)
    elif content == "truncated":
        write_wav(mixed, 4.0)
        mixed.write_bytes(mixed.read_bytes()[:20_000])
    elif content is not None:
        mixed.write_bytes(content)
    store = LocalStore(tmp_path / "store")
    with caplog.at_level(logging.WARNING, logger="dialer.engine.recording_filer"):
        result = await RecordingFiler(sessions, store, settings).file_now("c-bad")
    assert result is not None and result.status is status
    call = await stored(sessions, "c-bad")
    assert call.recording_status is status and call.recording_key is None
    assert reason in (call.recording_problem or "")
    assert [k async for k in store.iter_keys()] == []
    assert any("c-bad" in r.getMessage() and status.value in r.getMessage() for r in caplog.records)
    assert mixed.exists() is (content is not None)  # left in the spool for inspection


async def test_the_policy_decides_which_calls_expect_a_file(sessions, rec_world, end_call, tmp_path) -> None:
    settings = filer_settings(tmp_path, settle_s=0.0)
    filer = RecordingFiler(sessions, LocalStore(tmp_path / "store"), settings)
    machine = await end_call("machine", connected=False)  # policy "connected": no file expected
    assert machine.recording_status is RecordingStatus.NOT_RECORDED_BY_POLICY  # settled as it ended
    await set_policy(sessions, rec_world.campaign_id, RecordingPolicy.NONE)
    await end_call("nobody")
    await set_policy(sessions, rec_world.campaign_id, RecordingPolicy.ALL)
    await end_call("machine-all", connected=False)  # policy "all": a machine is recorded too
    write_wav(spool_files(settings.spool_dir, "machine-all")[0], 6.0)
    for uid in ("machine", "nobody", "machine-all"):
        await filer.file_now(uid)
    statuses = {
        uid: (await stored(sessions, uid)).recording_status for uid in ("machine", "nobody", "machine-all")
    }
    assert statuses == {
        "machine": RecordingStatus.NOT_RECORDED_BY_POLICY,
        "nobody": RecordingStatus.NOT_RECORDED_BY_POLICY,
        "machine-all": RecordingStatus.FILED,
    }
    assert await filer.file_now("machine-all") is None  # settled once: never filed twice


async def test_the_policy_a_call_was_placed_under_decides_not_the_campaigns_now(
    sessions, rec_world, end_call, tmp_path
) -> None:
    settings = filer_settings(tmp_path, settle_s=0.0)
    filer = RecordingFiler(sessions, LocalStore(tmp_path / "store"), settings)
    await set_policy(sessions, rec_world.campaign_id, RecordingPolicy.ALL)
    await end_call("placed-all", connected=False)  # the dialplan was told "all": a machine recorded
    await end_call("placed-all-2", connected=False)
    await set_policy(sessions, rec_world.campaign_id, RecordingPolicy.NONE)  # changed after the calls
    await set_policy(sessions, rec_world.campaign_id, RecordingPolicy.CONNECTED)
    write_wav(spool_files(settings.spool_dir, "placed-all")[0], 4.0)
    await filer.file_now("placed-all")
    filed = await stored(sessions, "placed-all")
    assert (filed.recording_policy, filed.recording_status) == ("all", RecordingStatus.FILED)
    await filer.file_now("placed-all-2")  # its file never came: missing, not "not recorded by policy"
    assert (await stored(sessions, "placed-all-2")).recording_status is RecordingStatus.MISSING


def test_a_call_placed_before_calls_kept_their_policy_reads_as_connected() -> None:
    assert policy_of(Call(recording_policy=None)) is RecordingPolicy.CONNECTED
    assert policy_of(Call(recording_policy="none")) is RecordingPolicy.NONE


async def test_split_legs_are_filed_as_one_stereo_file_operator_left(
    sessions, rec_world, end_call, tmp_path
) -> None:
    await set_policy(sessions, rec_world.campaign_id, RecordingPolicy.CONNECTED, legs=True)
    await end_call("legs", talk_s=5)
    settings = filer_settings(tmp_path)
    mixed, operator_leg, customer_leg = spool_files(settings.spool_dir, "legs")
    write_wav(mixed, 5.0)
    write_wav(operator_leg, 5.0, tone_hz=440.0)
    write_wav(customer_leg, 5.0, tone_hz=None)
    store = LocalStore(tmp_path / "store")
    await RecordingFiler(sessions, store, settings).file_now("legs")
    call = await stored(sessions, "legs")
    assert call.recording_status is RecordingStatus.FILED and call.recording_key is not None
    with wave.open(str(store.path_for(call.recording_key))) as wav:
        assert wav.getnchannels() == 2
        frames = wav.readframes(800)
    left, right = frames[0::4], frames[2::4]  # 16-bit stereo: L L R R
    assert any(left) and not any(right)  # the operator's tone left, the silent customer right
    assert not any(path.exists() for path in (mixed, operator_leg, customer_leg))


async def test_a_call_asked_twice_at_once_is_filed_once(sessions, rec_world, end_call, tmp_path) -> None:
    """The sweep's worker and another caller on the same call: one filing, one result for both."""
    await end_call("twice", talk_s=3)
    settings = filer_settings(tmp_path)
    write_wav(spool_files(settings.spool_dir, "twice")[0], 3.0)
    store = LocalStore(tmp_path / "store")
    filer = RecordingFiler(sessions, store, settings)
    first, second = await asyncio.gather(filer.file_now("twice"), filer.file_now("twice"))
    assert first is not None and first.status is RecordingStatus.FILED and second == first
    assert filer.filed == 1 and len([k async for k in store.iter_keys()]) == 1


async def test_mp3_with_the_original_kept(sessions, rec_world, end_call, tmp_path) -> None:
    await end_call("mp3", talk_s=4)
    settings = filer_settings(tmp_path, format="mp3", keep_originals=True)
    write_wav(spool_files(settings.spool_dir, "mp3")[0], 4.0)
    store = LocalStore(tmp_path / "store")
    filer = RecordingFiler(sessions, store, settings)
    await filer.start()
    try:
        await filer.file_now("mp3")
    finally:
        await filer.stop()
    call = await stored(sessions, "mp3")
    assert call.recording_status is RecordingStatus.FILED and call.recording_format == "mp3"
    assert call.recording_key is not None and call.recording_key.endswith(".mp3")
    keys = sorted([k async for k in store.iter_keys()])
    assert keys == sorted([call.recording_key, call.recording_key.removesuffix(".mp3") + ".wav"])
    assert call.recording_seconds == pytest.approx(4.0)
    assert not any((tmp_path / "work").glob("*/*"))  # no scratch left


async def test_calls_left_pending_by_a_crash_are_filed_at_the_next_start(
    sessions, rec_world, end_call, tmp_path
) -> None:
    settings = filer_settings(tmp_path)
    for uid in ("p1", "p2", "p3"):
        await end_call(uid)
        write_wav(spool_files(settings.spool_dir, uid)[0], 8.0)
    # the engine ended the calls and died before filing: they are pending in the database
    filer = RecordingFiler(sessions, LocalStore(tmp_path / "store"), settings)
    await filer.start()  # its first sweep finds them
    try:
        for _ in range(100):
            if filer.filed == 3:
                break
            await filer.drain()
            await asyncio.sleep(0.05)
    finally:
        await filer.stop()
    assert {(await stored(sessions, uid)).recording_status for uid in ("p1", "p2", "p3")} == {
        RecordingStatus.FILED
    }
