"""A client's delivery target for the daily pack as the API shows it: never the secret itself."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from dialer.call_recordings.models import ClientRecordingDelivery, DeliveryKind


class DeliveryOut(BaseModel):
    client_id: int
    kind: DeliveryKind
    folder: str | None
    bucket: str | None
    prefix: str
    endpoint_url: str | None
    region: str
    access_key_id: str | None
    secret_set: bool = Field(
        description="the secret access key is write-only; this says whether one is stored"
    )
    updated_at: datetime

    @classmethod
    def of(cls, delivery: ClientRecordingDelivery) -> DeliveryOut:
        return cls(
            client_id=delivery.client_id,
            kind=delivery.kind,
            folder=delivery.folder,
            bucket=delivery.bucket,
            prefix=delivery.prefix,
            endpoint_url=delivery.endpoint_url,
            region=delivery.region,
            access_key_id=delivery.access_key_id,
            secret_set=bool(delivery.secret_access_key),
            updated_at=delivery.updated_at,
        )
