"""The one recording store the service uses (engine filing, API, daily jobs), from the settings."""

from __future__ import annotations

from dialer.settings import Settings
from recordings.config import StorageConfig, open_store
from recordings.store import RecordingStore


def storage_config(settings: Settings) -> StorageConfig:
    """``DIALER_RECORDINGS_*`` as the recordings package's plain config."""
    if settings.recordings_store == "s3":
        secret = settings.recordings_s3_secret_access_key.get_secret_value()
        return StorageConfig(
            kind="s3",
            bucket=settings.recordings_s3_bucket,
            endpoint_url=settings.recordings_s3_endpoint or None,
            region=settings.recordings_s3_region,
            access_key=settings.recordings_s3_access_key_id or None,
            secret_key=secret or None,
            prefix=settings.recordings_s3_prefix,
        )
    return StorageConfig(kind="local", root=settings.recordings_dir or settings.data_dir / "recordings")


def configured_store(settings: Settings) -> RecordingStore:
    """The store the settings name; ``ValueError`` saying which setting is wrong."""
    if settings.recordings_store == "s3" and not settings.recordings_s3_bucket:
        raise ValueError("DIALER_RECORDINGS_STORE=s3 needs DIALER_RECORDINGS_S3_BUCKET")
    return open_store(storage_config(settings))
