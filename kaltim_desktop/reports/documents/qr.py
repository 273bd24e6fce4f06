# SPDX-License-Identifier: GPL-3.0-or-later
"""Vector QR codes: the modules are drawn as one PDF path of rectangles, not as an image.

A path is resolution-independent (prints sharp at any size), costs no image encoding, and is
much faster than a PNG per page. Dark modules of a row are merged into runs, and the runs are
written as integer module coordinates under one transformation matrix, so a version-13 code is
a few hundred short ``re`` operators.

The mask pattern is fixed instead of chosen by scoring all eight (ISO/IEC 18004 recommends the
lowest-penalty mask, but every mask decodes the same): the scoring is four fifths of the
encoding time in pure Python, and batches draw one code per page.
"""

from __future__ import annotations

import re
from functools import lru_cache

import segno
from reportlab.pdfgen.canvas import Canvas

QUIET_ZONE = 4  # modules of white border the standard asks for
MASK = 4
_DARK_RUN = re.compile(rb"\x01+")


@lru_cache(maxsize=64)
def qr_runs(text: str) -> tuple[int, str]:
    """Return (modules per side, the PDF path operators of the dark runs in module units)."""
    code = segno.make(text, error="m", micro=False, mask=MASK)
    ops = []
    for row_index, row in enumerate(code.matrix):
        for run in _DARK_RUN.finditer(row):
            ops.append(f"{run.start()} {row_index} {run.end() - run.start()} 1 re")
    return len(code.matrix), "\n".join(ops)


def draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw the QR code of ``text`` with its quiet zone inside the square (x, y, size)."""
    modules, path = qr_runs(text)
    step = size / (modules + 2 * QUIET_ZONE)
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    # Module (col, row) → page: x grows with the column, y falls with the row.
    canvas.transform(step, 0, 0, -step, x + QUIET_ZONE * step, y + size - QUIET_ZONE * step)
    canvas._code.append(path + "\nf")
    canvas.restoreState()
