"""``dialer pbxsim``: run the PBX simulator on its own, scripted by a scenario file.

    dialer pbxsim --scenario shift.toml --ami-port 5038 --agi-port 4573 --speed 10

It listens for AMI clients like an Asterisk 22 would (user/secret from ``--user``), calls the
product's FastAGI server where the dialplan does, and writes MixMonitor recordings to
``--recordings``. Stop it with Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from typing import Any

from dialer.commands import COMMANDS
from pbxsim import PbxSim, RealClock, ScaledClock, Scenario, load_scenario
from pbxsim.clock import Clock

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("pbxsim", help=COMMANDS["pbxsim"])
    parser.add_argument("--scenario", help="scenario file (.toml or .json); default: everyone answers")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--ami-port", type=int, default=5038, help="AMI port (default 5038)")
    parser.add_argument(
        "--user", default="autodialer:autodialer", help="AMI USER:SECRET (default autodialer:autodialer)"
    )
    parser.add_argument("--agi-host", default="127.0.0.1", help="the product's FastAGI host")
    parser.add_argument("--agi-port", type=int, default=4573, help="the product's FastAGI port")
    parser.add_argument("--recordings", default="recordings/sim", help="folder for MixMonitor WAV files")
    parser.add_argument("--speed", type=float, default=1.0, help="simulated seconds per real second")
    parser.add_argument("--silence", action="store_true", help="record silence instead of a tone")
    parser.set_defaults(handler=run)


def build(args: argparse.Namespace) -> PbxSim:
    scenario = load_scenario(args.scenario) if args.scenario else Scenario()
    username, _, secret = args.user.partition(":")
    clock: Clock = RealClock() if args.speed == 1.0 else ScaledClock(args.speed)
    return PbxSim(
        scenario, clock=clock, host=args.host, ami_port=args.ami_port, users={username: secret},
        agi_host=args.agi_host, agi_port=args.agi_port, recordings_dir=args.recordings,
        recording_tone_hz=None if args.silence else 440.0,
    )  # fmt: skip


async def _serve(sim: PbxSim) -> None:
    async with sim:
        log.info(
            "pbxsim: AMI on %s:%s, FastAGI to %s, recordings in %s",
            sim.server.host, sim.ami_port, sim.pbx.config.agi_url, sim.pbx.config.recordings_dir,
        )  # fmt: skip
        await asyncio.Event().wait()


def run(args: argparse.Namespace) -> int:
    sim = build(args)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(sim))
    return 0
