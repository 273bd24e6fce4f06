# SPDX-License-Identifier: GPL-3.0-or-later
"""Embedded fonts: DejaVu Serif, shipped in ``kaltim_desktop/data/fonts`` with its licence.

Shipping the TTF files (rather than relying on the PDF base fonts or the system's fonts) makes
a document render the same on every laptop, Windows included, and lets names with non-ASCII
letters (``Ṡiti Nur'aini``, ``Dayak Kenyah`` diacritics) print correctly. ReportLab embeds the
subset of glyphs used.
"""

from __future__ import annotations

from functools import cache

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from kaltim_desktop.paths import PACKAGE_DIR

FONT_DIR = PACKAGE_DIR / "data" / "fonts"
SERIF = "KtmSerif"
SERIF_BOLD = "KtmSerif-Bold"
SERIF_ITALIC = "KtmSerif-Italic"

_FILES = {
    SERIF: "DejaVuSerif.ttf",
    SERIF_BOLD: "DejaVuSerif-Bold.ttf",
    SERIF_ITALIC: "DejaVuSerif-Italic.ttf",
}


@cache
def register_fonts() -> None:
    """Register the fonts once per process (idempotent)."""
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    # So that <b> and <i> in paragraphs pick the right faces.
    addMapping(SERIF, 0, 0, SERIF)
    addMapping(SERIF, 1, 0, SERIF_BOLD)
    addMapping(SERIF, 0, 1, SERIF_ITALIC)
    addMapping(SERIF, 1, 1, SERIF_BOLD)
