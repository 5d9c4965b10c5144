"""A base read and built in a worker process, handed to the event loop in bounded batches.

The API and the dialing engine share one event loop. Reading a base (decoding, the CSV reader, the
phone numbers, the row rules) is pure Python: in a worker thread it held the GIL, and each time the
loop let go of it for a system call the loop waited up to the switch interval (5 ms) to get it back.
:func:`reading_process` runs that work in a process of its own (:mod:`dialer.contacts.pipeline_worker`,
a fresh interpreter, never a fork of a process with threads and an event loop), which on a machine
with two cores also builds the next batches while the loop writes this one. The loop only reads the
pipe, unpickles finished records and writes them.

The file reaches the process as a descriptor: the caller's own file when it is a regular file (an
upload's temporary file, a file opened by the command line), else a temporary copy. Its size is
checked here first, so a file over the limit is refused without being read or copied.

Memory stays bounded: the process sends at most :data:`~dialer.contacts.pipeline_messages.DEPTH`
batches ahead of the ones the loop has taken. Its refusals and faults are raised here; leaving the
context (done, failed or cancelled) stops it: asked first (``SIGTERM``, so it stops the workbook's
own reader in turn), killed after :data:`STOP_GRACE_S`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from pathlib import Path
from typing import BinaryIO, NoReturn

import dialer
from dialer.contacts.pipeline_messages import (
    CREDIT,
    Batch,
    ContactsGo,
    DncGo,
    Failed,
    Opened,
    ReadSpec,
    frame,
    receive,
)
from dialer.contacts.reading import COPY_CHUNK, checked_source

STOP_GRACE_S = 5.0
"""How long the process may take to stop once asked before it is killed."""
READ_LIMIT = 16 * 1024 * 1024
"""Bytes the loop buffers from the process's pipe before it stops reading it (the batches ahead are
bounded by credits; this only keeps a stream of oversized batches in check)."""
_WORKER = "dialer.contacts.pipeline_worker"


class ReaderFailed(RuntimeError):
    """The reading process stopped without saying why (killed, out of memory) or said nonsense."""


def _regular_fd(source: BinaryIO) -> int | None:
    """The descriptor of ``source`` if it is a regular file another process can read, else ``None``."""
    try:
        source.flush()
        fd = source.fileno()
        return fd if stat.S_ISREG(os.fstat(fd).st_mode) else None
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return None


def _passable(source: BinaryIO, max_bytes: int) -> tuple[int, int, Callable[[], None]]:
    """A descriptor of the file, where it starts, and what to call once the process has it.

    Refuses a file over ``max_bytes`` before reading it (:func:`~dialer.contacts.reading.checked_source`).
    Blocks: call it off the loop."""
    checked, _size = checked_source(source, max_bytes)
    fd = _regular_fd(checked)
    if fd is not None:
        # A stream was spooled to a file of our own (kept open until the process has its copy).
        return fd, checked.tell(), (lambda: None) if checked is source else checked.close
    copy = tempfile.TemporaryFile(prefix="dialer-import-")  # noqa: SIM115 (closed by the caller)
    try:
        shutil.copyfileobj(checked, copy, COPY_CHUNK)
        copy.flush()
    except BaseException:
        copy.close()
        raise
    return copy.fileno(), 0, copy.close


def _environment() -> dict[str, str]:
    """The service's environment, with this very ``dialer`` package first on the path."""
    env = dict(os.environ)
    root = str(Path(dialer.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


class ReadingProcess:
    """The loop's side of one reading process: what it says, and the credits it is given."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.finished = False

    async def _send(self, message: object) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        try:
            stdin.write(frame(message))
            await stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            await self._gone()

    async def _gone(self) -> NoReturn:
        code = await self.process.wait()
        raise ReaderFailed(
            f"the import's reading process stopped (exit code {code}) before the end of the file"
        )

    async def _receive(self) -> object:
        stdout = self.process.stdout
        assert stdout is not None
        try:
            message = await receive(stdout)
        except asyncio.IncompleteReadError:
            await self._gone()
        if isinstance(message, Failed):
            raise message.error
        return message

    async def opened(self) -> Opened:
        """The opened file; raises the process's refusal of it (``UnreadableFile``, ...)."""
        message = await self._receive()
        if not isinstance(message, Opened):
            raise ReaderFailed(f"the import's reading process said {type(message).__name__}, not Opened")
        return message

    async def go(self, go: ContactsGo | DncGo) -> None:
        """Start building rows with what the database says (the numbers known already...)."""
        await self._send(go)

    async def batches(self) -> AsyncGenerator[Batch, None]:
        """The batches in file order; the last has ``done`` set. Taking one lets the process send
        another; a refusal part-way (``UnreadableFile``) or a fault is raised here."""
        stdin = self.process.stdin
        assert stdin is not None
        while True:
            message = await self._receive()
            if not isinstance(message, Batch):
                raise ReaderFailed(f"the import's reading process said {type(message).__name__}, not Batch")
            if message.done:
                self.finished = True
                yield message
                return
            stdin.write(CREDIT)
            yield message

    async def stop(self) -> None:
        """Wait for a process that is done, stop one that is not; killed if it takes too long."""
        process = self.process
        if process.stdin is not None:
            process.stdin.close()
        if not self.finished and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
        try:
            await asyncio.wait_for(process.wait(), STOP_GRACE_S)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        except asyncio.CancelledError:  # cancelled again while waiting: no more patience
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            raise


@contextlib.asynccontextmanager
async def reading_process(source: BinaryIO, spec: ReadSpec) -> AsyncIterator[ReadingProcess]:
    """A process reading ``source`` as ``spec`` says (its ``fd`` and ``start`` are filled in here).

    Raises ``FileTooLarge`` before starting it for a file over ``spec.max_bytes``."""
    fd, start, release = await asyncio.to_thread(_passable, source, spec.max_bytes)
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            _WORKER,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            pass_fds=(fd,),
            env=_environment(),
            limit=READ_LIMIT,
        )
    finally:
        release()  # the process has its own descriptor now (or never will)
    reader = ReadingProcess(process)
    try:
        await reader._send(dataclasses.replace(spec, fd=fd, start=start))
        yield reader
    finally:
        await reader.stop()
