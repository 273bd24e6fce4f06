# SPDX-License-Identifier: GPL-3.0-or-later
"""Verifikasi: paste the text of a document's QR code or open its PDF; the answer is *valid*,
*invalid* with the reason, or *revoked*, with what the code says (number, name, masked NIK,
programme, date, issuing device). Works offline: the signature and the chain are checked on
this laptop."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.i18n import _
from kaltim_desktop.services.certificates import REVOKED, VALID, verify_input
from kaltim_desktop.ui.context import UiContext

STATUS_STYLE = {
    "valid": "color: #0b6b2e; font-weight: bold; font-size: 16pt;",
    "invalid": "color: #b00020; font-weight: bold; font-size: 16pt;",
    "revoked": "color: #a15c00; font-weight: bold; font-size: 16pt;",
}


class VerifyPanel(QWidget):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.dialog = None
        self.code_edit = QPlainTextEdit()
        self.code_edit.setPlaceholderText(_("Paste the text of the QR code here (KTM1.…)"))
        self.code_edit.setAccessibleName(_("QR code text"))
        self.code_edit.setMaximumHeight(140)
        self.verify_button = QPushButton(_("&Verify"))
        self.open_button = QPushButton(_("&Open PDF…"))
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Check a document offline: paste its code or open it.")))
        layout.addWidget(self.code_edit)
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        layout.addWidget(self.details)
        layout.addStretch(1)
        self.verify_button.clicked.connect(self.verify_pasted)
        self.open_button.clicked.connect(self.open_pdf)

    def verify_pasted(self) -> None:
        self.verify(self.code_edit.toPlainText())

    def open_pdf(self) -> None:
        dialog = QFileDialog(
            self, _("Open a document"), str(self.ui.data_dir), _("PDF files (*.pdf)")
        )
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.verify)
        dialog.open()
        self.dialog = dialog

    def verify(self, value: str) -> None:
        if not value.strip():
            return
        db = self.ui.db
        self.ui.runner.run(
            lambda _p: verify_input(db, value),
            title=_("Verifying"),
            on_done=self._show_verification,
            parent=self,
            progress_dialog=False,
        )

    def _show_verification(self, results) -> None:
        labels = {VALID: _("VALID"), REVOKED: _("REVOKED"), "invalid": _("INVALID")}
        worst = next(s for s in ("invalid", REVOKED, VALID) if any(r.status == s for r in results))
        self.result.setText(labels[worst])
        self.result.setStyleSheet(STATUS_STYLE[worst])
        lines = []
        for r in results:
            head = labels[r.status] + (f" — {r.reason}" if r.reason else "")
            lines.append(head)
            if r.claims is not None:
                lines.append(
                    _(
                        "Number {number}; {name}, NIK {nik}; {programme}; dated {date}; issued by "
                        "device {device}."
                    ).format(
                        number=r.claims.number,
                        name=r.claims.name,
                        nik=r.claims.nik_masked,
                        programme=r.claims.programme,
                        date=r.claims.issued_on,
                        device=r.claims.device,
                    )
                )
        self.details.setText("\n".join(lines))
