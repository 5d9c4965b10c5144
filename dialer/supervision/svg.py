"""The wallboard's charts drawn as small SVG images (pure string building: no library, no thread).

Both share one frame: a day of slots along the x axis with the local hours marked every two hours, a
scale on the y axis, a legend, and a ``<title>`` on every bar or point so hovering reads the value.
The image scales to its container (``viewBox``; width 100 %). Words come in ``texts`` (``WORDS``, in
the page's language: the API takes them from the pages' catalogue, ``api.i18n``).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import datetime

from dialer.supervision.charts import CallSlot, OccupancySlot

WIDTH, HEIGHT = 720, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 26, 22
PLACED, ANSWERED, OCCUPANCY = "#3b78b4", "#2e9d57", "#c87f0a"
FONT = "font-family='DejaVu Sans, Arial, sans-serif' font-size='11'"

WORDS = ("calls_title", "placed", "answered", "occupancy_title", "occupancy", "empty")
"""The words a chart needs (``texts``); ``{minutes}`` in the titles is the slot's length."""


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _nice_top(value: float) -> int:
    """A round scale top at or above ``value`` (1, 2, 5, 10, 20, 50...)."""
    scale = 1
    while True:
        for step in (1, 2, 5):
            if step * scale >= value:
                return step * scale
        scale *= 10


def _frame(
    title: str, starts: Sequence[datetime], top_label: str, legend: Sequence[tuple[str, str]]
) -> list[str]:
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + inner_h
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {WIDTH} {HEIGHT}' width='100%'"
        f" role='img' aria-label='{_esc(title)}' {FONT}>",
        f"<title>{_esc(title)}</title>",
        f"<text x='{LEFT}' y='14' font-weight='bold'>{_esc(title)}</text>",
        f"<line x1='{LEFT}' y1='{base}' x2='{WIDTH - RIGHT}' y2='{base}' stroke='#888'/>",
        f"<line x1='{LEFT}' y1='{TOP}' x2='{WIDTH - RIGHT}' y2='{TOP}' stroke='#ddd'/>",
        f"<line x1='{LEFT}' y1='{TOP + inner_h / 2}' x2='{WIDTH - RIGHT}' y2='{TOP + inner_h / 2}'"
        " stroke='#eee'/>",
        f"<text x='{LEFT - 4}' y='{TOP + 4}' text-anchor='end'>{_esc(top_label)}</text>",
        f"<text x='{LEFT - 4}' y='{base}' text-anchor='end'>0</text>",
    ]
    step = inner_w / max(len(starts), 1)
    for i, start in enumerate(starts):
        if start.minute == 0 and start.hour % 2 == 0:
            x = LEFT + i * step
            parts.append(f"<line x1='{x:.1f}' y1='{base}' x2='{x:.1f}' y2='{base + 4}' stroke='#888'/>")
            parts.append(f"<text x='{x:.1f}' y='{HEIGHT - 6}' text-anchor='middle'>{start:%H}</text>")
    x = WIDTH - RIGHT
    for name, colour in reversed(legend):
        width = 14 + 7 * len(name)
        x -= width
        parts.append(f"<rect x='{x}' y='5' width='10' height='10' fill='{colour}'/>")
        parts.append(f"<text x='{x + 13}' y='14'>{_esc(name)}</text>")
    return parts


def calls_svg(slots: Sequence[CallSlot], texts: Mapping[str, str], minutes: int) -> str:
    """Calls placed and answered per slot, side by side."""
    title = texts["calls_title"].format(minutes=minutes)
    top = _nice_top(max((max(s.placed, s.answered) for s in slots), default=0))
    parts = _frame(
        title, [s.start for s in slots], str(top), [(texts["placed"], PLACED), (texts["answered"], ANSWERED)]
    )
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(len(slots), 1)
    bar = max(step * 0.42, 0.5)
    for i, slot in enumerate(slots):
        for offset, value, colour, name in (
            (0.08, slot.placed, PLACED, texts["placed"]),
            (0.5, slot.answered, ANSWERED, texts["answered"]),
        ):
            if not value:
                continue
            h = inner_h * value / top
            x = LEFT + i * step + step * offset
            parts.append(
                f"<rect x='{x:.1f}' y='{TOP + inner_h - h:.1f}' width='{bar:.1f}' height='{h:.1f}'"
                f" fill='{colour}'><title>{slot.start:%H:%M} {_esc(name)}: {value}</title></rect>"
            )
    if not any(s.placed or s.answered for s in slots):
        parts.append(f"<text x='{WIDTH / 2}' y='{TOP + inner_h / 2}' text-anchor='middle' fill='#888'>"
                     f"{_esc(texts['empty'])}</text>")  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)


def occupancy_svg(slots: Sequence[OccupancySlot], texts: Mapping[str, str], minutes: int) -> str:
    """Occupancy (0-100 %) per slot as a line with dots; slots with nobody available are gaps."""
    title = texts["occupancy_title"].format(minutes=minutes)
    parts = _frame(title, [s.start for s in slots], "100%", [(texts["occupancy"], OCCUPANCY)])
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(len(slots), 1)
    runs: list[list[str]] = [[]]
    for i, slot in enumerate(slots):
        if slot.occupancy is None:
            if runs[-1]:
                runs.append([])
            continue
        x = LEFT + i * step + step / 2
        y = TOP + inner_h * (1 - slot.occupancy)
        runs[-1].append(f"{x:.1f},{y:.1f}")
        parts.append(
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='2' fill='{OCCUPANCY}'><title>{slot.start:%H:%M} "
            f"{_esc(texts['occupancy'])}: {slot.occupancy:.0%}</title></circle>"
        )
    for run in runs:
        if len(run) > 1:
            parts.append(
                f"<polyline points='{' '.join(run)}' fill='none' stroke='{OCCUPANCY}' stroke-width='1.5'/>"
            )
    if all(s.occupancy is None for s in slots):
        parts.append(f"<text x='{WIDTH / 2}' y='{TOP + inner_h / 2}' text-anchor='middle' fill='#888'>"
                     f"{_esc(texts['empty'])}</text>")  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)
