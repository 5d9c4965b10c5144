"""Fixtures: a simulator on a free port with a fast clock, and an AMI client logged in to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from pbxsim import PbxSim, ScaledClock, Scenario
from tests.pbxsim.helpers import AmiClient, TinyAgiServer

SPEED = 20.0  # simulated seconds per real second: a 30 s ring timeout takes 1.5 s


@pytest.fixture
async def sim(tmp_path) -> AsyncIterator[PbxSim]:
    simulator = PbxSim(
        Scenario(),
        clock=ScaledClock(SPEED),
        ami_port=0,
        recordings_dir=tmp_path / "rec",
        auth_fail_delay=0.05,
        agi_port=1,
        record_dir=tmp_path / "pbx-record",
    )
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def client(sim: PbxSim) -> AsyncIterator[AmiClient]:
    ami = await AmiClient.connect(sim.ami_port)
    ami.clock = sim.clock.time
    response = await ami.login()
    assert response.response == "Success"
    yield ami
    await ami.close()


@pytest.fixture
async def agi(sim: PbxSim) -> AsyncIterator[TinyAgiServer]:
    """A FastAGI server that answers like the lab's 'nailed' script: CONF=op<OPERATOR>."""

    def nailed(env: dict[str, str]) -> list[str]:
        operator = "1001"
        return ["GET VARIABLE OPERATOR", "GET VARIABLE LEAD_ID", f'SET VARIABLE CONF "op{operator}"']

    server = TinyAgiServer(nailed)
    sim.pbx.config.agi_port = await server.start()
    yield server
    await server.stop()
