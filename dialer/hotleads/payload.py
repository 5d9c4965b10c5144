"""The lead as the client's CRM receives it: a JSON snapshot taken when the operator marks it.

The snapshot is stored with the delivery and sent unchanged on every attempt (only the recording's
absolute link is added at send time, from the API's public address), so a retry carries the same
lead id and the same facts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dialer.calls.models import Call
from dialer.campaigns.models import Campaign
from dialer.clients.models import Client
from dialer.contacts.models import Contact
from dialer.operators.models import Operator

PAYLOAD_VERSION = 1


def lead_id_for(call: Call) -> str:
    """The lead's stable id (the receiver's idempotency key): one per hot-lead call."""
    return f"lead-{call.call_uid}"


def recording_path(call: Call) -> str | None:
    return f"/recordings/{call.id}/audio" if call.recording_key else None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _meeting(contact: Contact) -> dict[str, Any] | None:
    """A meeting the operator set (date, place, the client's manager), where the contact's data has one."""
    meeting = contact.data.get("meeting") if isinstance(contact.data, dict) else None
    if not isinstance(meeting, dict):
        return None
    return {key: meeting.get(key) for key in ("date", "place", "manager")}


def build_payload(
    call: Call,
    *,
    client: Client,
    campaign: Campaign,
    contact: Contact,
    operator: Operator | None,
    disposition_label: str,
) -> dict[str, Any]:
    """The lead's JSON document (without the recording's absolute URL: ``dialer.delivery.links``)."""
    custom = {k: v for k, v in (contact.data or {}).items() if k != "meeting"}
    return {
        "version": PAYLOAD_VERSION,
        "lead_id": lead_id_for(call),
        "client": {"id": client.id, "name": client.name},
        "campaign": {"id": campaign.id, "name": campaign.name},
        "contact": {
            "id": contact.id,
            "name": contact.name,
            "company": contact.company,
            "phone": contact.phone,
            "fields": custom,
        },
        "operator": {"id": operator.id, "name": operator.name} if operator is not None else None,
        "comment": call.disposition_note,
        "disposition": {"code": call.disposition_code, "label": disposition_label},
        "meeting": _meeting(contact),
        "call": {
            "id": call.id,
            "uid": call.call_uid,
            "placed_at": _iso(call.placed_at),
            "connected_at": _iso(call.connected_at),
            "ended_at": _iso(call.ended_at),
            "talk_seconds": call.talk_seconds,
            "disposed_at": _iso(call.disposition_at),
        },
        "recording_path": recording_path(call),
    }
