"""docker-compose.yml is a working centre, checked without Docker: it is valid against the Compose
specification's schema (the copy vendored in ``check-jsonschema``, no network), every image is
pinned, the product runs by role with the settings it reads, and the folders Asterisk and the
product share are mounted where each side looks for them."""

from __future__ import annotations

import ipaddress
import posixpath
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dialer.settings import Settings
from tests.deploy.files import COMPOSE, compose

ENV = {
    "DIALER_DB_PASSWORD": "db-secret",
    "DIALER_SECRET_KEY": "a long secret key for the test",
    "DIALER_AMI_SECRET": "ami-secret",
    "MINIO_ROOT_PASSWORD": "minio-secret",
}
ROLES = ("api", "engine", "jobs")


def check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def centre() -> dict[str, Any]:
    return compose(ENV)


def volumes_of(service: dict[str, Any]) -> dict[str, str]:
    """Mount point -> source (named volume or host path), read-only flags dropped."""
    mounts = {}
    for spec in service.get("volumes", []):
        source, target, *_ = spec.split(":")
        mounts[target] = source
    return mounts


def test_the_compose_file_is_valid_against_the_compose_specification():
    checked = check_jsonschema(COMPOSE)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_schema_check_refuses_a_broken_compose_file(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(COMPOSE.read_text().replace("    healthcheck:\n", "    helthcheck:\n", 1))
    checked = check_jsonschema(broken)
    assert checked.returncode != 0 and "helthcheck" in checked.stdout + checked.stderr


def test_every_secret_must_be_given():
    for name in ENV:
        with pytest.raises(KeyError, match=name):
            compose({k: v for k, v in ENV.items() if k != name})


def test_every_image_is_pinned_and_asterisk_is_22(centre):
    for name, service in centre["services"].items():
        if "build" in service:
            continue
        image = service["image"]
        repository, _, tag = image.rpartition(":")
        assert repository and tag and tag != "latest" and "/" not in tag, (name, image)
    assert centre["services"]["asterisk"]["image"].split(":")[1].startswith("22.")


def test_the_product_runs_by_role_each_with_its_health_port(centre):
    services = centre["services"]
    ports = set()
    for role in ROLES:
        service = services[role]
        assert service["build"] == "." and service["command"] == ["serve", "--role", role]
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        ports.add(service["environment"]["DIALER_API_PORT"])  # the image's HEALTHCHECK asks this port
    assert len(ports) == len(ROLES)
    assert services["engine"]["depends_on"]["asterisk"]["condition"] == "service_healthy"
    for name in ("postgres", "minio", "asterisk"):
        assert services[name]["healthcheck"]["test"], name


def test_each_role_reads_settings_the_product_accepts(centre, monkeypatch):
    for name in [n for n in __import__("os").environ if n.startswith("DIALER_")]:
        monkeypatch.delenv(name)
    for role in (*ROLES, "demo-data"):
        environment = centre["services"][role]["environment"]
        for name, value in environment.items():
            monkeypatch.setenv(name, str(value))
        settings = Settings()
        assert settings.effective_database_url.startswith("postgresql+asyncpg://dialer:db-secret@postgres")
        assert settings.recordings_store == "s3" and settings.recordings_s3_endpoint == "http://minio:9000"
        (ami,) = settings.ami_servers
        assert (ami.host, ami.port, ami.secret.get_secret_value()) == ("asterisk", 5038, "ami-secret")
        for name in environment:
            monkeypatch.delenv(name)


def test_asterisk_and_the_product_share_the_spool_the_record_and_the_operators_file(centre):
    services = centre["services"]
    asterisk, engine, api = (volumes_of(services[n]) for n in ("asterisk", "engine", "api"))
    env = services["engine"]["environment"]
    assert asterisk["/opt/dialer/asterisk-conf"] == "./asterisk-conf"
    # MixMonitor writes to DIALER_RECDIR (extensions.conf: /var/spool/asterisk/dialer), the engine
    # files from there.
    assert asterisk["/var/spool/asterisk/dialer"] == engine[env["DIALER_RECORDINGS_SPOOL_DIR"]]
    assert asterisk["/var/spool/asterisk/dialer-record"] == engine[env["DIALER_PBX_RECORD_DIR"]]
    # The product writes the operators' endpoints; start.sh links /etc/asterisk/pjsip_operators.conf there.
    folder = posixpath.dirname(env["DIALER_PJSIP_OPERATORS_FILE"])
    assert posixpath.basename(env["DIALER_PJSIP_OPERATORS_FILE"]) == "pjsip_operators.conf"
    assert asterisk["/etc/asterisk/dialer-operators"] == engine[folder] == api[folder]


def test_asterisk_lets_the_engine_in_and_calls_its_fastagi_server(centre):
    asterisk = centre["services"]["asterisk"]
    engine = centre["services"]["engine"]["environment"]
    (subnet,) = [c["subnet"] for c in centre["networks"]["centre"]["ipam"]["config"]]
    address, _, mask = asterisk["environment"]["AMI_PERMIT"].partition("/")
    assert ipaddress.ip_network(f"{address}/{mask}") == ipaddress.ip_network(subnet)
    assert asterisk["environment"]["AGI_URL"] == f"agi://engine:{engine['DIALER_AGI_PORT']}"
    assert engine["DIALER_AGI_CALLBACK_HOST"] == "engine" and engine["DIALER_AGI_HOST"] == "0.0.0.0"
    fixed = asterisk["networks"]["centre"]["ipv4_address"]
    assert ipaddress.ip_address(fixed) in ipaddress.ip_network(subnet)


def test_recordings_go_to_a_bucket_that_exists_before_the_product_starts(centre):
    services = centre["services"]
    assert "recordings" in " ".join(services["minio-bucket"]["command"])
    for role in ROLES:
        assert services[role]["depends_on"]["minio-bucket"]["condition"] == "service_completed_successfully"
        assert services[role]["environment"]["DIALER_RECORDINGS_S3_BUCKET"] == "recordings"


def test_demo_data_is_an_option(centre):
    demo = centre["services"]["demo-data"]
    assert demo["profiles"] == ["demo"] and demo["command"][:2] == ["db", "demo-data"]
