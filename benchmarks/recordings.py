"""Recordings throughput: WAV -> MP3 transcoding, and a streamed ZIP export with its peak memory.

Generated 8 kHz mono 16-bit WAVs of realistic call lengths (30-300 s: a tone that glides like a
voice, under noise, with pauses) are transcoded to MP3 through the bounded pool; the MP3s are then
put in a local store and exported as one ZIP of ``--export-entries`` recordings with a manifest,
consumed chunk by chunk and thrown away as an HTTP client would take it. RSS is sampled every 5 ms
while the export runs. Measured, not asserted.

    python benchmarks/recordings.py [--files 32] [--workers 2] [--export-entries 1000] [--seed 7]

The last line of output is one JSON object:
{"transcode_audio_s_per_s": ..., "zip_export_mb_per_s": ..., "zip_peak_rss_mb": ...}.
"""

from __future__ import annotations

import argparse
import array
import asyncio
import json
import math
import random
import sys
import tempfile
import threading
import time
import wave
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

# Run as a script, this file would shadow the package it measures: drop its folder from the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from recordings.local_store import LocalStore  # noqa: E402
from recordings.transcode import AudioFormat, TranscodePolicy  # noqa: E402
from recordings.transcode_pool import BatchProgress, TranscodeJob, TranscodePool  # noqa: E402
from recordings.zip_stream import ExportItem, ExportProgress, stream_zip  # noqa: E402

RATE = 8000
MB = 1_000_000


def base_signal(seconds: int, rng: random.Random) -> bytes:
    """A voice-like test signal: a gliding tone with a harmonic, noise, and a pause every few seconds."""
    samples = array.array("h")
    phase = 0.0
    for n in range(seconds * RATE):
        t = n / RATE
        talking = (t % 7.0) < 5.5
        pitch = 180 + 60 * math.sin(2 * math.pi * 0.3 * t)
        phase += 2 * math.pi * pitch / RATE
        voice = (math.sin(phase) + 0.4 * math.sin(3 * phase)) * 6000 if talking else 0.0
        samples.append(int(max(-32768, min(32767, voice + rng.gauss(0, 300)))))
    return samples.tobytes()


def make_calls(folder: Path, count: int, min_s: int, max_s: int, seed: int) -> list[Path]:
    rng = random.Random(seed)
    base = base_signal(37, rng)  # a prime length so files do not line up with the pauses
    paths = []
    for number in range(count):
        seconds = rng.randint(min_s, max_s)
        start = rng.randrange(0, len(base) // 2) * 2
        frames = bytearray()
        while len(frames) < seconds * RATE * 2:
            frames += base[start:] if not frames else base
        path = folder / f"call-{number:03d}.wav"
        with wave.open(str(path), "wb") as writer:
            writer.setnchannels(1)
            writer.setsampwidth(2)
            writer.setframerate(RATE)
            writer.writeframes(bytes(frames[: seconds * RATE * 2]))
        paths.append(path)
    return paths


async def transcode_all(paths: list[Path], out: Path, workers: int) -> tuple[float, float, list[Path]]:
    last: list[BatchProgress] = []
    started = time.perf_counter()
    async with TranscodePool(max_workers=workers) as pool:
        jobs = [
            TranscodeJob(path, out, TranscodePolicy(format=AudioFormat.MP3, bitrate="32k")) for path in paths
        ]
        outcomes = await pool.run_batch(jobs, progress=last.append)
    wall = time.perf_counter() - started
    failed = [o for o in outcomes if o.result is None]
    if failed:
        raise SystemExit(f"{len(failed)} transcodes failed: {failed[0].error}")
    outputs = [path for o in outcomes if o.result for path in o.result.outputs]
    return last[-1].audio_seconds, wall, outputs


class RssSampler:
    """Peak resident memory of this process, sampled from a thread while a block runs."""

    def __init__(self, interval: float = 0.005) -> None:
        self.process = psutil.Process()
        self.interval = interval
        self.baseline = self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


async def export(store: LocalStore, keys: list[str], entries: int) -> tuple[int, float, RssSampler, int]:
    t0 = datetime(2026, 11, 27, 9, tzinfo=UTC)
    items = [
        ExportItem(
            keys[n % len(keys)],
            f"2026-11-27/call-{n:05d}.mp3",
            {
                "call_id": n,
                "time": t0 + timedelta(seconds=40 * n),
                "operator": f"op-{n % 40}",
                "contact": f"+4420{n:08d}",
                "disposition": "callback",
                "duration_s": 120,
            },
        )
        for n in range(entries)
    ]
    progress: list[ExportProgress] = []
    sent = 0
    with RssSampler() as rss:
        started = time.perf_counter()
        async for chunk in stream_zip(store, items, progress=progress.append):
            sent += len(chunk)
        wall = time.perf_counter() - started
    return sent, wall, rss, progress[-1].bytes_read


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=32, help="generated calls to transcode")
    parser.add_argument("--min-s", type=int, default=30)
    parser.add_argument("--max-s", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2, help="transcoding pool size")
    parser.add_argument("--export-entries", type=int, default=1000, help="recordings in the ZIP export")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="rec-bench-") as tmp:
        root = Path(tmp)
        (root / "wav").mkdir()
        started = time.perf_counter()
        wavs = make_calls(root / "wav", args.files, args.min_s, args.max_s, args.seed)
        wav_mb = sum(p.stat().st_size for p in wavs) / MB
        print(f"generated {len(wavs)} WAVs, {wav_mb:.1f} MB, in {time.perf_counter() - started:.1f} s")

        audio_s, wall, mp3s = await transcode_all(wavs, root / "mp3", args.workers)
        rate = audio_s / wall
        mp3_mb = sum(p.stat().st_size for p in mp3s) / MB
        print(
            f"transcode: {audio_s:.0f} s of audio in {wall:.2f} s with {args.workers} workers "
            f"= {rate:.0f} audio s/s ({mp3_mb:.1f} MB of MP3)"
        )

        store = LocalStore(root / "store", fsync=False)
        keys = []
        for path in mp3s:
            stored = await store.put(f"2026/11/27/{path.name}", path, content_type="audio/mpeg")
            keys.append(stored.key)
        sent, wall, rss, read = await export(store, keys, args.export_entries)
        mb_s = sent / MB / wall
        print(
            f"zip export: {args.export_entries} recordings, {read / MB:.1f} MB read, {sent / MB:.1f} MB sent "
            f"in {wall:.2f} s = {mb_s:.0f} MB/s; RSS {rss.baseline / MB:.1f} -> peak {rss.peak / MB:.1f} MB "
            f"(+{(rss.peak - rss.baseline) / MB:.1f} MB)"
        )
    print(
        json.dumps(
            {
                "transcode_audio_s_per_s": round(rate, 1),
                "zip_export_mb_per_s": round(mb_s, 1),
                "zip_peak_rss_mb": round(rss.peak / MB, 1),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
