"""deploy/asterisk/start.sh, run outside Docker in a scratch root: asterisk-conf/ laid over
/etc/asterisk with the secrets and carrier filled in, AMI opened to the centre's network only, the
operators' file linked where pjsip.conf includes it, and Asterisk started in the foreground."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.deploy.files import ASTERISK_START, ROOT


def run_start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "asterisk").write_text('#!/bin/sh\necho "asterisk $*"\n')
    (bin_dir / "id").write_text("#!/bin/sh\nexit 1\n")  # no asterisk user: runs as the caller
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    values = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "CONF_SRC": str(ROOT / "asterisk-conf"),
        "ETC": str(tmp_path / "etc"),
        "SPOOL": str(tmp_path / "spool"),
        **env,
    }
    return subprocess.run(["sh", str(ASTERISK_START)], env=values, capture_output=True, text=True, timeout=60)


def test_the_start_fills_in_the_configuration_and_runs_asterisk_in_the_foreground(tmp_path):
    started = run_start(
        tmp_path,
        AMI_SECRET="s3cret-Value",
        AMI_PERMIT="172.28.0.0/255.255.255.0",
        AGI_URL="agi://engine:4573",
        TRUNK_HOST="sip.example.net",
        TRUNK_USERNAME="carrier-login",
        TRUNK_PASSWORD="carrier-pass",
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "asterisk -f"
    etc = tmp_path / "etc"
    manager = (etc / "manager.conf").read_text()
    assert "secret = s3cret-Value\n" in manager and "bindaddr = 0.0.0.0\n" in manager
    assert "permit = 172.28.0.0/255.255.255.0\n" in manager and "permit = 127.0.0.1" not in manager
    assert "DIALER_AGI = agi://engine:4573 " in (etc / "extensions.conf").read_text()
    pjsip = (etc / "pjsip.conf").read_text()
    assert "match = sip.example.net" in pjsip and "password = carrier-pass" in pjsip
    for conf in etc.glob("*.conf"):
        assert conf.is_symlink() or "CHANGE-ME" not in conf.read_text(), conf.name
    assert "rtpstart = 10000" in (etc / "rtp.conf").read_text()
    link = etc / "pjsip_operators.conf"
    assert link.is_symlink() and os.readlink(link) == str(etc / "dialer-operators" / "pjsip_operators.conf")
    spool = tmp_path / "spool"
    for shared in (etc / "dialer-operators", spool / "dialer", spool / "dialer-record"):
        assert shared.is_dir() and shared.stat().st_mode & 0o7777 == 0o2775


@pytest.mark.parametrize("secret", ["", "CHANGE-ME", "with space", "semi;colon"])
def test_the_start_refuses_a_missing_sample_or_unsafe_ami_secret(tmp_path, secret):
    env = {"AMI_SECRET": secret} if secret else {}
    started = run_start(tmp_path, **env)
    assert started.returncode != 0 and "AMI_SECRET" in started.stderr
    assert not (tmp_path / "etc" / "manager.conf").exists()
