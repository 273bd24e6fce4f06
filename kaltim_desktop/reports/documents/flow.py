# SPDX-License-Identifier: GPL-3.0-or-later
"""A writing cursor for documents that may run over one page (BAST, aid history).

It draws wrapped paragraphs and label–value rows top-down on the canvas and starts a new page
(with a continuation line naming the document number) when the next block does not fit, so
long names, long village names or a long aid history never overflow the paper.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from kaltim_desktop.reports.documents.layout import MM, style, text


class Cursor:
    """Top-down drawing between ``left``/``right`` and ``top``/``bottom`` of the page."""

    def __init__(
        self,
        canvas: Canvas,
        *,
        left: float,
        right: float,
        top: float,
        bottom: float,
        continuation: Callable[[Canvas], float],
    ) -> None:
        self.canvas = canvas
        self.left, self.right, self.bottom = left, right, bottom
        self.y = top
        self._continuation = continuation

    @property
    def width(self) -> float:
        return self.right - self.left

    def new_page(self) -> None:
        self.canvas.showPage()
        self.y = self._continuation(self.canvas)

    def need(self, height: float) -> None:
        """Start a new page unless ``height`` points still fit above the bottom margin."""
        if self.y - height < self.bottom:
            self.new_page()

    def skip(self, points: float) -> None:
        self.y -= points

    def para(
        self, markup: str, st: ParagraphStyle | None = None, *, indent: float = 0, before=0.0
    ) -> None:
        para = Paragraph(markup, st or style(11))
        _w, height = para.wrapOn(self.canvas, self.width - indent, 10_000)
        self.need(height + before)
        self.y -= before
        para.drawOn(self.canvas, self.left + indent, self.y - height)
        self.y -= height

    def fields(
        self,
        rows: Sequence[tuple[str, str]],
        *,
        indent: float = 0,
        label_width: float = 48 * MM,
        size: float = 11,
    ) -> None:
        """Rows of ``label : value`` with the value wrapped in its column."""
        st = style(size, align=TA_LEFT)
        value_x = self.left + indent + label_width + 4 * MM
        value_width = self.right - value_x
        for label, value in rows:
            label_para = Paragraph(text(label), st)
            value_para = Paragraph(text(value or "-"), st)
            _w, lh = label_para.wrapOn(self.canvas, label_width, 10_000)
            _w, vh = value_para.wrapOn(self.canvas, value_width, 10_000)
            height = max(lh, vh) + 1
            self.need(height)
            label_para.drawOn(self.canvas, self.left + indent, self.y - lh)
            self.canvas.setFont(st.fontName, size)
            self.canvas.drawString(value_x - 3 * MM, self.y - size, ":")
            value_para.drawOn(self.canvas, value_x, self.y - vh)
            self.y -= height
