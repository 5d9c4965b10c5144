"""The ``dialer`` console command: one subcommand per job, each defined in ``dialer/commands/``.

Only the chosen command's module is imported (``dialer --help`` imports none): the catalogue in
``dialer.commands.COMMANDS`` lists them all, so starting the CLI does not pay for SQLAlchemy, FastAPI
or openpyxl unless the command uses them.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Collection, Sequence

from dialer.commands import COMMANDS

_OPTIONS_WITH_VALUE = {"--log-level", "--log-format"}
LOG_FORMATS = ("text", "json")


def build_parser(load: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The parser with every command in the catalogue; ``load`` names the commands whose modules are
    imported to add their own arguments (default: all), the others are listed by name and help."""
    parser = argparse.ArgumentParser(
        prog="dialer", description="Autodialer and softphone control for outsourced contact centres."
    )
    parser.add_argument(
        "--log-level", help="logging level (default INFO; the demo's WARNING, so that only trouble shows)"
    )
    parser.add_argument(
        "--log-format",
        choices=LOG_FORMATS,
        help="log lines as text (default) or one JSON object per line; default DIALER_LOG_FORMAT",
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
    from dialer.observability.logs import configure_logging

    env_format = os.environ.get("DIALER_LOG_FORMAT", "text").lower()  # read once, at the start
    configure_logging(args.log_level, args.log_format or ("json" if env_format == "json" else "text"))
    result: int = args.handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
