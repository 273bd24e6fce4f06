# SPDX-License-Identifier: GPL-3.0-or-later
"""One lock for every use of PDFium (pypdfium2) in the process.

PDFium is not thread-safe: two threads using it at once (a preview rendered on a worker while
the GUI thread prints, or a verification reading a file) can crash the process. Everything that
opens, renders or reads a PDF with pypdfium2 holds :data:`PDFIUM_LOCK` for the whole use.
"""

from __future__ import annotations

import threading

PDFIUM_LOCK = threading.RLock()
