"""Every model, imported in one place so the metadata (and Alembic) sees the whole schema."""

from dialer.auth.models import ApiKey, Role, User
from dialer.campaigns.models import Campaign, CampaignState, DialingMode, DispositionCode, DispositionKind
from dialer.clients.models import Client, Contract, PricingModel
from dialer.contacts.models import Contact, ContactStatus, DncEntry, ImportJob, ImportKind, ImportStatus
from dialer.db.base import Base
from dialer.operators.models import Operator, campaign_operators

__all__ = [
    "ApiKey",
    "Base",
    "Campaign",
    "CampaignState",
    "Client",
    "Contact",
    "ContactStatus",
    "Contract",
    "DialingMode",
    "DispositionCode",
    "DispositionKind",
    "DncEntry",
    "ImportJob",
    "ImportKind",
    "ImportStatus",
    "Operator",
    "PricingModel",
    "Role",
    "User",
    "campaign_operators",
]
