"""Every model, imported in one place so the metadata (and Alembic) sees the whole schema."""

from dialer.audit.models import AuditAction, AuditEvent
from dialer.auth.models import ApiKey, Role, User
from dialer.calls.models import Call, CallOutcome, CallState, HangupSide, PacingDecisionLog
from dialer.campaigns.models import (
    Campaign,
    CampaignState,
    DialingMode,
    DispositionCode,
    DispositionKind,
    OperatorConnection,
)
from dialer.clients.models import Client, ClientCrm, Contract, PricingModel
from dialer.contacts.models import Contact, ContactStatus, DncEntry, ImportJob, ImportKind, ImportStatus
from dialer.db.base import Base
from dialer.hotleads.models import LeadAlert, LeadDelivery
from dialer.jobs.models import JobRun
from dialer.operators.models import (
    Operator,
    OperatorState,
    OperatorStateEvent,
    OperatorStatus,
    campaign_operators,
)

__all__ = [
    "ApiKey",
    "AuditAction",
    "AuditEvent",
    "Base",
    "Call",
    "CallOutcome",
    "CallState",
    "Campaign",
    "CampaignState",
    "Client",
    "ClientCrm",
    "Contact",
    "ContactStatus",
    "Contract",
    "DialingMode",
    "DispositionCode",
    "DispositionKind",
    "DncEntry",
    "HangupSide",
    "ImportJob",
    "ImportKind",
    "ImportStatus",
    "JobRun",
    "LeadAlert",
    "LeadDelivery",
    "Operator",
    "OperatorConnection",
    "OperatorState",
    "OperatorStateEvent",
    "OperatorStatus",
    "PacingDecisionLog",
    "PricingModel",
    "Role",
    "User",
    "campaign_operators",
]
