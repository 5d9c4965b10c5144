"""An issued act goes to the client: an e-mail to its report recipients with the act as PDF, stored in
the mail outbox in the transaction that issues it (so an act is never issued unsent, nor sent twice)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from dialer.acts import documents
from dialer.acts.models import AcceptanceAct
from dialer.mail.outbox import Attachment
from dialer.reports.delivery import mail_report, recipients_of
from dialer.reports.monthly import MonthlyReport


async def mail_act(
    session: AsyncSession, act: AcceptanceAct, report: MonthlyReport, contractor: str, at: datetime
) -> bool:
    """Store the act's e-mail to the client's recipients (the monthly ones); False when it has none."""
    who = await recipients_of(session, act.client_id)
    if who is None or not who.monthly_email:
        return False
    doc = documents.ActDocument(act, report, contractor)
    title = documents.title(doc)
    text = (
        f"{title}\n\nК оплате / Total: {act.total} {act.currency}.\n"
        f"Просим подписать акт или направить возражения до {act.deadline.isoformat()} включительно; "
        "иначе акт считается принятым. / Please sign or object by the date above; otherwise the act "
        "stands as accepted."
    )
    return await mail_report(
        session,
        key=f"act:{act.number}",
        kind="act",
        to=list(who.emails),
        at=at,
        subject=title,
        text=text,
        html=documents.to_html(doc),
        attachments=[Attachment(f"{act.number}.pdf", "application/pdf", documents.to_pdf(doc))],
    )
