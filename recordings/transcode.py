"""Transcoding Asterisk's WAV to MP3 or Opus (Ogg) with pydub and ffmpeg, one file at a time.

:func:`transcode_file` is blocking (ffmpeg runs as a subprocess); run it through
:class:`recordings.transcode_pool.TranscodePool` from async code. Outputs are written under a
temporary name and renamed when complete; the original is deleted only after every output exists.
A stereo recording (operator leg left, customer leg right) can be mixed to mono, kept as stereo for
QA, or split into one mono file per leg.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydub import AudioSegment
from pydub.exceptions import CouldntDecodeError, CouldntEncodeError


class AudioFormat(StrEnum):
    MP3 = "mp3"
    OPUS = "opus"


class ChannelLayout(StrEnum):
    MIX = "mix"  # one mono file
    KEEP = "keep"  # channels as recorded (stereo kept for QA)
    SPLIT = "split"  # one mono file per leg


SUFFIX = {AudioFormat.MP3: ".mp3", AudioFormat.OPUS: ".ogg"}


class TranscodeError(RuntimeError):
    """The source could not be read or the target could not be written."""


@dataclass(frozen=True, slots=True)
class TranscodePolicy:
    """How recordings are converted for storage and delivery (per campaign or client)."""

    format: AudioFormat = AudioFormat.MP3
    bitrate: str = "32k"
    channels: ChannelLayout = ChannelLayout.MIX
    keep_original: bool = True
    leg_names: tuple[str, str] = ("operator", "customer")  # left channel, right channel


@dataclass(frozen=True, slots=True)
class TranscodeResult:
    source: Path
    outputs: tuple[Path, ...]
    audio_seconds: float
    original_deleted: bool


def _export_args(policy: TranscodePolicy) -> dict[str, Any]:
    if policy.format is AudioFormat.MP3:
        return {"format": "mp3", "bitrate": policy.bitrate}
    return {
        "format": "ogg",
        "codec": "libopus",
        "bitrate": policy.bitrate,
        "parameters": ["-application", "voip"],
    }


def _write(segment: Any, target: Path, policy: TranscodePolicy) -> None:
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        handle = segment.export(str(temp), **_export_args(policy))
        handle.close()
        if temp.stat().st_size == 0:
            raise TranscodeError(f"ffmpeg wrote nothing for {target.name}")
        os.replace(temp, target)
    except CouldntEncodeError as exc:
        raise TranscodeError(f"cannot encode {target.name}: {str(exc).strip()[-300:]}") from exc
    finally:
        temp.unlink(missing_ok=True)


def transcode_file(source: str | Path, dest_dir: str | Path, policy: TranscodePolicy) -> TranscodeResult:
    """Convert one WAV into ``dest_dir`` per ``policy``; named ``<stem>.mp3`` or ``<stem>.<leg>.mp3``."""
    source, dest_dir = Path(source), Path(dest_dir)
    try:
        segment = AudioSegment.from_file(str(source))
    except (CouldntDecodeError, OSError, IndexError, ValueError) as exc:
        raise TranscodeError(f"cannot read {source.name}: {str(exc).strip()[-300:]}") from exc
    if len(segment) == 0:
        raise TranscodeError(f"{source.name} holds no audio")
    dest_dir.mkdir(parents=True, exist_ok=True)
    suffix = SUFFIX[policy.format]
    outputs: list[Path] = []
    try:
        if policy.channels is ChannelLayout.SPLIT and segment.channels == 2:
            for leg, mono in zip(policy.leg_names, segment.split_to_mono(), strict=True):
                outputs.append(dest_dir / f"{source.stem}.{leg}{suffix}")
                _write(mono, outputs[-1], policy)
        else:
            if policy.channels is ChannelLayout.MIX and segment.channels > 1:
                segment = segment.set_channels(1)
            outputs.append(dest_dir / f"{source.stem}{suffix}")
            _write(segment, outputs[-1], policy)
    except BaseException:
        for done in outputs:
            done.unlink(missing_ok=True)
        raise
    deleted = False
    if not policy.keep_original and source.resolve() not in {out.resolve() for out in outputs}:
        source.unlink(missing_ok=True)
        deleted = True
    return TranscodeResult(source, tuple(outputs), len(segment) / 1000.0, deleted)


def merge_legs(operator_wav: str | Path, customer_wav: str | Path, target: str | Path) -> Path:
    """Two mono leg recordings (MixMonitor's r()/t() files) as one stereo WAV: operator left.

    The shorter leg is padded with silence. Blocking, like :func:`transcode_file`.
    """
    left = AudioSegment.from_file(str(operator_wav)).set_channels(1)
    right = AudioSegment.from_file(str(customer_wav)).set_channels(1)
    if left.frame_rate != right.frame_rate or left.sample_width != right.sample_width:
        right = right.set_frame_rate(left.frame_rate).set_sample_width(left.sample_width)
    length = max(len(left), len(right))
    left = left + AudioSegment.silent(length - len(left), frame_rate=left.frame_rate)
    right = right + AudioSegment.silent(length - len(right), frame_rate=right.frame_rate)
    frames = min(int(left.frame_count()), int(right.frame_count()))
    left = left.get_sample_slice(0, frames)
    right = right.get_sample_slice(0, frames)
    stereo = AudioSegment.from_mono_audiosegments(left, right)
    target = Path(target)
    temp = target.with_name(f".{target.name}.part")
    stereo.export(str(temp), format="wav").close()
    os.replace(temp, target)
    return target
