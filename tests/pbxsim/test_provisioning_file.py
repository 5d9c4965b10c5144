"""The simulator's endpoints come from the product's generated PJSIP file, read at start and at every
AMI reload of res_pjsip, as Asterisk reads them: nothing else can register or be dialled."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ami.settings import AmiSettings
from dialer.softphones.accounts import new_password
from dialer.softphones.pjsip_conf import SoftphoneAccount, render
from dialer.softphones.provisioning import ami_reload
from pbxsim import PbxSim, ScaledClock, Scenario
from pbxsim.scenario import OperatorScript
from tests.pbxsim.helpers import AmiClient


@pytest.fixture
def pjsip_file(tmp_path: Path) -> Path:
    return tmp_path / "pjsip_operators.conf"


@pytest.fixture
async def sim(tmp_path: Path, pjsip_file: Path) -> AsyncIterator[PbxSim]:
    scenario = Scenario(operators={"1002": OperatorScript("1002", registered=False)})
    simulator = PbxSim(
        scenario,
        clock=ScaledClock(20),
        ami_port=0,
        recordings_dir=tmp_path / "rec",
        auth_fail_delay=0.05,
        agi_port=1,
        pjsip_file=pjsip_file,
    )
    await simulator.start()
    yield simulator
    await simulator.stop()


def provision(path: Path, *endpoints: str) -> dict[str, str]:
    passwords = {e: new_password() for e in endpoints}
    path.write_text(render(SoftphoneAccount(e, f"Operator {e}", p) for e, p in passwords.items()))
    return passwords


async def originate_operator(client: AmiClient, endpoint: str, call_id: str) -> str:
    await client.action(
        "Originate",
        ("Channel", f"PJSIP/{endpoint}"),
        ("Context", "dialer-operator-login"),
        ("Exten", endpoint),
        ("Async", "true"),
        ("ChannelId", call_id),
    )
    return (await client.wait_event("OriginateResponse", Uniqueid=call_id))["Response"]


async def test_no_file_no_endpoint_a_scripted_operator_included(sim: PbxSim, client: AmiClient) -> None:
    assert sim.pbx.endpoints.by_name == {}
    assert sim.register("1002") is False
    await client.wait_event("InvalidAccountID", AccountID="1002")
    assert await originate_operator(client, "1002", "op-1") == "Failure"


async def test_the_reload_brings_the_file_s_endpoints_and_takes_away_the_removed(
    sim: PbxSim, client: AmiClient, pjsip_file: Path
) -> None:
    passwords = provision(pjsip_file, "1001", "1002")
    reply = await client.action("Reload", ("Module", "res_pjsip.so"))
    assert (reply.response, reply.get("Message")) == ("Success", "Module Reloaded")

    # 1001 has no script: its simulated softphone registers at once; 1002's script says it waits.
    await client.wait_event("ContactStatus", AOR="1001", ContactStatus="Reachable")
    assert sim.pbx.endpoints.get("1002") is not None and not sim.pbx.endpoints.get("1002").registered
    assert sim.register("1002", password="not-the-password-at-all") is False
    await client.wait_event("InvalidPassword", AccountID="1002")
    assert sim.register("1002", password=passwords["1002"]) is True
    await client.wait_event("ContactStatus", AOR="1002", ContactStatus="Reachable")
    assert await originate_operator(client, "1002", "op-2") == "Success"

    provision(pjsip_file, "1002")  # 1001 disabled in the product
    reply = await client.action("Command", ("Command", "module reload res_pjsip.so"))
    assert reply.response == "Success"
    await client.wait_event("ContactStatus", AOR="1001", ContactStatus="Removed")
    assert sim.pbx.endpoints.get("1001") is None
    assert sim.register("1001") is False
    assert await originate_operator(client, "1001", "op-3") == "Failure"


async def test_the_product_s_reload_action_is_what_the_simulator_answers(
    sim: PbxSim, pjsip_file: Path
) -> None:
    provision(pjsip_file, "1007")
    await ami_reload(AmiSettings(port=sim.ami_port, username="autodialer", secret="autodialer"))()
    assert sim.pbx.endpoints.get("1007") is not None


async def test_a_module_the_simulator_does_not_have_is_not_found(client: AmiClient) -> None:
    reply = await client.action("Reload", ("Module", "res_nothing.so"))
    assert (reply.response, reply.get("Message")) == ("Error", "No such module")


async def test_a_restarted_simulator_reads_the_file_again(sim: PbxSim, pjsip_file: Path) -> None:
    provision(pjsip_file, "1001")
    sim.reload_endpoints()
    provision(pjsip_file, "1005")  # changed while Asterisk was down
    await sim.restart(downtime=0.1, boot_time=0.1)
    assert set(sim.pbx.endpoints.by_name) == {"1005"}
