"""The softphone settings as a QR code (segno), SVG or PNG: CPU work, callers run it off the loop."""

from __future__ import annotations

import io

import segno


def qr_image(text: str, kind: str) -> bytes:
    """``text`` as a QR code image, ``kind`` ``svg`` or ``png`` (error correction M, 4 px modules)."""
    if kind not in ("svg", "png"):
        raise ValueError(f"QR image kind {kind!r}: svg or png")
    code = segno.make(text, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind=kind, scale=4, border=4)
    return out.getvalue()
