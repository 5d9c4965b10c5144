"""Chart images for documents (HTML to print, PDF): PNG bytes drawn by matplotlib's Agg backend,
with DejaVu Sans so Cyrillic labels render without system fonts.

matplotlib is imported when the first chart is drawn, not with the module: it costs about 0.7 s and
100 MB, which every ``dialer`` command would otherwise pay."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence


def bar_png(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    ylabel: str = "",
    target: float | None = None,
) -> bytes:
    """A bar chart as PNG; ``target`` draws a dashed line (a goal, a committed volume)."""
    from matplotlib.figure import Figure  # Figure draws through Agg without pyplot's backend choice

    figure = Figure(figsize=(8, 3), dpi=100)
    axes = figure.subplots()
    axes.bar(range(len(values)), list(values), color="#3b78b4")
    axes.set_xticks(range(len(labels)), list(labels), fontsize=7, rotation=90 if len(labels) > 12 else 0)
    axes.set_title(title, fontsize=10, family="DejaVu Sans")
    axes.set_ylabel(ylabel, fontsize=8)
    if target is not None:
        axes.axhline(target, color="#c0392b", linestyle="--", linewidth=1)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def data_uri(png: bytes) -> str:
    """The image inline, for an ``<img src=…>`` in a page that must stand alone."""
    return "data:image/png;base64," + base64.b64encode(png).decode()
