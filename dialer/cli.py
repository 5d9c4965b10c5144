"""The ``dialer`` console command: one subcommand per job, each defined in ``dialer/commands/``.

Only the chosen command's module is imported (``dialer --help`` imports none): the catalogue in
``dialer.commands.COMMANDS`` lists them all, so starting the CLI does not pay for SQLAlchemy, FastAPI
or openpyxl unless the command uses them.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Collection, Sequence

from dialer.commands import COMMANDS

_OPTIONS_WITH_VALUE = {"--log-level"}


def build_parser(load: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The parser with every command in the catalogue; ``load`` names the commands whose modules are
    imported to add their own arguments (default: all), the others are listed by name and help."""
    parser = argparse.ArgumentParser(
        prog="dialer", description="Autodialer and softphone control for outsourced contact centres."
    )
    parser.add_argument(
        "--log-level", help="logging level (default INFO; the demo's WARNING, so that only trouble shows)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, summary in COMMANDS.items():
        if load is None or name in load:
            importlib.import_module(f"dialer.commands.{name}").register(subparsers)
        else:
            subparsers.add_parser(name, help=summary)
    return parser


def chosen_command(argv: Sequence[str]) -> str | None:
    """The catalogue command ``argv`` names (its first positional word), if any."""
    words = iter(argv)
    for word in words:
        if word in _OPTIONS_WITH_VALUE:
            next(words, None)
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    command = chosen_command(words)
    parser = build_parser(load=() if command is None else (command,))
    args = parser.parse_args(words)
    args.log_level = (args.log_level or getattr(args, "default_log_level", "INFO")).upper()
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    result: int = args.handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
