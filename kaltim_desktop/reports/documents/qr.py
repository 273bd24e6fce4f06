# SPDX-License-Identifier: GPL-3.0-or-later
"""Vector QR codes: the modules are drawn as one PDF path of rectangles, not as an image.

A path is resolution-independent (prints sharp at any size), costs no image encoding, and is
an order of magnitude faster than rasterising a PNG per page. Dark modules of a row are merged
into runs, so a version-13 code takes a few hundred rectangles instead of a few thousand.
"""

from __future__ import annotations

from functools import lru_cache

import segno
from reportlab.pdfgen.canvas import Canvas

QUIET_ZONE = 4  # modules of white border the standard asks for


@lru_cache(maxsize=64)
def qr_runs(text: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """Return (modules per side, dark runs as (row, first column, length))."""
    code = segno.make(text, error="m", micro=False)
    runs = []
    for row_index, row in enumerate(code.matrix):
        start = None
        for col, dark in enumerate(row):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                runs.append((row_index, start, col - start))
                start = None
        if start is not None:
            runs.append((row_index, start, len(row) - start))
    return len(code.matrix), tuple(runs)


def draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw the QR code of ``text`` with its quiet zone inside the square (x, y, size)."""
    modules, runs = qr_runs(text)
    step = size / (modules + 2 * QUIET_ZONE)
    top = y + size - QUIET_ZONE * step
    left = x + QUIET_ZONE * step
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for row, col, length in runs:
        path.rect(left + col * step, top - (row + 1) * step, length * step, step)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
