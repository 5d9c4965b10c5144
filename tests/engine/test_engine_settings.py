"""The engine's settings: Asterisk servers and trunks from the environment or the config file, the AMI
secret never shown, and each server mapped onto the AMI client's settings."""

from __future__ import annotations

import json
from pathlib import Path

from dialer.settings import load_settings


def test_servers_and_trunks_come_from_the_environment_and_the_secret_stays_hidden(monkeypatch) -> None:
    servers = [{"name": "pbx1", "host": "10.0.0.5", "username": "dialer", "secret": "s3cr3t-ami"}]
    monkeypatch.setenv("DIALER_AMI_SERVERS", json.dumps(servers))
    monkeypatch.setenv("DIALER_TRUNKS", json.dumps([{"name": "carrier", "server": "pbx1", "max_lines": 60}]))
    settings = load_settings()
    assert "s3cr3t-ami" not in repr(settings) and "s3cr3t-ami" not in str(settings.model_dump())
    ami = settings.ami_servers[0].ami()
    assert (ami.host, ami.port, ami.username, ami.secret) == ("10.0.0.5", 5038, "dialer", "s3cr3t-ami")
    assert "s3cr3t-ami" not in repr(ami)
    assert (settings.trunks[0].name, settings.trunks[0].max_lines) == ("carrier", 60)


def test_a_config_file_names_several_servers(monkeypatch, tmp_path: Path) -> None:
    config = tmp_path / "dialer.toml"
    config.write_text(
        """
agi_host = "0.0.0.0"
[[ami_servers]]
name = "a"
host = "10.0.0.1"
calls_per_second = 5
[[ami_servers]]
name = "b"
host = "10.0.0.2"
[[trunks]]
name = "t1"
server = "a"
[[trunks]]
name = "t2"
server = "b"
prefix = "9"
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("DIALER_CONFIG_FILE", str(config))
    monkeypatch.delenv("DIALER_AMI_SERVERS", raising=False)
    settings = load_settings()
    assert [s.name for s in settings.ami_servers] == ["a", "b"]
    assert settings.ami_servers[0].calls_per_second == 5
    assert [(t.name, t.server, t.prefix) for t in settings.trunks] == [("t1", "a", ""), ("t2", "b", "9")]
    assert settings.agi_host == "0.0.0.0"


def test_a_trunk_dials_e164_numbers_as_its_carrier_wants() -> None:
    from dialer.engine.ami_pbx import TrunkRoute

    assert TrunkRoute("trunk", "asterisk").dial_string("+79161234567") == "PJSIP/79161234567@trunk"
    assert TrunkRoute("t2", "b", strip_plus=False, prefix="9").dial_string("+7916") == "PJSIP/9+7916@t2"
