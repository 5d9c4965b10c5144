"""Interactive charts for the HTML pages: inline SVG bars with a tooltip on each bar and a selector
between series, driven by a few lines of inline script (no library, no network)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 720, 240, 48, 28, 12


def _bars(labels: Sequence[str], values: Sequence[float], unit: str) -> str:
    top = max(values, default=0) or 1
    inner_w, inner_h = WIDTH - PAD_LEFT - 8, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = inner_w / max(len(values), 1)
    parts = [
        f"<line x1='{PAD_LEFT}' y1='{PAD_TOP + inner_h}' x2='{WIDTH - 8}' y2='{PAD_TOP + inner_h}'"
        " stroke='#888'/>",
        f"<text x='{PAD_LEFT - 4}' y='{PAD_TOP + 10}' text-anchor='end'>{top:g}</text>",
        f"<text x='{PAD_LEFT - 4}' y='{PAD_TOP + inner_h}' text-anchor='end'>0</text>",
    ]
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = inner_h * value / top
        x = PAD_LEFT + index * step + step * 0.1
        y = PAD_TOP + inner_h - h
        tip = html.escape(f"{label}: {value:g} {unit}".strip())
        parts.append(
            f"<rect class='bar' x='{x:.1f}' y='{y:.1f}' width='{step * 0.8:.1f}' height='{h:.1f}'"
            f" fill='#3b78b4'><title>{tip}</title></rect>"
        )
        if len(labels) <= 31 or index % 2 == 0:
            parts.append(
                f"<text x='{x + step * 0.4:.1f}' y='{HEIGHT - 10}' text-anchor='middle'>"
                f"{html.escape(label)}</text>"
            )
    return "".join(parts)


def interactive_bars(
    chart_id: str, labels: Sequence[str], series: Mapping[str, Sequence[float]], unit: str = ""
) -> str:
    """Bars of one series at a time; a selector switches series; hovering a bar shows its value."""
    options = "".join(f"<option value='{i}'>{html.escape(name)}</option>" for i, name in enumerate(series))
    charts = "".join(
        f"<svg class='chart' data-series='{i}' width='{WIDTH}' height='{HEIGHT}' role='img'"
        f" aria-label='{html.escape(name)}' style='display:{'block' if i == 0 else 'none'}'>"
        f"{_bars(labels, values, unit)}</svg>"
        for i, (name, values) in enumerate(series.items())
    )
    script = (
        f"<script>(function(){{var root=document.getElementById('{chart_id}');"
        "var pick=root.querySelector('select');pick.addEventListener('change',function(){"
        "root.querySelectorAll('svg').forEach(function(s){"
        "s.style.display=s.dataset.series===pick.value?'block':'none';});});})();</script>"
    )
    picker = f"<select class='noprint'>{options}</select>"
    return f"<div id='{chart_id}' class='interactive'>{picker}{charts}{script}</div>"
