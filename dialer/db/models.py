"""Every model, imported in one place so the metadata (and Alembic) sees the whole schema."""

from dialer.acts.models import AcceptanceAct
from dialer.audit.models import AuditAction, AuditEvent
from dialer.auth.models import ApiKey, RevokedToken, Role, SignInCounter, User
from dialer.call_recordings.models import ClientRecordingDelivery, DeliveryKind
from dialer.calls.models import Call, CallOutcome, CallState, HangupSide, PacingDecisionLog, RecordingStatus
from dialer.campaigns.models import (
    Campaign,
    CampaignState,
    DispositionCode,
    DispositionKind,
    OperatorConnection,
    RecordingPolicy,
)
from dialer.clients.models import Client, ClientCrm, Contract, PricingModel
from dialer.contacts.models import Contact, ContactStatus, DncEntry, ImportJob, ImportKind, ImportStatus
from dialer.db.base import Base
from dialer.dialing_modes import DialMode
from dialer.hotleads.models import LeadAlert, LeadDelivery
from dialer.jobs.models import JobRun
from dialer.live.models import LiveEvent
from dialer.mail.models import MailAttachment, MailMessage
from dialer.metering.models import AlertDelivery, ClosedPeriod, VolumeAlert
from dialer.operators.models import (
    Operator,
    OperatorState,
    OperatorStateEvent,
    OperatorStatus,
    campaign_operators,
)
from dialer.preview.models import PreviewRequest, PreviewStatus
from dialer.qa.models import Criterion, QueueItem, QueueStatus, Scale, Score, Scorecard, ScoreValue
from dialer.reports.models import MonthlyReportRecord, ReportRecipients
from dialer.supervision.models import SpyMode, SpyRequest, SpyStatus
from dialer.surveys.models import ResponseOutcome, SurveyAnswer, SurveyDefinition, SurveyResponse

__all__ = [
    "AcceptanceAct",
    "AlertDelivery",
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
    "ClientRecordingDelivery",
    "ClosedPeriod",
    "Contact",
    "ContactStatus",
    "Contract",
    "Criterion",
    "DeliveryKind",
    "DialMode",
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
    "LiveEvent",
    "MailAttachment",
    "MailMessage",
    "MonthlyReportRecord",
    "Operator",
    "OperatorConnection",
    "OperatorState",
    "OperatorStateEvent",
    "OperatorStatus",
    "PacingDecisionLog",
    "PreviewRequest",
    "PreviewStatus",
    "PricingModel",
    "QueueItem",
    "QueueStatus",
    "RecordingPolicy",
    "RecordingStatus",
    "ReportRecipients",
    "ResponseOutcome",
    "RevokedToken",
    "Role",
    "Scale",
    "Score",
    "ScoreValue",
    "Scorecard",
    "SignInCounter",
    "SpyMode",
    "SpyRequest",
    "SpyStatus",
    "SurveyAnswer",
    "SurveyDefinition",
    "SurveyResponse",
    "User",
    "VolumeAlert",
    "campaign_operators",
]
