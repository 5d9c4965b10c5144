"""The campaign's recording policy travels with every call the engine places (channel variables
the dialplan's MixMonitor subroutine reads), and the call's record keeps the same policy."""

from __future__ import annotations

from dataclasses import replace

from dialer.campaigns.models import RecordingPolicy
from dialer.engine.floor import Floor, LiveOperator, Seat
from dialer.engine.limits import Limits, TrunkLimit
from dialer.engine.runner import CampaignRunner, RunnerSettings
from tests.engine.fakes import T0, FakePbx, FakeStore, plan


async def _placed(policy: RecordingPolicy, legs: bool) -> tuple[FakePbx, FakeStore]:
    floor, store, pbx = Floor(), FakeStore(["+79160000001", "+79160000002"]), FakePbx()
    for i, endpoint in enumerate(("1001", "1002")):
        floor.operators[endpoint] = LiveOperator(i + 1, endpoint, frozenset({1}), seat=Seat.READY, held=True)
    runner = CampaignRunner(
        replace(plan(), recording_policy=policy, recording_split_legs=legs),
        floor=floor,
        store=store,
        pbx=pbx,
        limits=Limits([TrunkLimit("trunk", "asterisk", 30, 100.0)], {"asterisk": 100.0}),
        settings=RunnerSettings(),
    )
    assert await runner.tick(T0) == 2
    return pbx, store


async def test_every_call_carries_its_campaigns_policy() -> None:
    for policy in RecordingPolicy:
        for legs in (False, True):
            pbx, store = await _placed(policy, legs)
            assert {(c.recording, c.recording_legs) for c in pbx.originated} == {(policy, legs)}
            # the call record keeps the policy its Originate carried: filing reads it there
            assert store.recording_policies == {c.call_uid: policy for c in pbx.originated}
