"""Which store to use, as plain settings: the service's typed settings fill this in once at start."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from recordings.local_store import LocalStore
from recordings.store import RecordingStore


@dataclass(frozen=True, slots=True)
class StorageConfig:
    kind: Literal["local", "s3"] = "local"
    root: Path = Path("data/recordings")  # local
    bucket: str = ""  # s3
    endpoint_url: str | None = None  # None: AWS itself; else MinIO, Ceph, ...
    region: str = "us-east-1"
    access_key: str | None = None  # None: boto3's usual credential chain
    secret_key: str | None = None
    prefix: str = ""
    part_size: int = 8 * 1024 * 1024


def open_store(config: StorageConfig) -> RecordingStore:
    """The store ``config`` describes (boto3 is imported only when S3 is chosen)."""
    if config.kind == "local":
        return LocalStore(config.root)
    if config.kind == "s3":
        if not config.bucket:
            raise ValueError("S3 storage needs a bucket")
        from recordings.s3_store import S3Store

        return S3Store.connect(
            config.bucket,
            endpoint_url=config.endpoint_url,
            region=config.region,
            access_key=config.access_key,
            secret_key=config.secret_key,
            prefix=config.prefix,
            part_size=config.part_size,
        )
    raise ValueError(f"unknown storage kind {config.kind!r}")
