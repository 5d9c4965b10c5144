"""``dialer demo``: the whole product on a fresh machine, against the PBX simulator, for a few minutes.

It starts the simulator (``pbxsim/scenarios/demo.toml``: random customers, three softphones, one of
them registering late), the service on a fresh SQLite file (API, engine, AMI, FastAGI), creates an
admin login, a demo client, contract and predictive campaign with a generated contact base, logs
simulated operators in, runs the campaign for ``--minutes`` (``--speed`` N runs the simulated world
N times faster), then pauses it, lets live calls finish (a simulated minute; longer ones are hung
up) and prints what happened. Ctrl+C ends early.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
from pathlib import Path
from typing import Any

from dialer.commands import COMMANDS


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("demo", help=COMMANDS["demo"])
    parser.add_argument("--minutes", type=float, default=2.0, help="how long the campaign runs (default 2)")
    parser.add_argument(
        "--speed", type=float, default=1.0, help="simulated seconds per real second (default 1)"
    )
    parser.add_argument(
        "--contacts", type=int, default=300, help="contacts in the generated base (default 300)"
    )
    parser.add_argument("--operators", type=int, default=5, help="simulated operators (default 5)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file under --data-dir")
    parser.add_argument("--data-dir", type=Path, default=Path("data/demo"), help="default data/demo")
    parser.add_argument("--host", default="127.0.0.1", help="API address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="API port (default 8000)")
    parser.add_argument(
        "--scenario", type=Path, help="simulator scenario file (default pbxsim/scenarios/demo.toml)"
    )
    parser.add_argument("--seed", type=int, default=42, help="seed of the contact base and dispositions")
    parser.set_defaults(handler=run, default_log_level="WARNING")


def run(args: argparse.Namespace) -> int:
    from dialer.demo.session import Demo, DemoRefused

    if isinstance(sys.stdout, io.TextIOWrapper):  # progress lines show as they come, piped too
        sys.stdout.reconfigure(line_buffering=True)
    try:
        asyncio.run(Demo(args).run())
    except DemoRefused as refused:
        print(f"demo: {refused}", file=sys.stderr)
        return 2
    return 0
