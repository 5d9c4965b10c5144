"""Scenario files (JSON and TOML), seeded random customers, and the clocks."""

from __future__ import annotations

import asyncio
import json
import time
import wave

import pytest

from pbxsim import RandomCustomers, ScaledClock, Scenario, VirtualClock, load_scenario
from pbxsim.clock import cdr_time, event_tv, ping_timestamp
from pbxsim.recorder import Recording

TOML = """
seed = 7
[customers."5551001"]
outcome = "busy"
ring = 1.5
[customers."5551002"]
outcome = "answer"
ring = 3
talk = 40
amd = "machine"
[random]
answer_rate = 0.5
ring = [2, 6]
talk = 30
[operators."1001"]
answer_delay = 0.5
disposition = "sale"
[operators."1002"]
registered = false
"""


def test_toml_scenario(tmp_path) -> None:
    path = tmp_path / "shift.toml"
    path.write_text(TOML)
    scenario = load_scenario(path)
    assert scenario.customer("5551001").outcome == "busy"
    machine = scenario.customer("5551002")
    assert (machine.ring, machine.talk, machine.amd) == (3, 40, "machine")
    assert scenario.operators["1001"].disposition == "sale"
    assert scenario.operators["1002"].registered is False
    drawn = scenario.customer("5559999")
    assert 2 <= drawn.ring <= 6


def test_json_scenario_equals_toml(tmp_path) -> None:
    import tomllib

    (tmp_path / "a.toml").write_text(TOML)
    (tmp_path / "a.json").write_text(json.dumps(tomllib.loads(TOML)))
    one, two = load_scenario(tmp_path / "a.toml"), load_scenario(tmp_path / "a.json")
    assert one.customers == two.customers and one.operators == two.operators


def test_bad_scenarios_are_refused(tmp_path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"customers": {"1": {"outcome": "maybe"}}}))
    with pytest.raises(ValueError, match="unknown outcome"):
        load_scenario(path)
    path.write_text(json.dumps({"customers": {"1": {"colour": "red"}}}))
    with pytest.raises(ValueError, match="unknown keys"):
        load_scenario(path)
    with pytest.raises(ValueError, match=r"\.json or \.toml"):
        load_scenario(tmp_path / "x.yaml")


def test_random_customers_are_reproducible_and_follow_the_rate() -> None:
    def draws(seed: int) -> list[str]:
        scenario = Scenario(random_customers=RandomCustomers(answer_rate=0.3), seed=seed)
        return [scenario.customer(str(n)).outcome for n in range(2000)]

    assert draws(1) == draws(1)
    assert draws(1) != draws(2)
    rate = draws(1).count("answer") / 2000
    assert 0.26 < rate < 0.34


async def test_virtual_clock_wakes_sleepers_in_order() -> None:
    clock = VirtualClock(start=1000.0)
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.time()))

    tasks = [asyncio.ensure_future(sleeper("late", 30)), asyncio.ensure_future(sleeper("early", 2))]
    await clock.advance(10)
    assert woke == [("early", 1002.0)] and clock.time() == 1010.0
    await clock.advance(25)
    assert woke[-1] == ("late", 1030.0)
    await asyncio.gather(*tasks)


async def test_scaled_clock_runs_faster() -> None:
    clock = ScaledClock(100.0)
    before, real = clock.time(), time.monotonic()
    await clock.sleep(5)  # 5 simulated seconds
    assert time.monotonic() - real < 1.0
    assert clock.time() - before >= 5


def test_asterisk_time_formats() -> None:
    epoch = 1795755575.240
    assert cdr_time(epoch) == "2026-11-27 04:59:35"
    assert event_tv(epoch) == "2026-11-27T04:59:35.240+0000"
    assert ping_timestamp(1795755713.170316) == "1795755713.170316"


@pytest.mark.parametrize("tone", [440.0, None])
def test_recording_keeps_only_bridged_time(tmp_path, tone) -> None:
    recording = Recording(tmp_path / "r.wav", bridged_only=True, started=100.0, tone_hz=tone)
    recording.bridged(102.0)
    recording.unbridged(105.5)
    recording.bridged(110.0)
    path = recording.stop(111.25)
    with wave.open(str(path)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
        assert wav.getnframes() == round(4.75 * 8000)
        frames = wav.readframes(8000)
    assert (frames.strip(b"\x00") == b"") == (tone is None)


async def test_simulator_on_a_virtual_clock(tmp_path) -> None:
    """A 30 s ring timeout passes when the test says so, not in real time."""
    from pbxsim import PbxSim
    from tests.pbxsim.helpers import AmiClient

    clock = VirtualClock()
    sim = PbxSim(clock=clock, recordings_dir=tmp_path, auth_fail_delay=0.01)
    sim.customer("100", outcome="noanswer")
    async with sim:
        client = await AmiClient.connect(sim.ami_port)
        await client.login()
        await client.action("Originate", ("Channel", "PJSIP/100@trunk"), ("Context", "dialer-customer"),
                            ("Exten", "s"), ("Async", "true"), ("ChannelId", "v-1"))  # fmt: skip
        await client.wait_event("DialState", DestUniqueid="v-1")
        await clock.advance(29)
        assert sim.live_channels() == ["PJSIP/trunk-00000000"]
        await clock.advance(2)
        hangup = await client.wait_event("Hangup", Uniqueid="v-1")
        assert hangup["Cause"] == "19"
        await client.close()


def test_lognormal_talk_times(tmp_path) -> None:
    path = tmp_path / "d.toml"
    path.write_text('seed = 5\n[random]\nanswer_rate = 1.0\nmachine_rate = 0.0\n'
                    'talk = { kind = "lognormal", mean = 90, sd = 60, low = 5, high = 900 }\n')  # fmt: skip
    scenario = load_scenario(path)
    talks = [scenario.customer(str(n)).talk for n in range(4000)]
    mean = sum(talks) / len(talks)
    assert 80 < mean < 100
    assert min(talks) >= 5 and max(talks) <= 900
    assert sorted(talks)[len(talks) // 2] < mean  # long-tailed: the median is below the mean


def test_the_demo_scenario_loads() -> None:
    from tests.pbxsim.helpers import REPO

    scenario = load_scenario(REPO / "pbxsim" / "scenarios" / "demo.toml")
    assert set(scenario.operators) == {"1001", "1002", "1003"}
    assert scenario.customer("5550006").amd == "machine"
    assert scenario.random_customers is not None
