"""The engine's side of supervisors' spy requests: placed where the call is, followed by the spy
leg's facts, failed with a reason when the call is not here or the supervisor does not answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ami.facts import HungUpBy, OperatorLoggedOut, SpyStarted, SpyStopped
from dialer.engine.floor import Floor, LiveCall
from dialer.engine.ports import PbxUnavailable
from dialer.engine.spy import SpyAsk, SpyDialer
from dialer.engine.writer import OrderedWriter
from dialer.supervision.models import SpyStatus

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


class Store:
    def __init__(self, *asks: SpyAsk) -> None:
        self.asks = list(asks)
        self.taken: dict[int, tuple[str, str]] = {}
        self.states: dict[int, list[tuple[SpyStatus, str | None]]] = {}

    async def pending(self) -> list[SpyAsk]:
        return [a for a in self.asks if a.request_id not in self.taken and a.request_id not in self.states]

    async def take(self, request_id: int, session_id: str, target: str, at: datetime) -> bool:
        self.taken[request_id] = (session_id, target)
        return True

    async def progress(
        self, request_id: int, status: SpyStatus, at: datetime, error: str | None = None
    ) -> None:
        self.states.setdefault(request_id, []).append((status, error))


class Pbx:
    ready = True

    def __init__(self, channels: dict[str, str], refuse: bool = False) -> None:
        self.channels = channels
        self.refuse = refuse
        self.placed: list[tuple[str, str, str, str, str]] = []

    def spy_target(self, call_uid: str) -> str | None:
        return self.channels.get(call_uid)

    async def spy(self, session_id: str, endpoint: str, mode: str, target: str, call_uid: str) -> None:
        if self.refuse:
            raise PbxUnavailable("not connected")
        self.placed.append((session_id, endpoint, mode, target, call_uid))


def ask(request_id: int, call_uid: str = "c1", mode: str = "listen") -> SpyAsk:
    return SpyAsk(request_id, 5, call_uid, mode, "9001", T0)


def floor_with(call_uid: str) -> Floor:
    floor = Floor()
    floor.add_call(LiveCall(call_uid, 1, 1, "trunk", "pbx", T0))
    return floor


async def test_a_request_is_placed_on_the_operators_channel_and_followed_to_its_end() -> None:
    store, pbx, writer = Store(ask(1)), Pbx({"c1": "PJSIP/1001-00000001"}), OrderedWriter()
    writer.start()
    spies = SpyDialer(floor_with("c1"), store, pbx, writer)
    assert await spies.tick(T0) == 1
    leg, target = store.taken[1]
    assert pbx.placed == [(leg, "9001", "listen", "PJSIP/1001-00000001", "c1")] and target == pbx.placed[0][3]
    spies.on_fact(SpyStarted(leg, T0, "9001", "1001"))
    spies.on_fact(SpyStopped(leg, T0 + timedelta(seconds=30), "9001", "1001"))
    await writer.drain()
    assert store.states[1] == [(SpyStatus.ACTIVE, None), (SpyStatus.ENDED, None)]
    await writer.stop()


async def test_a_supervisor_who_does_not_answer_fails_the_request() -> None:
    store, pbx, writer = Store(ask(1)), Pbx({"c1": "PJSIP/1001-00000001"}), OrderedWriter()
    writer.start()
    spies = SpyDialer(floor_with("c1"), store, pbx, writer)
    await spies.tick(T0)
    leg, _ = store.taken[1]
    spies.on_fact(OperatorLoggedOut(leg, T0 + timedelta(seconds=20), "9001", HungUpBy.UNKNOWN))
    await writer.drain()
    [(status, error)] = store.states[1]
    assert status is SpyStatus.FAILED and error is not None and "did not answer" in error
    await writer.stop()


async def test_a_call_not_here_waits_then_fails_and_a_refusal_fails_at_once() -> None:
    store, writer = Store(ask(1, "elsewhere"), ask(2, "c1")), OrderedWriter()
    spies = SpyDialer(floor_with("c1"), store, Pbx({"c1": "PJSIP/1001-1"}, refuse=True), writer, wait_s=30)
    assert await spies.tick(T0 + timedelta(seconds=10)) == 1  # request 2 taken, then refused
    assert 1 not in store.states  # another engine may have it: wait
    assert store.states[2] == [(SpyStatus.FAILED, "the PBX refused: not connected")]
    await spies.tick(T0 + timedelta(seconds=31))
    [(status, error)] = store.states[1]
    assert status is SpyStatus.FAILED and error is not None and "elsewhere" in error
