"""A client's delivery target for the daily pack: a local folder, or an S3-compatible bucket (prefix,
endpoint, region, credentials). The secret access key is write-only: stored to sign the uploads,
never read back through the API (``secret_set`` says whether there is one) and never logged."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from sqlalchemy.ext.asyncio import AsyncSession

from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.call_recordings.models import ClientRecordingDelivery, DeliveryKind
from dialer.clients.service import get_client
from dialer.errors import NotFound
from recordings.local_store import LocalStore
from recordings.store import RecordingStore, validate_key


class DeliveryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: DeliveryKind = Field(
        description="local: a folder on this machine (e.g. a mounted share); s3: a bucket"
    )
    folder: str | None = Field(None, max_length=1000, description="local: absolute path of the folder")
    bucket: str | None = Field(None, min_length=3, max_length=255, pattern=r"^[a-z0-9][a-z0-9.\-]+[a-z0-9]$")
    prefix: str = Field(
        "", max_length=500, description="key prefix inside the folder or bucket, e.g. romashka/"
    )
    endpoint_url: str | None = Field(
        None, max_length=1000, pattern=r"^https?://\S+$", description="s3: endpoint; empty: AWS itself"
    )
    region: str = Field("us-east-1", min_length=1, max_length=50)
    access_key_id: str | None = Field(None, min_length=1, max_length=200)
    secret_access_key: SecretStr | None = Field(
        None, min_length=1, max_length=500, description="write-only; omitted keeps the current one"
    )

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.kind is DeliveryKind.LOCAL and not (self.folder and PurePosixPath(self.folder).is_absolute()):
            raise ValueError("folder: a local delivery needs an absolute folder path")
        if self.kind is DeliveryKind.S3 and not self.bucket:
            raise ValueError("bucket: an s3 delivery needs a bucket")
        if self.prefix:
            try:
                validate_key(self.prefix.strip("/"))
            except ValueError as exc:
                raise ValueError(f"prefix: {exc}") from None
        return self


async def get_delivery(
    session: AsyncSession, principal: Principal, client_id: int
) -> ClientRecordingDelivery:
    client = await get_client(session, principal, client_id)
    delivery = await session.get(ClientRecordingDelivery, client.id)
    if delivery is None:
        raise NotFound(f"client {client.id} has no recording delivery target")
    return delivery


async def put_delivery(
    session: AsyncSession, principal: Principal, client_id: int, data: DeliveryIn
) -> ClientRecordingDelivery:
    principal.require(Permission.CLIENTS_WRITE)
    client = await get_client(session, principal, client_id)
    delivery = await session.get(ClientRecordingDelivery, client.id)
    if delivery is None:
        delivery = ClientRecordingDelivery(client_id=client.id)
        session.add(delivery)
    s3 = data.kind is DeliveryKind.S3
    delivery.kind = data.kind
    delivery.folder = None if s3 else data.folder
    delivery.bucket = data.bucket if s3 else None
    delivery.prefix = data.prefix.strip("/")
    delivery.endpoint_url = data.endpoint_url if s3 else None
    delivery.region = data.region
    delivery.access_key_id = data.access_key_id if s3 else None
    if not s3:
        delivery.secret_access_key = None
    elif data.secret_access_key is not None:
        delivery.secret_access_key = data.secret_access_key.get_secret_value()
    await session.flush()
    await session.refresh(delivery)
    return delivery


async def delete_delivery(session: AsyncSession, principal: Principal, client_id: int) -> None:
    principal.require(Permission.CLIENTS_WRITE)
    delivery = await get_delivery(session, principal, client_id)
    await session.delete(delivery)
    await session.flush()


def open_target(delivery: ClientRecordingDelivery) -> RecordingStore:
    """The client's folder or bucket as a store (the prefix is applied by the caller's keys)."""
    if delivery.kind is DeliveryKind.LOCAL:
        assert delivery.folder is not None
        return LocalStore(delivery.folder)
    from recordings.s3_store import S3Store

    assert delivery.bucket is not None
    return S3Store.connect(
        delivery.bucket,
        endpoint_url=delivery.endpoint_url,
        region=delivery.region,
        access_key=delivery.access_key_id,
        secret_key=delivery.secret_access_key,
    )
