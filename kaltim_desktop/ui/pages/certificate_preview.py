# SPDX-License-Identifier: GPL-3.0-or-later
"""Preview and print PDF documents without QtPdf: pages are rendered with pypdfium2.

Rendering happens on a worker thread (:func:`render_pages` returns plain bytes); the widget
turns them into pixmaps on the GUI thread. Printing renders each page again at the printer's
resolution (at most 300 dpi) and paints it on the :class:`QPrinter`, one page per sheet. Every
PDFium use holds ``PDFIUM_LOCK`` (PDFium is not thread-safe).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pypdfium2
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from kaltim_desktop.i18n import _
from kaltim_desktop.reports.documents.pdfium import PDFIUM_LOCK

PREVIEW_DPI = 60
MAX_PRINT_DPI = 300
MAX_PREVIEW_PAGES = 20  # a batch file may hold hundreds of pages; the preview shows the first


@dataclass(frozen=True)
class PageImage:
    width: int
    height: int
    rgb: bytes


def render_pages(path: Path, dpi: int = PREVIEW_DPI, limit: int | None = None) -> list[PageImage]:
    """Render the pages of a PDF to RGB bytes (safe to call on a worker thread)."""
    with PDFIUM_LOCK:
        pdf = pypdfium2.PdfDocument(str(path))
        try:
            count = len(pdf) if limit is None else min(len(pdf), limit)
            images = []
            for index in range(count):
                image = pdf[index].render(scale=dpi / 72).to_pil().convert("RGB")
                images.append(PageImage(image.width, image.height, image.tobytes()))
            return images
        finally:
            pdf.close()


def to_qimage(page: PageImage) -> QImage:
    image = QImage(page.rgb, page.width, page.height, 3 * page.width, QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels: the bytes object may go away


def print_pdf(path: Path, printer: QPrinter) -> int:
    """Paint every page of the PDF on ``printer``; return the number of pages printed."""
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    painter = QPainter()
    with PDFIUM_LOCK:
        pdf = pypdfium2.PdfDocument(str(path))
        try:
            if not painter.begin(printer):
                return 0
            for index in range(len(pdf)):
                if index:
                    printer.newPage()
                image = pdf[index].render(scale=dpi / 72).to_pil().convert("RGB")
                page = to_qimage(PageImage(image.width, image.height, image.tobytes()))
                area = painter.viewport()
                size = page.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(area.x(), area.y(), page.scaled(size))
            return len(pdf)
        finally:
            if painter.isActive():
                painter.end()
            pdf.close()


class PdfPreview(QScrollArea):
    """The pages of one PDF, one under the other, scrollable."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._inner = QWidget()
        self._layout = QVBoxLayout(self._inner)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setWidget(self._inner)
        self.pages: list[QLabel] = []
        self.path: Path | None = None
        self.show_message(_("No document to show yet."))

    def clear(self) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.pages = []

    def show_message(self, text: str) -> None:
        self.clear()
        self.path = None
        label = QLabel(text)
        label.setWordWrap(True)
        self._layout.addWidget(label)

    def show_pages(self, path: Path, images: list[PageImage]) -> None:
        self.clear()
        self.path = path
        for page in images:
            label = QLabel()
            pixmap = QPixmap.fromImage(to_qimage(page))
            room = self.viewport().width() - 24  # fit the pane: no sideways scrolling
            if 0 < room < pixmap.width():
                pixmap = pixmap.scaledToWidth(room, Qt.TransformationMode.SmoothTransformation)
            label.setPixmap(pixmap)
            label.setFrameShape(QLabel.Shape.Box)
            label.setAccessibleName(_("Document page"))
            self._layout.addWidget(label)
            self.pages.append(label)
