"""The act as a printable document: an HTML page and a PDF with the same content."""

from __future__ import annotations

import html
from dataclasses import dataclass
from decimal import Decimal

from dialer.acts.models import AcceptanceAct
from dialer.reports.monthly import MonthlyReport
from dialer.reports.pdf import Document
from dialer.reports.tables import Cell, Section, html_page, html_table

STATES = {
    "issued": "выставлен, ожидает ответа / issued, awaiting the client's answer",
    "signed": "подписан / signed",
    "disputed": "оспорен / disputed",
    "deemed_accepted": "считается принятым / deemed accepted",
}
UNITS = {"minutes": "мин.", "contacts": "контактов", "seat_hours": "часов"}


@dataclass(frozen=True, slots=True)
class ActDocument:
    act: AcceptanceAct
    report: MonthlyReport
    contractor: str


def title(doc: ActDocument) -> str:
    return f"Акт сдачи-приёмки оказанных услуг № {doc.act.number} от {doc.act.issued_on.isoformat()}"


def _money(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ")


def sections(doc: ActDocument) -> list[Section]:
    act, report = doc.act, doc.report
    s = report.statement
    parties = Section(
        "Стороны / Parties",
        ("", ""),
        (
            ("Исполнитель / Contractor", doc.contractor),
            ("Заказчик / Client", report.contract.client),
            ("Договор / Contract", report.contract.number),
            ("Период / Period", f"{s.period.first_day} — {s.period.last_day}"),
        ),
    )
    work = Section(
        "Объём работ / Work done",
        ("", ""),
        (
            ("Звонков / Calls", s.usage.calls),
            ("Соединено с оператором / Connected", s.usage.connected_calls),
            ("Разговор, с / Talk seconds", s.usage.talk_seconds),
            (f"Объём / Volume, {UNITS.get(report.volume.unit, report.volume.unit)}", report.volume.used),
        ),
    )
    rows = [(str(i), str(line["description"]), _money(Decimal(str(line["amount"])))) for i, line in
            enumerate(act.lines, 1)]  # fmt: skip
    rows += [
        ("", "Итого без НДС / Net", _money(act.net)),
        ("", "НДС / VAT", _money(act.vat)),
        ("", f"Всего / Total, {act.currency}", _money(act.total)),
    ]
    services = Section(
        "Услуги / Services", ("№", "Наименование / Description", "Сумма / Amount"), tuple(rows)
    )
    state: list[tuple[Cell, ...]] = [
        ("Выставлен / Issued on", act.issued_on),
        ("Ответ до / Answer due by", act.deadline),
        ("Состояние / State", STATES.get(act.state.value, act.state.value)),
    ]
    if act.decided_on is not None:
        state.append(("Дата решения / Decided on", act.decided_on))
    if act.objection:
        state.append(("Возражение / Objection", act.objection))
    status = Section("Приёмка / Acceptance", ("", ""), tuple(state))
    return [parties, work, services, status]


NOTE = (
    "Вышеперечисленные услуги выполнены полностью и в срок. Если в течение 5 рабочих дней Заказчик не "
    "подпишет акт и не направит мотивированных возражений, акт считается принятым. / The services above "
    "were rendered in full. Unless the client signs or objects within 5 business days, the act stands "
    "as accepted."
)
SIGNATURES = "Исполнитель / Contractor: ____________________        Заказчик / Client: ____________________"


def to_html(doc: ActDocument) -> str:
    body = "".join(html_table(s) for s in sections(doc))
    body += f"<p>{html.escape(NOTE)}</p><p style='margin-top:3em'>{html.escape(SIGNATURES)}</p>"
    return html_page(title(doc), body)


def to_pdf(doc: ActDocument) -> bytes:
    document = Document(title(doc), doc.act.created_at)
    for section in sections(doc):
        document.table(section)
    document.text(NOTE)
    document.text("\n\n" + SIGNATURES)
    return document.bytes()
