"""Intake checks: a recording is accepted only with a known duration, size and checksum.

WAV files (what Asterisk's MixMonitor writes) are read with :mod:`wave` plus a walk over the RIFF
chunks, so a header that promises more audio than the file holds is caught; other formats are asked
of ``ffprobe``. A missing, empty, header-only or unreadable file gets a status and a reason, never a
silent pass.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import struct
import subprocess
import wave
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path


class IntakeStatus(StrEnum):
    OK = "ok"
    MISSING = "missing"
    EMPTY = "empty"
    CORRUPT = "corrupt"


@dataclass(frozen=True, slots=True)
class IntakeResult:
    """What intake found about one file; ``reason`` says why when ``status`` is not ``ok``."""

    path: Path
    status: IntakeStatus
    reason: str = ""
    size: int = 0
    sha256: str = ""
    duration_s: float | None = None
    channels: int | None = None
    sample_rate: int | None = None

    @property
    def ok(self) -> bool:
        return self.status is IntakeStatus.OK


def inspect_recording(path: str | Path, *, ffprobe: str = "ffprobe") -> IntakeResult:
    """Check one recording file (blocking: call :func:`inspect_recording_async` from the loop)."""
    path = Path(path)
    try:
        size, sha256 = _digest(path)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return IntakeResult(path, IntakeStatus.MISSING, "no such file")
    except OSError as exc:
        return IntakeResult(path, IntakeStatus.MISSING, f"cannot be read: {exc}")
    found = IntakeResult(path, IntakeStatus.OK, size=size, sha256=sha256)
    if size == 0:
        return _with(found, IntakeStatus.EMPTY, "file is 0 bytes")
    if _looks_like_wav(path):
        return _inspect_wav(found)
    return _inspect_other(found, ffprobe)


async def inspect_recording_async(path: str | Path, *, ffprobe: str = "ffprobe") -> IntakeResult:
    """:func:`inspect_recording` in a worker thread."""
    return await asyncio.to_thread(inspect_recording, path, ffprobe=ffprobe)


def duration_matches(result: IntakeResult, expected_s: float, tolerance_s: float = 1.0) -> bool:
    """True when the file's duration is within ``tolerance_s`` of the call record's talk time."""
    return result.duration_s is not None and abs(result.duration_s - expected_s) <= tolerance_s


def _digest(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


def _with(
    found: IntakeResult,
    status: IntakeStatus,
    reason: str,
    *,
    duration_s: float | None = None,
    channels: int | None = None,
    sample_rate: int | None = None,
) -> IntakeResult:
    return replace(
        found, status=status, reason=reason, duration_s=duration_s, channels=channels, sample_rate=sample_rate
    )


def _looks_like_wav(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(12)
    return head[:4] in (b"RIFF", b"RIFX") or (path.suffix.lower() == ".wav" and len(head) < 12)


def _data_chunk(path: Path) -> tuple[int, int] | None:
    """(offset, declared size) of the RIFF ``data`` chunk, or None when there is none."""
    with path.open("rb") as handle:
        handle.seek(12)
        while header := handle.read(8):
            if len(header) < 8:
                return None
            chunk_id, chunk_size = struct.unpack("<4sI", header)
            if chunk_id == b"data":
                return handle.tell(), chunk_size
            handle.seek(chunk_size + (chunk_size & 1), 1)
    return None


def _inspect_wav(found: IntakeResult) -> IntakeResult:
    try:
        with wave.open(str(found.path), "rb") as reader:
            channels, width, rate = reader.getnchannels(), reader.getsampwidth(), reader.getframerate()
            frames = reader.getnframes()
    except (wave.Error, EOFError, struct.error, RuntimeError, ValueError) as exc:
        return _with(found, IntakeStatus.CORRUPT, f"not a readable WAV: {exc or type(exc).__name__}")
    chunk = _data_chunk(found.path)
    if chunk is None or rate <= 0:
        return _with(found, IntakeStatus.CORRUPT, "WAV has no data chunk or no sample rate")
    offset, declared = chunk
    present = found.size - offset
    if present <= 0:
        return _with(
            found,
            IntakeStatus.EMPTY,
            "WAV header only, 0 audio frames",
            duration_s=0.0,
            channels=channels,
            sample_rate=rate,
        )
    if declared > present:
        return _with(
            found,
            IntakeStatus.CORRUPT,
            f"WAV truncated: header declares {declared} data bytes, file holds {present}",
            duration_s=present // (channels * width) / rate,
            channels=channels,
            sample_rate=rate,
        )
    if frames == 0:
        return _with(
            found,
            IntakeStatus.CORRUPT,
            f"WAV header declares 0 frames but {present} bytes follow (writer did not finish the header)",
            duration_s=0.0,
            channels=channels,
            sample_rate=rate,
        )
    return _with(found, IntakeStatus.OK, "", duration_s=frames / rate, channels=channels, sample_rate=rate)


def _inspect_other(found: IntakeResult, ffprobe: str) -> IntakeResult:
    command = [
        ffprobe,
        "-v",
        "error",
        "-show_entries",
        "format=duration:stream=channels,sample_rate",
        "-of",
        "json",
    ]
    try:
        answer = subprocess.run(
            [*command, str(found.path)], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return _with(found, IntakeStatus.CORRUPT, f"ffprobe could not run: {exc}")
    if answer.returncode != 0:
        return _with(found, IntakeStatus.CORRUPT, f"ffprobe: {answer.stderr.strip()[:200] or 'unreadable'}")
    try:
        probe = json.loads(answer.stdout)
        duration = float(probe["format"]["duration"])
    except (ValueError, KeyError, TypeError):
        return _with(found, IntakeStatus.CORRUPT, "ffprobe reports no duration")
    streams = probe.get("streams") or [{}]
    channels, rate = _int_or_none(streams[0].get("channels")), _int_or_none(streams[0].get("sample_rate"))
    if duration <= 0:
        return _with(
            found,
            IntakeStatus.EMPTY,
            "no audio (duration 0)",
            duration_s=0.0,
            channels=channels,
            sample_rate=rate,
        )
    return _with(found, IntakeStatus.OK, "", duration_s=duration, channels=channels, sample_rate=rate)


def _int_or_none(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None
