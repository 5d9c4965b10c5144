"""Transcoding: real MixMonitor WAVs become MP3/Opus of the same length, off the loop, in bounds."""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from pathlib import Path

import pytest

from recordings.intake import inspect_recording
from recordings.transcode import (
    AudioFormat,
    ChannelLayout,
    TranscodeError,
    TranscodePolicy,
    TranscodeResult,
    merge_legs,
    transcode_file,
)
from recordings.transcode_pool import BatchProgress, TranscodeJob, TranscodePool

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")


def _duration(path: Path) -> float:
    result = inspect_recording(path)
    assert result.ok, result.reason
    assert result.duration_s is not None
    return result.duration_s


@pytest.mark.parametrize("fmt", [AudioFormat.MP3, AudioFormat.OPUS])
def test_real_recording_converted(tmp_path: Path, asterisk_recordings: list[Path], fmt: AudioFormat) -> None:
    source = max(asterisk_recordings, key=lambda p: p.stat().st_size)
    result = transcode_file(source, tmp_path, TranscodePolicy(format=fmt))
    (output,) = result.outputs
    assert output.name == source.stem + (".mp3" if fmt is AudioFormat.MP3 else ".ogg")
    assert abs(_duration(output) - _duration(source)) < 0.25
    assert output.stat().st_size < source.stat().st_size / 2
    assert result.audio_seconds == pytest.approx(_duration(source), abs=0.01)
    assert source.exists() and not result.original_deleted
    assert [p.name for p in tmp_path.iterdir()] == [output.name]  # no temporary files left


def test_original_deleted_by_policy(tmp_path: Path, asterisk_recordings: list[Path]) -> None:
    source = tmp_path / "spool" / "call-9.wav"
    source.parent.mkdir()
    shutil.copy(asterisk_recordings[0], source)
    result = transcode_file(source, tmp_path / "out", TranscodePolicy(keep_original=False))
    assert result.original_deleted and not source.exists()
    assert result.outputs[0].exists()


def test_legs_split_or_kept(tmp_path: Path, asterisk_recordings: list[Path]) -> None:
    operator, customer = sorted(asterisk_recordings, key=lambda p: p.stat().st_size)[:2]
    stereo = merge_legs(operator, customer, tmp_path / "call-5.wav")
    facts = inspect_recording(stereo)
    assert facts.ok and facts.channels == 2
    longest = max(_duration(operator), _duration(customer))
    assert facts.duration_s == pytest.approx(longest, abs=0.01)

    split = transcode_file(stereo, tmp_path / "split", TranscodePolicy(channels=ChannelLayout.SPLIT))
    assert [p.name for p in split.outputs] == ["call-5.operator.mp3", "call-5.customer.mp3"]
    for output in split.outputs:
        result = inspect_recording(output)
        assert result.channels == 1 and abs((result.duration_s or 0) - longest) < 0.25

    kept = transcode_file(stereo, tmp_path / "kept", TranscodePolicy(channels=ChannelLayout.KEEP))
    assert inspect_recording(kept.outputs[0]).channels == 2
    mixed = transcode_file(stereo, tmp_path / "mixed", TranscodePolicy(format=AudioFormat.OPUS))
    assert inspect_recording(mixed.outputs[0]).channels == 1


def test_bad_input_raises_and_keeps_original(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF....WAVEnot really")
    with pytest.raises(TranscodeError):
        transcode_file(bad, tmp_path / "out", TranscodePolicy(keep_original=False))
    assert bad.exists()
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


async def test_pool_batch_with_progress(tmp_path: Path, asterisk_recordings: list[Path]) -> None:
    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"")
    jobs = [TranscodeJob(path, tmp_path / "out") for path in asterisk_recordings]
    jobs.insert(2, TranscodeJob(bad, tmp_path / "out"))
    seen: list[BatchProgress] = []
    async with TranscodePool(max_workers=2, queue_size=1) as pool:
        outcomes = await pool.run_batch(jobs, progress=seen.append)
    assert [o.job for o in outcomes] == jobs
    assert isinstance(outcomes[2].error, TranscodeError) and outcomes[2].result is None
    good = [o.result for o in outcomes if o.result is not None]
    assert len(good) == len(asterisk_recordings)
    assert [p.done for p in seen] == list(range(1, len(jobs) + 1))
    assert seen[-1].failed == 1
    assert seen[-1].audio_seconds == pytest.approx(sum(r.audio_seconds for r in good))


async def test_pool_is_bounded_and_off_the_loop(tmp_path: Path) -> None:
    """A fake transcoder that blocks shows the bounds: N at once, a queue of Q, callers waiting."""
    gate = threading.Event()
    running = 0
    peak = 0
    lock = threading.Lock()

    def slow(source: Path, dest: Path, policy: TranscodePolicy) -> TranscodeResult:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        gate.wait(10)
        time.sleep(0.01)
        with lock:
            running -= 1
        return TranscodeResult(source, (), 1.0, False)

    async with TranscodePool(max_workers=2, queue_size=2, transcoder=slow) as pool:
        futures = [await pool.submit(TranscodeJob(tmp_path / f"{n}.wav", tmp_path)) for n in range(4)]
        for _ in range(500):  # the loop stays free while two jobs block their threads
            if running == 2:
                break
            await asyncio.sleep(0.01)
        assert running == 2 and pool.waiting == 2
        fifth = asyncio.create_task(pool.submit(TranscodeJob(tmp_path / "5.wav", tmp_path)))
        await asyncio.sleep(0.05)
        assert not fifth.done()  # the caller waits instead of piling work up
        gate.set()
        futures.append(await fifth)
        results = await asyncio.gather(*futures)
    assert len(results) == 5 and peak == 2


async def test_pool_with_processes(tmp_path: Path, asterisk_recordings: list[Path]) -> None:
    async with TranscodePool(max_workers=1, processes=True) as pool:
        result = await pool.transcode(TranscodeJob(asterisk_recordings[0], tmp_path, TranscodePolicy()))
    assert result.outputs[0].exists() and result.audio_seconds > 0
