"""Each ended call's recording filed from Asterisk's spool into the store, off the event loop.

The store tells the filer each call that ended (after the transaction that marked it ``pending``);
``workers`` calls are filed at once, at most ``workers * 50`` wait, and a call that finds the queue
full simply stays pending. A sweep at start and every ``sweep_s`` picks up the pending calls (those a
crash, a full queue or a failing store left behind), so none is lost.

Filing one call: the policy says whether a file is expected; the MixMonitor file ``<uid>.wav`` (and,
when the campaign splits legs, ``<uid>-operator.wav`` and ``<uid>-customer.wav``, merged into one stereo file,
operator left) is awaited until its size settles, intake-checked, transcoded if the format asks,
stored under ``<client>/<YYYY>/<MM>/<DD>/call-<id>.<ext>`` with its checksum verified, and the facts
written on the call. A missing, empty or corrupt file is written as such with the reason, and
logged; its file is left in the spool for inspection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialer.call_recordings.filing import (
    INTAKE_STATUS,
    CallToFile,
    FilingResult,
    call_to_file,
    pending_call_uids,
    record_result,
)
from dialer.calls.models import RecordingStatus
from dialer.db.engine import unit_of_work
from dialer.observability import metrics
from recordings.filing import file_recording
from recordings.intake import inspect_recording_async
from recordings.naming import recording_key
from recordings.store import RecordingStore
from recordings.transcode import AudioFormat, ChannelLayout, TranscodeError, TranscodePolicy, merge_legs
from recordings.transcode_pool import TranscodeJob, TranscodePool

log = logging.getLogger(__name__)

QUEUE_PER_WORKER = 50


@dataclass(frozen=True, slots=True)
class FilerSettings:
    spool_dir: Path  # where MixMonitor writes (DIALER_RECDIR as this machine sees it)
    work_dir: Path  # merged legs and transcoded files, until stored
    format: str = "wav"  # wav | mp3 | opus
    keep_originals: bool = False  # mp3/opus: the WAV filed too, beside it
    workers: int = 2
    settle_s: float = 10.0
    sweep_s: float = 30.0


def spool_files(spool_dir: Path, call_uid: str) -> tuple[Path, Path, Path]:
    """The dialplan's names (extensions.conf, [dialer-record]): mixed, operator leg, customer leg."""
    return (
        spool_dir / f"{call_uid}.wav",
        spool_dir / f"{call_uid}-operator.wav",
        spool_dir / f"{call_uid}-customer.wav",
    )


async def settled(path: Path, within_s: float, *, look_every_s: float = 0.25) -> bool:
    """Wait until ``path`` exists and its size is the same at two looks, for ``within_s`` at most."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    last: int | None = None
    while True:
        size = await asyncio.to_thread(_size, path)
        if size is not None and size == last:
            return True
        if loop.time() >= deadline:
            return size is not None
        last = size
        await asyncio.sleep(look_every_s)


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


class RecordingFiler:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        store: RecordingStore,
        settings: FilerSettings,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if settings.format not in ("wav", "mp3", "opus"):
            raise ValueError(f"recordings format {settings.format!r}: wav, mp3 or opus")
        self.sessions = sessions
        self.store = store
        self.settings = settings
        self.clock = clock
        self.filed = 0
        self._queue: asyncio.Queue[str] = asyncio.Queue(maxsize=settings.workers * QUEUE_PER_WORKER)
        self._waiting: set[str] = set()
        self._filing: dict[str, asyncio.Future[FilingResult | None]] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._pool = TranscodePool(max_workers=settings.workers) if settings.format != "wav" else None

    # ---- running ------------------------------------------------------------------------------

    async def start(self) -> None:
        if self._tasks:
            return
        if self._pool is not None:
            self._pool.start()
        self._tasks = [
            asyncio.create_task(self._work(), name=f"recording-filer-{n}")
            for n in range(self.settings.workers)
        ]
        self._tasks.append(asyncio.create_task(self._sweep_forever(), name="recording-sweep"))

    def submit(self, call_uid: str) -> None:
        """File this ended call's recording soon (it stays pending if the queue is full)."""
        if call_uid in self._waiting:
            return
        try:
            self._queue.put_nowait(call_uid)
        except asyncio.QueueFull:
            log.info("recording of call %s waits for the next sweep (filing queue full)", call_uid)
            return
        self._waiting.add(call_uid)

    async def sweep(self) -> int:
        """Queue every pending call not queued yet; how many were queued."""
        async with self.sessions() as session:
            uids = await pending_call_uids(session, limit=self._queue.maxsize)
        before = len(self._waiting)
        for uid in uids:
            self.submit(uid)
        return len(self._waiting) - before

    async def drain(self) -> None:
        """Wait until every queued call is filed (or given up for the next sweep)."""
        await self._queue.join()

    async def stop(self, within_s: float = 10.0) -> None:
        """File what is queued (``within_s`` at most: the rest stays pending), then stop."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within_s):
                await self.drain()
        await self.kill()

    async def kill(self) -> None:
        running: list[asyncio.Future[Any]] = [*self._tasks, *self._filing.values()]
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        self._tasks = []
        self._filing.clear()
        if self._pool is not None:
            await self._pool.close()

    async def _sweep_forever(self) -> None:
        while True:
            try:
                found = await self.sweep()
                if found:
                    log.info("recordings: %d pending call(s) queued for filing", found)
            except Exception:
                log.exception("recordings: looking for pending calls failed")
            await asyncio.sleep(self.settings.sweep_s)

    async def _work(self) -> None:
        while True:
            uid = await self._queue.get()
            try:
                await self.file_now(uid)
            except Exception:
                metrics.RECORDING_FAILURES.labels("error").inc()
                log.exception("recording of call %s not filed; it stays pending for the next sweep", uid)
            finally:
                self._waiting.discard(uid)
                self._queue.task_done()

    # ---- one call -----------------------------------------------------------------------------

    async def file_now(self, call_uid: str) -> FilingResult | None:
        """File one call's recording and write the facts; None if it was not pending. A call being
        filed already (a worker got it from the sweep) is not filed twice: its result is returned."""
        running = self._filing.get(call_uid)
        if running is not None:
            return await asyncio.shield(running)
        task = asyncio.ensure_future(self._file_once(call_uid))
        self._filing[call_uid] = task
        try:
            return await asyncio.shield(task)
        finally:
            if task.done():
                self._filing.pop(call_uid, None)
            else:  # the caller was cancelled: the filing goes on, and forgets itself when done
                task.add_done_callback(lambda _: self._filing.pop(call_uid, None))

    async def _file_once(self, call_uid: str) -> FilingResult | None:
        async with self.sessions() as session:
            todo = await call_to_file(session, call_uid)
        if todo is None:
            return None
        if todo.wanted:
            result = await self._file(todo)
        else:
            result = FilingResult(RecordingStatus.NOT_RECORDED_BY_POLICY, f"policy {todo.policy.value}")
        async with unit_of_work(self.sessions) as session:
            written = await record_result(session, call_uid, result, self.clock())
        if not written:
            return None
        if result.status is RecordingStatus.FILED:
            self.filed += 1
            for path in spool_files(self.settings.spool_dir, call_uid):
                await asyncio.to_thread(path.unlink, missing_ok=True)
        elif result.status is not RecordingStatus.NOT_RECORDED_BY_POLICY:
            metrics.RECORDING_FAILURES.labels(result.status.value).inc()
            log.warning(
                "recording of call %s (id %s) %s: %s", call_uid, todo.call_id, result.status, result.problem
            )
        return result

    async def _file(self, todo: CallToFile) -> FilingResult:
        mixed, operator_leg, customer_leg = spool_files(self.settings.spool_dir, todo.call_uid)
        await settled(mixed, self.settings.settle_s)
        scratch: list[Path] = []
        try:
            source = mixed
            if await asyncio.to_thread(operator_leg.exists) or await asyncio.to_thread(customer_leg.exists):
                source = await self._stereo(todo, mixed, operator_leg, customer_leg, scratch)
            intake = await inspect_recording_async(source)
            if not intake.ok:
                return FilingResult(INTAKE_STATUS[intake.status], f"{source.name}: {intake.reason}")
            filed_path = source
            if self._pool is not None:
                policy = TranscodePolicy(
                    format=AudioFormat(self.settings.format), channels=ChannelLayout.KEEP, keep_original=True
                )
                work = self.settings.work_dir / uuid.uuid4().hex
                scratch.append(work)
                try:
                    done = await self._pool.transcode(TranscodeJob(source, work, policy))
                except TranscodeError as exc:
                    return FilingResult(RecordingStatus.CORRUPT, f"{source.name}: {exc}")
                filed_path = done.outputs[0]
            key = recording_key(todo.client_id, todo.placed_at, todo.call_id, filed_path.suffix)
            filed = await file_recording(self.store, key, filed_path)
            if filed.stored is None:
                return FilingResult(INTAKE_STATUS[filed.intake.status], f"{key}: {filed.intake.reason}")
            if self._pool is not None and self.settings.keep_originals:
                original = recording_key(todo.client_id, todo.placed_at, todo.call_id, ".wav")
                await file_recording(self.store, original, source)
            return FilingResult(
                RecordingStatus.FILED,
                key=key,
                seconds=intake.duration_s,
                size=filed.stored.size,
                sha256=filed.stored.sha256,
                format=self.settings.format,
            )
        finally:
            for path in scratch:
                await asyncio.to_thread(_remove, path)

    async def _stereo(
        self, todo: CallToFile, mixed: Path, operator_leg: Path, customer_leg: Path, scratch: list[Path]
    ) -> Path:
        """The two legs as one stereo WAV (operator left); the mixed file if a leg is unusable."""
        legs_there = [await settled(leg, 0.5) for leg in (operator_leg, customer_leg)]
        if not all(legs_there):
            log.warning("call %s: a leg's file is missing; the mixed recording is filed", todo.call_uid)
            return mixed
        stereo = self.settings.work_dir / f"{todo.call_uid}-{uuid.uuid4().hex[:8]}.wav"
        await asyncio.to_thread(stereo.parent.mkdir, parents=True, exist_ok=True)
        try:
            await asyncio.to_thread(merge_legs, operator_leg, customer_leg, stereo)
        except Exception as exc:  # pydub/ffmpeg refuse a broken leg: keep what we have
            log.warning("call %s: legs not merged (%s); the mixed recording is filed", todo.call_uid, exc)
            return mixed
        scratch.append(stereo)
        return stereo


def _remove(path: Path) -> None:
    if path.is_dir():
        for child in path.iterdir():
            child.unlink(missing_ok=True)
        path.rmdir()
    else:
        path.unlink(missing_ok=True)
