"""A thousand recordings exported as the export route does it (selection, then the streamed ZIP):
the archive is complete and memory stays flat while ~50 MB of audio goes through."""

from __future__ import annotations

import asyncio
import tracemalloc
import zipfile
from datetime import UTC, datetime, timedelta

from dialer.auth.models import Role
from dialer.auth.principal import Principal
from dialer.call_recordings.exporting import select_for_export
from dialer.call_recordings.search import RecordingFilter
from dialer.calls.models import Call
from dialer.contacts.models import Contact
from dialer.db.engine import unit_of_work
from recordings.local_store import LocalStore
from recordings.naming import recording_key
from recordings.zip_stream import stream_zip
from tests.api.recordings_world import wav_file

COUNT = 1_000
T0 = datetime(2026, 11, 20, 9, tzinfo=UTC)


async def test_a_thousand_recordings_export_with_flat_memory(app, two_clients, tmp_path):
    world = two_clients[0]
    store = LocalStore(tmp_path / "store", fsync=False)
    audio = wav_file("ami-mixmonitor-d2.wav", 3.0, tmp_path / "wav").read_bytes()
    async with unit_of_work(app.state.sessions) as session:
        contacts = [Contact(campaign_id=world.campaign_id, phone=f"+7495{n:07d}") for n in range(COUNT)]
        session.add_all(contacts)
        await session.flush()
        calls = [
            Call(
                call_uid=f"scale-{n}",
                campaign_id=world.campaign_id,
                contact_id=contact.id,
                phone=contact.phone,
                attempt=1,
                placed_at=T0 + timedelta(seconds=n),
                talk_seconds=3.0,
            )
            for n, contact in enumerate(contacts)
        ]
        session.add_all(calls)
        await session.flush()
        for call in calls:
            call.recording_key = recording_key(world.client_id, call.placed_at, call.id)
            await store.put(call.recording_key, audio)

    archive = tmp_path / "export.zip"
    tracemalloc.start()
    try:
        async with app.state.sessions() as session:
            selection = await select_for_export(
                session, Principal(Role.QA, user_id=1), filters=RecordingFilter(client_id=world.client_id)
            )
        sent = 0
        sink = await asyncio.to_thread(archive.open, "wb")  # to check the result afterwards
        tracemalloc.reset_peak()
        baseline = tracemalloc.get_traced_memory()[0]
        async for chunk in stream_zip(store, selection.items, total=len(selection.items)):
            sent += len(chunk)
            sink.write(chunk)
        peak = tracemalloc.get_traced_memory()[1]
        sink.close()
    finally:
        tracemalloc.stop()

    assert len(selection.items) == COUNT
    assert sent > COUNT * len(audio)
    assert peak - baseline < 8 * 1024 * 1024, f"peak {peak - baseline} bytes above the selection"
    with zipfile.ZipFile(archive) as result:
        names = result.namelist()
        assert len(names) == COUNT + 1 and names[-1] == "manifest.csv"
        assert result.read(names[500]) == audio
