"""Filing: intake-check a finished recording, then put it in the store under the call's key."""

from __future__ import annotations

import asyncio
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from recordings.intake import IntakeResult, inspect_recording_async
from recordings.store import RecordingStore, StoredObject

CONTENT_TYPES = {".wav": "audio/wav", ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".opus": "audio/ogg"}


class StoredCopyMismatch(RuntimeError):
    """The store reported a different checksum than the local file had: the copy is not trusted."""


@dataclass(frozen=True, slots=True)
class FiledRecording:
    """Intake facts, plus where the file went when it passed (``stored`` is None otherwise)."""

    intake: IntakeResult
    stored: StoredObject | None

    @property
    def ok(self) -> bool:
        return self.stored is not None


def content_type_for(path: Path) -> str:
    suffix = path.suffix.lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


async def file_recording(
    store: RecordingStore, key: str, path: str | Path, *, delete_source: bool = False
) -> FiledRecording:
    """Check ``path`` and, if it holds audio, store it under ``key`` and verify the stored checksum.

    A missing, empty or corrupt file is returned unfiled with the reason in ``intake``; nothing is
    stored and the local file is left for inspection. ``delete_source`` removes the local file only
    after the stored copy's checksum matched.
    """
    path = Path(path)
    intake = await inspect_recording_async(path)
    if not intake.ok:
        return FiledRecording(intake, None)
    stored = await store.put(key, path, content_type=content_type_for(path))
    if (stored.size, stored.sha256) != (intake.size, intake.sha256):
        await store.delete(key)
        raise StoredCopyMismatch(f"{path} changed while being filed as {key}")
    if delete_source:
        await asyncio.to_thread(path.unlink, missing_ok=True)
    return FiledRecording(intake, stored)
