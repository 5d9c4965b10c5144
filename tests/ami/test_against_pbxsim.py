"""The AMI client and tracker against the project's PBX simulator (a real AMI server over TCP):
a nailed-up operator, a customer put through to it, then an Asterisk restart."""

from __future__ import annotations

import pytest

from ami import facts as f
from ami.client import AmiClient
from ami.settings import AmiSettings
from ami.tracked import TrackedCalls
from ami.tracker import CallTracker
from tests.ami.conftest import until

sim_module = pytest.importorskip("pbxsim.sim")


class Recorder:
    def __init__(self) -> None:
        self.facts: list[f.Fact] = []

    def on_fact(self, fact: f.Fact) -> None:
        self.facts.append(fact)

    def names(self, call_id: str) -> list[str]:
        return [type(x).__name__ for x in self.facts if isinstance(x, f.CallFact) and x.call_id == call_id]


async def test_operator_customer_and_restart_through_the_simulator(tmp_path):
    sim = sim_module.PbxSim(ami_port=0, recordings_dir=tmp_path, auth_fail_delay=0.05)
    sim.operator("1001")
    sim.customer("5551002", outcome="answer", ring=0.1, talk=30)
    port = await sim.start()
    user, secret = next(iter(sim_module.DEFAULT_USERS.items()))
    recorder = Recorder()
    settings = AmiSettings(
        port=port,
        username=user,
        secret=secret,
        ping_interval=0.5,
        boot_timeout=2,
        reconnect_min=0.05,
        reconnect_max=0.2,
    )
    client = AmiClient(settings)
    calls = TrackedCalls(client, CallTracker(recorder))
    try:
        await client.start()
        await client.wait_ready(3)
        await calls.originate(
            "op1001-login-1", "PJSIP/1001", context="operator-login", exten="1001", operator="1001"
        )
        await until(lambda: "OperatorReady" in recorder.names("op1001-login-1"), within=5)
        await calls.originate(
            "cust-1", "PJSIP/5551002@trunk", context="dialer-nailed-join", variables={"OPERATOR": "1001"}
        )
        await until(lambda: "CallConnected" in recorder.names("cust-1"), within=5)
        await sim.restart(downtime=0.2, boot_time=0.1)
        await until(lambda: "CallHungUp" in recorder.names("cust-1"), within=5)
        await until(lambda: client.ready, within=5)
    finally:
        await client.stop()
        await sim.stop()
    assert recorder.names("cust-1") == [
        "CallCreated",
        "CallRinging",
        "CallAnswered",
        "CallConnected",
        "CallHungUp",
    ]
    [ended] = [x for x in recorder.facts if isinstance(x, f.CallHungUp)]
    [logout] = [x for x in recorder.facts if isinstance(x, f.OperatorLoggedOut)]
    assert ended.hung_up_by is f.HungUpBy.PBX_RESTART and logout.reason is f.HungUpBy.PBX_RESTART
    assert calls.tracker.live_calls == []


async def test_no_registered_softphone_is_an_empty_contact_list_not_an_error(tmp_path):
    """Asterisk 22 answers PJSIPShowContacts with ``Error / No Contacts found`` when nothing is
    registered (seen on a real 22.10.1); the client turns that into an empty list."""
    sim = sim_module.PbxSim(ami_port=0, recordings_dir=tmp_path, auth_fail_delay=0.05)
    sim.operator("1001", registered=False)
    port = await sim.start()
    user, secret = next(iter(sim_module.DEFAULT_USERS.items()))
    client = AmiClient(AmiSettings(port=port, username=user, secret=secret, boot_timeout=2))
    TrackedCalls(client, CallTracker(Recorder()))
    try:
        await client.start()
        await client.wait_ready(3)
        assert await client.pjsip_show_contacts() == []
        sim.register("1001")
        [contact] = await client.pjsip_show_contacts()
        assert contact["Endpoint"] == "1001"
    finally:
        await client.stop()
        await sim.stop()
