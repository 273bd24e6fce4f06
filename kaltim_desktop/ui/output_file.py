# SPDX-License-Identifier: GPL-3.0-or-later
"""A field for the file a dialog is about to write: a path, a Browse… button, the extension
of the chosen format added when the officer typed a name without it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget

from kaltim_desktop.i18n import _


class OutputFileField(QWidget):
    """Edited like a line edit (``text``, ``setText``, ``textChanged``)."""

    textChanged = Signal(str)

    def __init__(
        self, title: str, suffix: Callable[[], str], default_stem: Callable[[], str], parent=None
    ) -> None:
        """``suffix()`` gives the chosen format's extension with its dot (".xlsx");
        ``default_stem()`` the name proposed by Browse…, without the extension."""
        super().__init__(parent)
        self._title = title
        self._suffix = suffix
        self._default_stem = default_stem
        self.edit = QLineEdit(self)
        browse = QPushButton(_("Browse…"), self)
        browse.clicked.connect(self.browse)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit)
        row.addWidget(browse)
        self.edit.textChanged.connect(self.textChanged)
        self.setFocusProxy(self.edit)

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)

    def browse(self) -> None:
        suffix = self._suffix()
        path, _filter = QFileDialog.getSaveFileName(
            self, self._title, f"{self._default_stem()}{suffix}", f"*{suffix}"
        )
        if path:
            self.edit.setText(path)

    def path(self) -> Path:
        """The path typed or chosen, ending with the chosen format's extension."""
        path = Path(self.edit.text().strip())
        suffix = self._suffix()
        if path.suffix.casefold() != suffix:
            path = path.with_name(path.name + suffix)
        return path
