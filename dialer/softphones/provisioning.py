"""Keeping Asterisk's operator endpoints equal to the database.

After every committed change of an operator (and at start), ``Provisioner.sync`` reads the enabled
operators, renders the include file (``pjsip_conf.render``), writes it atomically off the event loop
(a temporary file in the same folder, mode 0640, renamed over the old one) and asks Asterisk to
reload res_pjsip. Each sync writes the whole database's state; on PostgreSQL, processes sharing the
database take turns (an advisory lock), so the last file written is always the latest state. A
failed reload (Asterisk down) is logged: Asterisk reads the file at its next start anyway. Passwords
are never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ami.errors import AmiError
from ami.oneshot import send_once
from ami.settings import AmiSettings
from dialer.settings import Settings
from dialer.softphones.accounts import enabled_accounts
from dialer.softphones.pjsip_conf import render

log = logging.getLogger(__name__)

FILE_MODE = 0o640  # Asterisk (its group) reads it; nobody else: it holds the SIP passwords
RELOAD_ACTION = (("Action", "Reload"), ("Module", "res_pjsip.so"))
SYNC_LOCK = 0x70_6A_73_69  # PostgreSQL advisory lock ("pjsi"): one sync at a time across processes

Reload = Callable[[], Awaitable[None]]


def ami_reload(settings: AmiSettings) -> Reload:
    """Reload res_pjsip on the Asterisk at ``settings`` (AMI ``Reload``, write class ``system``)."""

    async def reload() -> None:
        await send_once(settings, RELOAD_ACTION)

    return reload


def write_atomically(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` so readers see the old file or the new one, never half of one.
    The new file keeps the old one's group (e.g. ``asterisk``). False when nothing changed."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE)
        with contextlib.suppress(FileNotFoundError, PermissionError):
            os.fchown(fd, -1, path.stat().st_gid)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return True


@dataclass(frozen=True)
class SyncResult:
    endpoints: int  # enabled operators written
    changed: bool  # the file's text changed
    reloaded: bool  # Asterisk acknowledged the reload
    written: bool = True  # False: the file could not be written (logged)


class Provisioner:
    """Writes the operators' PJSIP file from the database and has Asterisk reload it."""

    def __init__(self, path: Path, reload: Reload | None = None) -> None:
        self.path = path
        self.reload = reload
        self._lock = asyncio.Lock()

    async def sync(self, sessions: async_sessionmaker[AsyncSession]) -> SyncResult:
        """The file from the committed database, then the reload (always: a file changed by another
        process is reloaded too). A failed write or reload is logged, not raised: the database change
        it follows is committed already, and the next sync (or start) writes the whole state again."""
        async with self._lock, sessions() as session, session.begin():
            if session.get_bind().dialect.name == "postgresql":
                # Processes sharing the database take turns: whoever writes last read last, so the
                # file never goes back to an older state than one already written.
                await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SYNC_LOCK})
            accounts = await enabled_accounts(session)
            try:
                changed = await asyncio.to_thread(write_atomically, self.path, render(accounts))
            except OSError as exc:
                log.error(
                    "softphones: cannot write %s (%s); Asterisk keeps the endpoints it had", self.path, exc
                )
                return SyncResult(len(accounts), changed=False, reloaded=False, written=False)
            if changed:
                log.info("softphones: %d endpoint(s) written to %s", len(accounts), self.path)
            reloaded = await self._reload()
            return SyncResult(len(accounts), changed, reloaded)

    async def _reload(self) -> bool:
        if self.reload is None:
            return False
        try:
            await self.reload()
        except (AmiError, OSError, TimeoutError) as exc:
            log.warning(
                "softphones: %s written but res_pjsip not reloaded (%s); Asterisk reads it at its "
                "next start or reload",
                self.path,
                exc,
            )
            return False
        return True


def provisioner_for(settings: Settings) -> Provisioner:
    """The file of ``settings``, reloaded on the first AMI server (where the softphones register)."""
    servers = settings.ami_servers
    return Provisioner(
        settings.effective_pjsip_operators_file, ami_reload(servers[0].ami()) if servers else None
    )
