"""A bounded pool that runs transcoding off the event loop.

``max_workers`` conversions run at once (threads by default: the work is ffmpeg, a subprocess);
at most ``queue_size`` more wait in an :class:`asyncio.Queue`, and a caller that submits past that
waits its turn instead of piling work up. Batches report progress after each file.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from recordings.transcode import TranscodePolicy, TranscodeResult, transcode_file

Transcoder = Callable[[Path, Path, TranscodePolicy], TranscodeResult]


@dataclass(frozen=True, slots=True)
class TranscodeJob:
    source: Path
    dest_dir: Path
    policy: TranscodePolicy = field(default_factory=TranscodePolicy)


@dataclass(frozen=True, slots=True)
class JobOutcome:
    """A batch job's result, or the error that stopped it (a batch never stops at one bad file)."""

    job: TranscodeJob
    result: TranscodeResult | None
    error: BaseException | None = None


@dataclass(frozen=True, slots=True)
class BatchProgress:
    done: int
    total: int
    failed: int
    audio_seconds: float


_Work = tuple[TranscodeJob, "asyncio.Future[TranscodeResult]"]


class TranscodePool:
    """Use as ``async with TranscodePool(max_workers=2) as pool: await pool.transcode(job)``."""

    def __init__(
        self,
        *,
        max_workers: int = 2,
        queue_size: int | None = None,
        processes: bool = False,
        transcoder: Transcoder = transcode_file,
    ) -> None:
        if max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        self.max_workers = max_workers
        self.queue_size = max_workers * 2 if queue_size is None else queue_size
        self._processes = processes
        self._transcoder = transcoder
        self._queue: asyncio.Queue[_Work] | None = None
        self._workers: list[asyncio.Task[None]] = []
        self._executor: Executor | None = None

    async def __aenter__(self) -> TranscodePool:
        self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.close()

    def start(self) -> None:
        if self._queue is not None:
            return
        self._queue = asyncio.Queue(maxsize=max(self.queue_size, 1))
        pool = ProcessPoolExecutor if self._processes else ThreadPoolExecutor
        self._executor = pool(max_workers=self.max_workers)
        self._workers = [
            asyncio.create_task(self._work(), name=f"transcode-{n}") for n in range(self.max_workers)
        ]

    @property
    def waiting(self) -> int:
        """Jobs queued and not yet started."""
        return self._queue.qsize() if self._queue is not None else 0

    async def submit(self, job: TranscodeJob) -> asyncio.Future[TranscodeResult]:
        """Queue ``job`` (waiting while the queue is full); the future resolves when it is done."""
        if self._queue is None:
            raise RuntimeError("the pool is not started")
        future: asyncio.Future[TranscodeResult] = asyncio.get_running_loop().create_future()
        await self._queue.put((job, future))
        return future

    async def transcode(self, job: TranscodeJob) -> TranscodeResult:
        return await (await self.submit(job))

    async def run_batch(
        self, jobs: Iterable[TranscodeJob], progress: Callable[[BatchProgress], None] | None = None
    ) -> list[JobOutcome]:
        """Transcode every job; outcomes come back in job order, failures included."""
        jobs = list(jobs)
        state = {"done": 0, "failed": 0, "seconds": 0.0}

        def finished(future: asyncio.Future[TranscodeResult]) -> None:
            state["done"] += 1
            if future.cancelled() or future.exception() is not None:
                state["failed"] += 1
            else:
                state["seconds"] += future.result().audio_seconds
            if progress is not None:
                progress(BatchProgress(int(state["done"]), len(jobs), int(state["failed"]), state["seconds"]))

        futures = []
        for job in jobs:
            future = await self.submit(job)
            future.add_done_callback(finished)
            futures.append(future)
        await asyncio.gather(*futures, return_exceptions=True)
        return [
            JobOutcome(job, None, future.exception())
            if future.exception()
            else JobOutcome(job, future.result())
            for job, future in zip(jobs, futures, strict=True)
        ]

    async def _work(self) -> None:
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        while True:
            job, future = await self._queue.get()
            try:
                if future.cancelled():
                    continue
                call = functools.partial(self._transcoder, job.source, job.dest_dir, job.policy)
                try:
                    result = await loop.run_in_executor(self._executor, call)
                except Exception as exc:
                    if not future.done():
                        future.set_exception(exc)
                else:
                    if not future.done():
                        future.set_result(result)
            finally:
                self._queue.task_done()

    async def close(self) -> None:
        """Finish queued jobs, then stop the workers and the executor."""
        if self._queue is None:
            return
        await self._queue.join()
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        self._queue, self._workers, self._executor = None, [], None
