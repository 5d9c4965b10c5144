"""MixMonitor: a recording of a channel, written as an 8 kHz mono 16-bit WAV when it stops.

With option ``b`` (as the product's dialplan uses it) only bridged time is recorded, as
Asterisk does: the file's length is the time the customer actually spent with an operator. Options
``r(file)`` and ``t(file)`` also write the channel's received and transmitted audio (the customer's
and the operator's leg) to files of their own, of the same length.
"""

from __future__ import annotations

import math
import re
import struct
import wave
from dataclasses import dataclass, field
from pathlib import Path

RATE = 8000


@dataclass
class Recording:
    """One MixMonitor on one channel."""

    path: Path
    bridged_only: bool
    started: float
    tone_hz: float | None = 440.0
    legs: tuple[Path, ...] = ()  # r() and t() files
    _seconds: float = 0.0
    _open_since: float | None = None
    intervals: list[tuple[float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.bridged_only:
            self._open_since = self.started

    def bridged(self, now: float) -> None:
        """The channel is now bridged with someone (start counting for option ``b``)."""
        if self.bridged_only and self._open_since is None:
            self._open_since = now

    def unbridged(self, now: float) -> None:
        if self.bridged_only and self._open_since is not None:
            self._close(now)

    def _close(self, now: float) -> None:
        assert self._open_since is not None
        self.intervals.append((self._open_since, now))
        self._seconds += max(0.0, now - self._open_since)
        self._open_since = None

    def stop(self, now: float) -> Path:
        """Close the recording and write the file; returns its path."""
        if self._open_since is not None:
            self._close(now)
        write_wav(self.path, self._seconds, self.tone_hz)
        for leg in self.legs:
            write_wav(leg, self._seconds, self.tone_hz)
        return self.path

    @property
    def seconds(self) -> float:
        return self._seconds


@dataclass(frozen=True)
class MixMonitorOptions:
    """MixMonitor's option string: single-letter flags, and the r()/t() leg files."""

    flags: str
    receive: str | None = None  # r(file)
    transmit: str | None = None  # t(file)

    @classmethod
    def parse(cls, options: str) -> MixMonitorOptions:
        args = dict(re.findall(r"([A-Za-z])\(([^)]*)\)", options))
        flags = re.sub(r"[A-Za-z]\([^)]*\)", "", options)
        return cls(flags, args.get("r"), args.get("t"))


def write_wav(path: Path, seconds: float, tone_hz: float | None = 440.0) -> None:
    """Write ``seconds`` of a quiet tone (or silence) as 8 kHz mono 16-bit PCM."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = round(seconds * RATE)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        if tone_hz is None:
            out.writeframes(b"\x00\x00" * frames)
            return
        period = [int(3000 * math.sin(2 * math.pi * tone_hz * i / RATE)) for i in range(RATE)]
        one_second = struct.pack(f"<{RATE}h", *period)
        whole, rest = divmod(frames, RATE)
        for _ in range(whole):
            out.writeframes(one_second)
        out.writeframes(one_second[: rest * 2])
