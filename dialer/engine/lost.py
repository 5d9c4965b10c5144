"""Asterisk's record of the calls that ended while nobody watched, for ``dialer.engine.settle``.

Read once at start for every call storage shows open (``prefetch``, from the reconciliation), and
again for a call lost later whose end the first read did not show yet (it ended between the read
and the first AMI resync, or while the AMI connection was down). The files are read in a thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from pathlib import Path

from ami.cel import CelCall, read_calls


class LostCalls:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder  # None: no record configured (every lost call is settled as proven)
        self._read_at_start: dict[str, CelCall] = {}

    async def prefetch(self, call_uids: Collection[str]) -> int:
        """Read the record of these calls now; how many have their end in it."""
        self._read_at_start.update(await self._read(call_uids))
        return sum(1 for r in self._read_at_start.values() if r.ended)

    async def record_of(self, call_uid: str) -> CelCall | None:
        known = self._read_at_start.pop(call_uid, None)
        if known is not None and known.ended:
            return known
        return (await self._read([call_uid])).get(call_uid, known)

    async def _read(self, call_uids: Collection[str]) -> dict[str, CelCall]:
        if self.folder is None or not call_uids:
            return {}
        return await asyncio.to_thread(read_calls, self.folder, call_uids)
