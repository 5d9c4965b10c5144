"""What an operator types into their softphone: server, port, transport, user, password, codecs.

Reading them shows the SIP password, so every read is audited (``AuditAction.REVEAL``). An operator
reads their own (another's is not found); supervisors and admins read anyone's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from dialer.audit.models import AuditAction
from dialer.audit.service import Remote, record
from dialer.auth.models import Role
from dialer.auth.permissions import Permission
from dialer.auth.principal import Principal
from dialer.errors import Conflict, NotFound
from dialer.operators.models import Operator
from dialer.softphones.pjsip_conf import CODECS

CODEC_NAMES = {"alaw": "G.711 A-law (PCMA)", "ulaw": "G.711 u-law (PCMU)"}


@dataclass(frozen=True)
class SipServer:
    """Where softphones register, as they reach it (``DIALER_SIP_PUBLIC_*``)."""

    host: str
    port: int = 5060
    transport: str = "udp"


@dataclass(frozen=True)
class SoftphoneSettings:
    operator_id: int
    display_name: str
    server: str
    port: int
    transport: str
    username: str
    password: str = field(repr=False)
    codecs: tuple[str, ...] = tuple(CODEC_NAMES[c] for c in CODECS)

    @property
    def domain(self) -> str:
        """``host`` or ``host:port`` (the port only when it is not SIP's 5060)."""
        return self.server if self.port == 5060 else f"{self.server}:{self.port}"

    def text(self) -> str:
        """The settings as lines a person reads (and the QR code holds)."""
        return (
            f"SIP account of {self.display_name}\n"
            f"Server (domain): {self.server}\n"
            f"Port: {self.port}\n"
            f"Transport: {self.transport.upper()}\n"
            f"User (username, auth user): {self.username}\n"
            f"Password: {self.password}\n"
            f"Codecs: {', '.join(self.codecs)}\n"
            f"SIP address: sip:{self.username}@{self.domain}\n"
        )


async def _readable_operator(session: AsyncSession, principal: Principal, operator_id: int) -> Operator:
    operator = await session.get(Operator, operator_id)
    if principal.role is Role.OPERATOR:
        if operator is None or principal.user_id is None or operator.user_id != principal.user_id:
            raise NotFound(f"operator {operator_id} not found")
        return operator
    principal.require(Permission.OPERATORS_WRITE)
    if operator is None:
        raise NotFound(f"operator {operator_id} not found")
    return operator


async def read_settings(
    session: AsyncSession,
    principal: Principal,
    operator_id: int,
    server: SipServer,
    *,
    form: str,
    remote: Remote | None = None,
) -> SoftphoneSettings:
    """The operator's softphone settings, the reading audited with its ``form`` (json, text, svg...)."""
    operator = await _readable_operator(session, principal, operator_id)
    if not operator.active or not operator.sip_password:
        raise Conflict(f"operator {operator_id} is disabled: no softphone account is provisioned")
    await record(
        session,
        principal,
        AuditAction.REVEAL,
        "softphone",
        operator.id,
        client_id=None,
        detail={"endpoint": operator.sip_endpoint, "form": form},
        remote=remote,
    )
    return SoftphoneSettings(
        operator_id=operator.id,
        display_name=operator.name,
        server=server.host,
        port=server.port,
        transport=server.transport,
        username=operator.sip_endpoint,
        password=operator.sip_password,
    )
