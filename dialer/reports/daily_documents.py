"""The daily report in its formats: JSON, CSV, XLSX and an HTML page for people (tables and charts)."""

from __future__ import annotations

import html
from typing import Any

from dialer.reports.daily import DailyReport
from dialer.reports.svg import interactive_bars
from dialer.reports.tables import Section, html_page, html_table, jsonable, to_csv, to_xlsx


def _minutes(seconds: float) -> float:
    return round(seconds / 60, 1)


def sections(report: DailyReport) -> list[Section]:
    t = report.totals
    summary = Section(
        "Итоги / Summary",
        ("figure", "value"),
        (
            ("calls placed", t.placed),
            ("answered", t.answered),
            ("connected to an operator", t.connected),
            ("contacts dialed", t.contacts_dialed),
            ("contacts reached", t.contacts_reached),
            ("contact rate", t.contact_rate),
            ("abandoned", t.abandoned),
            ("abandon rate", t.abandon_rate),
            ("conversions", t.conversions),
            ("conversion rate", t.conversion_rate),
            ("leads", t.leads),
            ("talk seconds", t.talk_seconds),
            ("average talk seconds", t.average_talk_seconds),
            ("invalid numbers (do not exist)", t.invalid_numbers),
        ),
    )
    dispositions = Section(
        "Результаты / Dispositions",
        ("code", "label", "calls", "share of connected", "conversion"),
        tuple(
            (d.code, d.label, d.calls, d.share, "yes" if d.conversion else "") for d in report.dispositions
        ),
    )
    operators = Section(
        "Операторы / Operators",
        ("operator", "calls", "talk s", "logged in s", "pause s", "busy s", "occupancy"),
        tuple(
            (
                o.name,
                o.calls,
                o.talk_seconds,
                o.logged_in_seconds,
                o.pause_seconds,
                o.busy_seconds,
                o.occupancy,
            )
            for o in report.operators
        ),
    )
    hours = Section(
        f"По часам / Hourly ({report.timezone})",
        ("hour", "placed", "answered", "connected", "abandoned", "conversions", "talk s"),
        tuple(
            (
                f"{h.hour:02d}:00",
                h.placed,
                h.answered,
                h.connected,
                h.abandoned,
                h.conversions,
                h.talk_seconds,
            )
            for h in report.hours
        ),
    )
    goals = Section(
        "Цели / Goals",
        ("goal", "target", "result", "met"),
        tuple((g.name, g.target, g.actual, "yes" if g.met else "no") for g in report.goals),
    )
    recordings = Section(
        "Записи / Recordings",
        ("call", "placed at", "operator", "phone", "disposition", "talk s", "link"),
        tuple(
            (r.call_id, r.placed_at, r.operator, r.phone, r.disposition, r.talk_seconds, r.url)
            for r in report.recordings
        ),
    )
    return [summary, dispositions, operators, hours, goals, recordings]


def title(report: DailyReport) -> str:
    return f"{report.client} — {report.campaign}: отчёт за {report.day.isoformat()}"


def to_json(report: DailyReport) -> dict[str, Any]:
    return jsonable(report)  # type: ignore[no-any-return]


def csv_text(report: DailyReport) -> str:
    return to_csv(sections(report))


def xlsx_bytes(report: DailyReport) -> bytes:
    return to_xlsx(sections(report))


def to_html(report: DailyReport) -> str:
    parts = sections(report)
    labels = [f"{h.hour:02d}" for h in report.hours]
    chart = interactive_bars(
        "hourly",
        labels,
        {
            "Звонки / Calls placed": [h.placed for h in report.hours],
            "Соединено / Connected": [h.connected for h in report.hours],
            "Конверсии / Conversions": [h.conversions for h in report.hours],
            "Разговор, мин / Talk minutes": [_minutes(h.talk_seconds) for h in report.hours],
        },
    )
    links = "".join(
        f"<li><a href='{html.escape(r.url)}'>#{r.call_id}</a> {html.escape(r.operator)} "
        f"{html.escape(r.phone)} {html.escape(r.disposition)} ({r.talk_seconds:g} s)</li>"
        for r in report.recordings
    )
    body = (
        f"<p>{html.escape(report.start.isoformat())} — {html.escape(report.end.isoformat())}</p>"
        + html_table(parts[0])
        + "<h2>По часам / Hourly</h2>"
        + chart
        + "".join(html_table(s) for s in parts[1:5])
        + f"<h2>{html.escape(parts[5].title)}</h2><ul>{links or '<li>—</li>'}</ul>"
    )
    return html_page(title(report), body)
