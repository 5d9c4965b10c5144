"""The ``dialer`` command starts light: the catalogue lists every command, and only the chosen one is
imported (``dialer --help`` pays for none of SQLAlchemy, FastAPI, openpyxl or matplotlib)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

from dialer import commands
from dialer.cli import build_parser, chosen_command, main

HEAVY = ("sqlalchemy", "fastapi", "uvicorn", "openpyxl", "matplotlib", "fpdf", "boto3", "pydantic")


def _modules_after(argv: list[str]) -> set[str]:
    """The top-level packages imported by ``dialer ARGV`` in a fresh interpreter."""
    script = (
        "import sys\nfrom dialer.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    return set(out.split()[-1000:])


def test_the_catalogue_names_every_command_module_and_nothing_else():
    modules = {m.name for m in pkgutil.iter_modules(commands.__path__)}
    assert set(commands.COMMANDS) == modules


def test_help_lists_every_command_without_importing_any(capsys):
    assert not _modules_after(["--help"]) & set(HEAVY)
    with pytest.raises(SystemExit):
        main(["--help"])
    listed = capsys.readouterr().out
    assert all(name in listed for name in commands.COMMANDS)


def test_a_command_imports_only_its_own_needs():
    loaded = _modules_after(["trace", "--help"])
    assert "ami" in loaded
    assert not loaded & {"matplotlib", "openpyxl", "fastapi", "sqlalchemy"}


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["serve"], "serve"),
        (["--log-level", "DEBUG", "users", "create"], "users"),
        (["--log-level=DEBUG", "db", "current"], "db"),
        (["--help"], None),
        (["nonsense"], None),
    ],
)
def test_the_chosen_command_is_the_first_word_that_is_not_an_option(argv, command):
    assert chosen_command(argv) == command


def test_the_full_parser_has_every_command_with_its_arguments():
    parser = build_parser()
    args = parser.parse_args(["billing", "volume", "--contract", "3"])
    assert args.contract == 3 and callable(args.handler)


def test_an_unknown_command_is_refused_with_the_list(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["nonsense"])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
