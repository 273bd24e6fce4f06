# SPDX-License-Identifier: GPL-3.0-or-later
"""The fast QR placement gives exactly segno's matrix (same mask), module for module, across
versions, modes and lengths; and the drawn code decodes with zbar."""

from __future__ import annotations

import random

import segno
from reportlab.pdfgen.canvas import Canvas

from kaltim_desktop.reports.documents.qr import MASK, draw_qr, qr_matrix
from tests.documents.pdf_tools import qr_codes

BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def segno_rows(text: str) -> list[str]:
    code = segno.make(text, error="m", mask=MASK, micro=False)
    return ["".join("1" if module else "0" for module in row) for row in code.matrix]


def test_matrix_equals_segno_for_many_inputs():
    rng = random.Random(4)
    texts = ["A", "KTM1.A.B", "Siti Nur'aini ñ 6472"]
    for length in [*range(1, 80, 7), *(rng.randrange(80, 1200) for _ in range(40))]:
        body = "".join(rng.choice(BASE32) for _ in range(length))
        texts.append(f"KTM1.{body}.{''.join(rng.choice(BASE32) for _ in range(103))}")
        texts.append(body.lower())  # byte mode
    versions = set()
    for text in texts:
        expected = segno_rows(text)
        assert qr_matrix(text) == expected, text[:40]
        versions.add(len(expected))
    assert len(versions) > 15  # small and large versions (with version information) covered


def test_drawn_code_decodes(tmp_path):
    text = "KTM1." + "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" * 10 + ".QRTEST"
    path = tmp_path / "qr.pdf"
    canvas = Canvas(str(path))
    draw_qr(canvas, text, 100, 400, 30 * 72 / 25.4)
    canvas.showPage()
    canvas.save()
    assert qr_codes(path, tmp_path) == [text]
