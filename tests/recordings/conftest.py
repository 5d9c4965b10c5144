"""Fixtures for the recordings tests: the real Asterisk recordings, and an S3 server of its own.

The S3-compatible server is moto in server mode, started as a separate process on a free loopback
port for the test session and stopped at the end; the store reaches it over HTTP like any bucket.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from recordings.local_store import LocalStore
from recordings.memory_store import MemoryStore
from recordings.s3_store import S3Store
from recordings.store import RecordingStore

REPO_ROOT = Path(__file__).resolve().parents[2]
TRACES = REPO_ROOT.parent / "shared" / "asterisk-traces" / "recordings"


def read_catalogue(folder: Path) -> dict[str, dict[str, float]]:
    """recordings.txt: file | bytes | channels | sample_rate | sampwidth | frames | duration_s | ..."""
    rows: dict[str, dict[str, float]] = {}
    for line in (folder / "recordings.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("|")]
        rows[cells[0]] = {
            "bytes": int(cells[1]),
            "channels": int(cells[2]),
            "sample_rate": int(cells[3]),
            "frames": int(cells[5]),
            "duration_s": float(cells[6]),
        }
    return rows


@pytest.fixture(scope="session")
def asterisk_recordings() -> list[Path]:
    """Every MixMonitor WAV captured from a real Asterisk."""
    if not TRACES.is_dir():
        pytest.skip(f"real Asterisk recordings not found at {TRACES}")
    files = sorted(TRACES.glob("*.wav"))
    if not files:
        pytest.skip(f"no WAV files in {TRACES}")
    return files


@pytest.fixture(scope="session")
def asterisk_catalogue(asterisk_recordings: list[Path]) -> dict[str, dict[str, float]]:
    return read_catalogue(TRACES)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a moto S3 server running in its own process for this test session."""
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    for _attempt in range(3):
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        with log.open("ab") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        if process.poll() is None:
            break
    else:
        pytest.fail(f"moto server did not start: {log.read_text()[-2000:]}")
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def s3_store(s3_endpoint: str) -> S3Store:
    """A fresh bucket on the moto server, with 5 MiB parts so multipart is cheap to reach."""
    store = S3Store.connect(
        f"rec-{uuid.uuid4().hex[:12]}",
        endpoint_url=s3_endpoint,
        access_key="testing",
        secret_key="testing",
        part_size=5 * 1024 * 1024,
        chunk_size=64 * 1024,
    )
    store.client.create_bucket(Bucket=store.bucket)
    return store


@pytest.fixture(params=["local", "s3", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> RecordingStore:
    if request.param == "local":
        return LocalStore(tmp_path / "store", chunk_size=64 * 1024)
    if request.param == "s3":
        s3: S3Store = request.getfixturevalue("s3_store")
        return s3
    return MemoryStore(chunk_size=64 * 1024)
