"""Recorded calls for the recordings tests: two clients' calls filed in a local store, with the
PBX lab's real MixMonitor WAVs where the shared captures are present (else WAVs of the same shape)."""

from __future__ import annotations

import wave
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI

from dialer.billing.talk_time import call_talk_seconds
from dialer.calls.models import Call, CallOutcome, CallState
from dialer.contacts.models import Contact
from dialer.db.engine import unit_of_work
from dialer.operators.models import Operator
from recordings.local_store import LocalStore
from recordings.naming import recording_key
from tests.api.conftest import ClientWorld
from tests.conftest import SHARED

LAB = SHARED / "asterisk-traces" / "recordings"


@dataclass(frozen=True)
class Spec:
    label: str
    world: int  # 0: Romashka, 1: Vasilek
    operator: str | None
    phone: str
    placed_at: datetime
    talk_seconds: float
    disposition: str | None
    wav: str | None  # the lab file; None: a call with no recording


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


SPECS = [
    Spec(
        "a1",
        0,
        "Anna",
        "+74951502222",
        at(20, 10),
        3.0,
        "sale",
        "ami-mixmonitor-d2.wav",
    ),
    Spec(
        "a2",
        0,
        "Boris",
        "+74951503333",
        at(21, 11),
        5.0,
        "callback",
        "op-1795755546.2.wav",
    ),
    Spec(
        "a3",
        0,
        "Anna",
        "+74951504444",
        at(22, 12),
        7.0,
        "sale",
        "q-1795755529.0.wav",
    ),
    Spec("a4", 0, "Anna", "+74951506666", at(22, 13), 4.0, "sale", None),
    Spec(
        "b1",
        1,
        "Boris",
        "+74951505555",
        at(21, 9),
        11.98,
        "refused",
        "q-1795755755.22.wav",
    ),
]


@dataclass
class Recorded:
    store: LocalStore
    worlds: tuple[ClientWorld, ClientWorld]
    ids: dict[str, int] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    audio: dict[str, bytes] = field(default_factory=dict)
    operators: dict[str, int] = field(default_factory=dict)

    def labels(self, call_ids: list[int]) -> list[str]:
        by_id = {v: k for k, v in self.ids.items()}
        return [by_id[i] for i in call_ids]


def wav_file(name: str, seconds: float, folder: Path) -> Path:
    """The lab's recording ``name`` if present, else a silent 8 kHz 16-bit mono WAV as long."""
    real = LAB / name
    if real.is_file():
        return real
    folder.mkdir(exist_ok=True)
    path = folder / name
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x01\x00" * int(seconds * 8000))
    return path


async def seed(app: FastAPI, worlds: tuple[ClientWorld, ClientWorld], scratch: Path) -> Recorded:
    settings = app.state.settings
    store = LocalStore(settings.data_dir / "recordings", fsync=False)
    app.state.recording_store = store
    recorded = Recorded(store, worlds)
    async with unit_of_work(app.state.sessions) as session:
        for name in ("Anna", "Boris"):
            operator = Operator(name=name, login=name.lower(), sip_endpoint=f"op-{name.lower()}")
            session.add(operator)
            await session.flush()
            recorded.operators[name] = operator.id
        for spec in SPECS:
            world = worlds[spec.world]
            contact = Contact(campaign_id=world.campaign_id, phone=spec.phone, attempts=1)
            session.add(contact)
            await session.flush()
            call = Call(
                call_uid=f"uid-{spec.label}",
                campaign_id=world.campaign_id,
                contact_id=contact.id,
                phone=spec.phone,
                attempt=1,
                operator_id=recorded.operators[spec.operator] if spec.operator else None,
                state=CallState.ENDED,
                outcome=CallOutcome.HUMAN_CONNECTED,
                placed_at=spec.placed_at,
                connected_at=spec.placed_at,
                ended_at=spec.placed_at + timedelta(seconds=spec.talk_seconds),
                talk_seconds=spec.talk_seconds,
                billable_seconds=call_talk_seconds(
                    spec.placed_at, spec.placed_at + timedelta(seconds=spec.talk_seconds)
                ),
                disposition_code=spec.disposition,
            )
            session.add(call)
            await session.flush()
            recorded.ids[spec.label] = call.id
            if spec.wav is not None:
                source = wav_file(spec.wav, spec.talk_seconds, scratch)
                key = recording_key(world.client_id, spec.placed_at, call.id)
                await store.put(key, source)
                call.recording_key = key
                recorded.keys[spec.label] = key
                recorded.audio[spec.label] = source.read_bytes()
    return recorded
