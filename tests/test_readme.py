"""The README stays true: it documents every setting and every CLI command."""

import re
from pathlib import Path

from dialer.cli import build_parser
from dialer.commands.config import rows
from dialer.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme():
    missing = [variable for variable, _, _ in rows(None) if f"`{variable}`" not in README]
    assert not missing, f"settings missing from README's Configuration: {missing}"


def test_every_command_is_in_the_readme():
    parser = build_parser()
    [subparsers] = [a for a in parser._actions if a.dest == "command"]
    missing = [name for name in subparsers.choices if not re.search(rf"`dialer {name}\b", README)]
    assert not missing, f"commands missing from README's Commands: {missing}"


def test_config_command_masks_secrets(capsys, monkeypatch):
    from dialer.cli import main

    monkeypatch.setenv("DIALER_SECRET_KEY", "very-secret-value")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "very-secret-value" not in out
    assert "DIALER_SECRET_KEY" in out
    assert len(rows(Settings())) == len(Settings.model_fields)
