"""The monthly report in its formats: JSON, CSV, XLSX, an HTML page (PNG charts for print plus an
interactive chart) and a PDF with the same tables and charts."""

from __future__ import annotations

import html
from typing import Any

from dialer.reports import charts
from dialer.reports.monthly import MonthlyReport, to_json
from dialer.reports.pdf import Document
from dialer.reports.svg import interactive_bars
from dialer.reports.tables import Section, html_page, html_table, to_csv, to_xlsx

UNITS = {"minutes": "мин / minutes", "contacts": "контактов / contacts", "seat_hours": "часов / seat-hours"}


def title(report: MonthlyReport) -> str:
    state = "" if report.frozen else " (предварительный / preliminary)"
    return f"Отчёт за {report.period} по договору {report.contract.number} — {report.contract.client}{state}"


def sections(report: MonthlyReport) -> list[Section]:
    c, s, v, h = report.contract, report.statement, report.volume, report.handoff
    u = s.usage
    summary = Section(
        "Договор и сроки / Contract and dates",
        ("item", "value"),
        (
            ("contract", c.number),
            ("client", c.client),
            ("period", f"{s.period.first_day} — {s.period.last_day} ({c.timezone})"),
            ("pricing model", s.pricing_model.value),
            ("rate", f"{c.rate} {s.currency}"),
            ("report generated on", report.generate_on),
            ("report due by", report.due_by),
            ("frozen", "yes" if s.frozen else "no (preliminary)"),
        ),
    )
    work = Section(
        "Выполненные работы / Work done",
        ("figure", "value"),
        (
            ("calls", u.calls),
            ("connected calls", u.connected_calls),
            ("talk seconds", u.talk_seconds),
            ("billable seconds", u.billable_seconds),
            ("processed contacts", u.processed_total),
            ("seat seconds (with pauses)", u.seat_seconds_with_pauses),
            ("seat seconds (without pauses)", u.seat_seconds_without_pauses),
            ("seats", str(u.seats)),
            ("late calls (from earlier months)", s.late_calls),
            ("invalid numbers (do not exist)", _counted(report.invalid_numbers)),
        ),
    )
    volume = Section(
        "Объём по приложению / Volume of the appendix",
        ("unit", "used", "committed", "left", "share used", "scope"),
        ((UNITS.get(v.unit, v.unit), v.used, v.committed, v.left, v.share_used, c.volume_scope),),
    )
    bill_rows: list[tuple[Any, ...]] = [(line.description, line.amount) for line in s.bill.lines]
    bill_rows += [
        ("subtotal", s.bill.subtotal),
        (f"net (VAT {s.bill.vat.mode.value})", s.bill.vat.net),
        (f"VAT {s.bill.vat.rate if s.bill.vat.rate is not None else ''}".strip(), s.bill.vat.vat),
        ("total", s.bill.vat.gross),
    ]
    bill = Section(f"Расчёт / Billing ({s.currency})", ("line", "amount"), tuple(bill_rows))
    handoff = Section(
        "Передача горячих лидов / Hot-lead handoff",
        ("leads", "on time", "late", "failed", "pending", "median s", "p90 s"),
        (
            (
                h.count,
                h.on_time,
                h.late,
                h.failed,
                h.pending,
                _seconds(h.median_seconds),
                _seconds(h.p90_seconds),
            ),
        ),
    )
    days = Section(
        "По дням / Daily",
        ("day", "calls", "connected", "talk seconds", "late calls"),
        tuple((d.day, d.calls, d.connected, d.talk_seconds, d.late) for d in report.days),
    )
    return [summary, work, volume, bill, handoff, days]


def _counted(value: int | None) -> int | str:
    return "not counted" if value is None else value


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def chart_pngs(report: MonthlyReport) -> list[bytes]:
    labels = [f"{d.day.day:02d}" for d in report.days]
    talk_minutes = [round(d.talk_seconds / 60, 1) for d in report.days]
    pngs = [
        charts.bar_png("Звонки по дням / Calls per day", labels, [d.calls for d in report.days]),
        charts.bar_png("Разговор, мин / Talk minutes per day", labels, talk_minutes, ylabel="min"),
    ]
    v = report.volume
    if v.committed is not None:
        pngs.append(
            charts.bar_png(
                f"Объём / Volume ({UNITS.get(v.unit, v.unit)})",
                ["использовано / used", "осталось / left"],
                [float(v.used), float(max(v.left or 0, 0))],
                target=float(v.committed),
            )
        )
    return pngs


def to_html(report: MonthlyReport) -> str:
    parts = sections(report)
    labels = [d.day.isoformat() for d in report.days]
    interactive = interactive_bars(
        "daily",
        labels,
        {
            "Звонки / Calls": [d.calls for d in report.days],
            "Соединено / Connected": [d.connected for d in report.days],
            "Разговор, мин / Talk minutes": [round(d.talk_seconds / 60, 1) for d in report.days],
        },
    )
    images = "".join(
        f"<p><img alt='chart' src='{charts.data_uri(png)}' style='max-width:100%'></p>"
        for png in chart_pngs(report)
    )
    body = (
        "".join(html_table(s) for s in parts[:5])
        + "<h2>Графики / Charts</h2><div class='noprint'>"
        + interactive
        + "</div>"
        + images
        + html_table(parts[5])
        + f"<p><small>generated {html.escape(report.generated_at.isoformat())}</small></p>"
    )
    return html_page(title(report), body)


def to_pdf(report: MonthlyReport) -> bytes:
    document = Document(title(report), report.generated_at)
    parts = sections(report)
    for section in parts[:5]:
        document.table(section)
    document.heading("Графики / Charts")
    for png in chart_pngs(report):
        document.image(png)
    document.table(parts[5])
    return document.bytes()


def json_document(report: MonthlyReport) -> dict[str, Any]:
    return to_json(report)


def csv_text(report: MonthlyReport) -> str:
    return to_csv(sections(report))


def xlsx_bytes(report: MonthlyReport) -> bytes:
    return to_xlsx(sections(report))
