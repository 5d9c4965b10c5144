"""Softphone registrations stated at every connect (PJSIPShowContacts), not only heard as events."""

from __future__ import annotations

import pytest

from ami import events as ev
from ami import facts as f
from ami.client import AmiClient
from ami.endpoints import REACHABLE, REMOVED, UNREACHABLE, EndpointTracker
from ami.settings import AmiSettings
from ami.wire import Message
from tests.ami.conftest import until
from tests.ami.test_tracker import messages

sim_module = pytest.importorskip("pbxsim.sim")


class Recorder:
    def __init__(self) -> None:
        self.facts: list[object] = []

    def on_fact(self, fact: object) -> None:
        self.facts.append(fact)

    def listings(self) -> list[dict[str, str]]:
        return [dict(x.statuses) for x in self.facts if isinstance(x, f.EndpointsListed)]


def snapshot(action_id: str) -> list[ev.ContactList]:
    """The ContactList events of one PJSIPShowContacts in the real capture n3."""
    items = [m for _, m in messages("n3_registration_lifecycle_1002") if m.action_id == action_id]
    return [e for e in map(ev.to_event, items) if isinstance(e, ev.ContactList)]


def test_a_captured_listing_states_every_softphone() -> None:
    recorder = Recorder()
    tracker = EndpointTracker(recorder)
    tracker.resync(snapshot("s1-registered-contacts"))
    tracker.resync(snapshot("s4-killed-unreachable-contacts"))  # 1002 killed: qualify failed
    assert recorder.listings() == [
        {"1001": REACHABLE, "1002": REACHABLE},
        {"1001": REACHABLE, "1002": UNREACHABLE},
    ]


def test_an_endpoint_gone_from_the_listing_is_removed_and_unknown_is_not_reachable() -> None:
    recorder = Recorder()
    tracker = EndpointTracker(recorder)
    heard = [("Event", "ContactStatus"), ("AOR", "1003"), ("EndpointName", "1003")]
    tracker.feed(ev.to_event(Message.of([*heard, ("ContactStatus", "Reachable")])))
    unknown = ev.to_event(Message.of([("Event", "ContactList"), ("Endpoint", "1004"), ("Status", "Unknown")]))
    assert isinstance(unknown, ev.ContactList)
    tracker.resync([unknown])
    assert recorder.listings() == [{"1004": UNREACHABLE}]
    assert tracker.status == {"1003": REMOVED, "1004": UNREACHABLE}


async def test_the_client_lists_softphones_at_connect_and_after_a_drop(tmp_path) -> None:
    sim = sim_module.PbxSim(ami_port=0, recordings_dir=tmp_path, auth_fail_delay=0.05)
    sim.operator("1001")  # registered before the client connects: no event will tell
    sim.operator("1002", registered=False)
    port = await sim.start()
    user, secret = next(iter(sim_module.DEFAULT_USERS.items()))
    recorder = Recorder()
    settings = AmiSettings(
        port=port, username=user, secret=secret, boot_timeout=2, reconnect_min=0.05, reconnect_max=0.2
    )
    client = AmiClient(settings, endpoints=EndpointTracker(recorder))
    try:
        await client.start()
        await client.wait_ready(3)
        assert recorder.listings() == [{"1001": REACHABLE}]
        for session in list(sim.server.sessions):
            session.close()
        sim.unregister("1001")  # while the client hears nothing
        sim.register("1002")
        await until(lambda: len(recorder.listings()) == 2, within=5)
    finally:
        await client.stop()
        await sim.stop()
    assert recorder.listings()[-1] == {"1002": REACHABLE}
