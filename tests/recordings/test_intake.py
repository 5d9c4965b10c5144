"""Intake: real MixMonitor files are accepted with the right facts; broken ones say what is wrong."""

from __future__ import annotations

import hashlib
import subprocess
import wave
from pathlib import Path

import pytest

from recordings.filing import file_recording
from recordings.intake import IntakeStatus, duration_matches, inspect_recording, inspect_recording_async
from recordings.local_store import LocalStore
from recordings.store import read_all


def test_real_recordings_accepted_with_catalogue_facts(
    asterisk_recordings: list[Path], asterisk_catalogue: dict[str, dict[str, float]]
) -> None:
    assert asterisk_catalogue, "recordings.txt lists the captured files"
    for path in asterisk_recordings:
        result = inspect_recording(path)
        assert result.status is IntakeStatus.OK, result.reason
        assert result.size == path.stat().st_size
        assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert (result.channels, result.sample_rate) == (1, 8000)
        facts = asterisk_catalogue.get(path.name)
        if facts is not None:
            assert result.size == facts["bytes"]
            assert result.duration_s == pytest.approx(facts["duration_s"], abs=0.001)
            assert duration_matches(result, facts["duration_s"] + 0.9)
            assert not duration_matches(result, facts["duration_s"] + 1.1)


def test_missing_file(tmp_path: Path) -> None:
    result = inspect_recording(tmp_path / "never-written.wav")
    assert result.status is IntakeStatus.MISSING and "no such file" in result.reason
    assert not result.ok


def test_zero_byte_file(tmp_path: Path) -> None:
    (tmp_path / "zero.wav").write_bytes(b"")
    result = inspect_recording(tmp_path / "zero.wav")
    assert result.status is IntakeStatus.EMPTY and "0 bytes" in result.reason


def test_header_only_wav(tmp_path: Path, asterisk_recordings: list[Path]) -> None:
    header = asterisk_recordings[0].read_bytes()[:44]  # Asterisk's own 44-byte header, no audio after it
    header = header[:40] + b"\x00\x00\x00\x00"
    (tmp_path / "header.wav").write_bytes(header)
    result = inspect_recording(tmp_path / "header.wav")
    assert result.status is IntakeStatus.EMPTY and "header only" in result.reason


def test_truncated_wav(tmp_path: Path, asterisk_recordings: list[Path]) -> None:
    data = asterisk_recordings[0].read_bytes()
    (tmp_path / "cut.wav").write_bytes(data[: len(data) // 2])
    result = inspect_recording(tmp_path / "cut.wav")
    assert result.status is IntakeStatus.CORRUPT and "truncated" in result.reason


def test_unfinished_header(tmp_path: Path, asterisk_recordings: list[Path]) -> None:
    data = bytearray(asterisk_recordings[0].read_bytes())
    data[40:44] = b"\x00\x00\x00\x00"  # data chunk size never written back
    (tmp_path / "open.wav").write_bytes(bytes(data))
    result = inspect_recording(tmp_path / "open.wav")
    assert result.status is IntakeStatus.CORRUPT and "0 frames" in result.reason


def test_garbage_with_wav_name(tmp_path: Path) -> None:
    (tmp_path / "noise.wav").write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunkjunk")
    assert inspect_recording(tmp_path / "noise.wav").status is IntakeStatus.CORRUPT
    (tmp_path / "text.mp3").write_bytes(b"this is not audio at all" * 10)
    result = inspect_recording(tmp_path / "text.mp3")
    assert result.status is IntakeStatus.CORRUPT and "ffprobe" in result.reason


def test_compressed_formats_via_ffprobe(tmp_path: Path, asterisk_recordings: list[Path]) -> None:
    source = asterisk_recordings[0]
    with wave.open(str(source)) as reader:
        expected = reader.getnframes() / reader.getframerate()
    for name in ("a.mp3", "a.ogg"):
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-i", str(source), str(tmp_path / name)], check=True, timeout=60
        )
        result = inspect_recording(tmp_path / name)
        assert result.ok, result.reason
        assert duration_matches(result, expected, 0.25)  # MP3 frames at 8 kHz are 144 ms long


async def test_filing_stores_good_and_refuses_bad(tmp_path: Path, asterisk_recordings: list[Path]) -> None:
    store = LocalStore(tmp_path / "store")
    work = tmp_path / "spool"
    work.mkdir()
    good = work / "call-1.wav"
    good.write_bytes(asterisk_recordings[0].read_bytes())
    (work / "call-2.wav").write_bytes(b"")

    filed = await file_recording(store, "c/call-1.wav", good, delete_source=True)
    assert filed.ok and filed.stored is not None
    assert filed.stored.sha256 == filed.intake.sha256
    assert await read_all(store, "c/call-1.wav") == asterisk_recordings[0].read_bytes()
    assert not good.exists()

    empty = await file_recording(store, "c/call-2.wav", work / "call-2.wav", delete_source=True)
    assert not empty.ok and empty.intake.status is IntakeStatus.EMPTY
    assert not await store.exists("c/call-2.wav")
    assert (work / "call-2.wav").exists()

    missing = await file_recording(store, "c/call-3.wav", work / "call-3.wav")
    assert missing.intake.status is IntakeStatus.MISSING and not await store.exists("c/call-3.wav")
    assert (await inspect_recording_async(work / "call-3.wav")).status is IntakeStatus.MISSING
