# SPDX-License-Identifier: GPL-3.0-or-later
"""Sertifikat: issue, preview, print, reprint and void documents; and Verifikasi.

*Issue and print*: choose the kind and a region; the records that qualify are listed with their
document number once issued. Issuing (one, or all of the list into one PDF) writes the file to
``<data dir>/documents/`` under its number — never a name — and shows it; *Print…* goes through
the system print dialog. *Verify*: paste the text of a QR code or open a PDF; the answer is
valid, invalid (with the reason) or revoked.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.domain.regions import region_tree
from kaltim_desktop.i18n import N_, _, ngettext
from kaltim_desktop.services.certificate_batch import BatchSelection, issue_batch, list_candidates
from kaltim_desktop.services.certificates import (
    issue_document,
    record_print,
    reprint_document,
    void_document,
)
from kaltim_desktop.services.document_numbers import file_name
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.pages.base import Page
from kaltim_desktop.ui.pages.certificate_preview import (
    MAX_PREVIEW_PAGES,
    PdfPreview,
    print_pdf,
    render_pages,
)
from kaltim_desktop.ui.pages.certificate_verify import VerifyPanel
from kaltim_desktop.ui.pages.programme_widgets import fill_table, make_table, selected_id
from kaltim_desktop.ui.region_picker import RegionPicker

KIND_LABELS = {
    "rlh_certificate": N_("House aid certificate (RLH)"),
    "bast": N_("House handover record (BAST)"),
    "grant_certificate": N_("Business grant letter"),
    "training_certificate": N_("Training certificate"),
    "aid_history": N_("Aid history of a household"),
}


class CertificatesPage(Page):
    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, parent)
        self.candidates = ()
        self.dialog = None
        self.folder = Path(ui.data_dir) / "documents"

        # -- issue and print
        self.kind = QComboBox()
        for code, label in KIND_LABELS.items():
            self.kind.addItem(_(label), code)
        self.region = RegionPicker(any_level=True)
        self.show_button = QPushButton(_("&Show"))
        kind_caption = QLabel(_("&Document:"))
        kind_caption.setBuddy(self.kind)
        top = QHBoxLayout()
        top.addWidget(kind_caption)
        top.addWidget(self.kind, 1)
        top.addWidget(self.show_button)
        self.table = make_table([_("Name"), _("Village"), _("Document number")], stretch=0)
        self.table.setColumnWidth(1, 150)
        self.table.setColumnWidth(2, 260)
        self.issue_button = QPushButton(_("&Issue"))
        self.reprint_button = QPushButton(_("&Reprint copy"))
        self.void_button = QPushButton(_("&Void…"))
        self.batch_button = QPushButton(_("Issue &all in one PDF"))
        buttons = QHBoxLayout()
        for button in (self.issue_button, self.reprint_button, self.void_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.batch_button)
        self.count_label = QLabel()
        self.info = QLabel()  # the outcome of the last action
        self.info.setWordWrap(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.region)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count_label)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.info)

        self.preview = PdfPreview()
        self.print_button = QPushButton(_("&Print…"))
        self.print_button.setEnabled(False)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.preview, 1)
        right_layout.addWidget(self.print_button)
        issue_tab = QSplitter()
        issue_tab.addWidget(left)
        issue_tab.addWidget(right)
        issue_tab.setSizes([620, 520])
        issue_tab.setChildrenCollapsible(False)

        self.verify_panel = VerifyPanel(ui)

        self.tabs = QTabWidget()
        self.tabs.addTab(issue_tab, _("Issue and print"))
        self.tabs.addTab(self.verify_panel, _("Verify"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        self.show_button.clicked.connect(self.refresh)
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.issue_button.clicked.connect(self.issue_selected)
        self.reprint_button.clicked.connect(self.reprint_selected)
        self.void_button.clicked.connect(lambda: self.void_selected())
        self.batch_button.clicked.connect(self.issue_all)
        self.print_button.clicked.connect(self.print_dialog)
        ui.events.data_changed.connect(self._on_data_changed)
        self._update_buttons()

    def title(self) -> str:
        return _("Certificates")

    def activated(self) -> None:
        self.refresh()

    # ---- list ---------------------------------------------------------------------------------

    def selection(self) -> BatchSelection:
        return BatchSelection(region=self.region.code())

    def refresh(self) -> None:
        if not self.region.code():
            self.count_label.setText(_("Choose a region to list the records that qualify."))
            return
        kind, selection = self.kind.currentData(), self.selection()
        self.ui.runner.run(
            lambda _p: list_candidates(self.ui.db, kind, selection),
            title=_("Loading"),
            on_done=self._show_candidates,
            parent=self,
            progress_dialog=False,
        )

    def _show_candidates(self, candidates) -> None:
        self.candidates = candidates
        tree = region_tree()

        def village(code: str) -> str:
            region = tree.get(code)
            return region.name if region else code

        fill_table(
            self.table,
            (
                (c.subject_id, [c.name, village(c.village_code), c.document_number or ""])
                for c in candidates
            ),
        )
        self.count_label.setText(
            ngettext(
                "{count} record qualifies.", "{count} records qualify.", len(candidates)
            ).format(count=len(candidates))
            if candidates
            else _("No record in this region qualifies for this document.")
        )
        self._update_buttons()

    def current(self):
        chosen = selected_id(self.table)
        return next((c for c in self.candidates if c.subject_id == chosen), None)

    def _update_buttons(self) -> None:
        candidate = self.current()
        issued = candidate is not None and candidate.document_id is not None
        self.issue_button.setEnabled(candidate is not None and not issued)
        self.reprint_button.setEnabled(issued)
        self.void_button.setEnabled(issued)
        self.batch_button.setEnabled(any(c.document_id is None for c in self.candidates))

    def _on_data_changed(self, entity: str) -> None:
        if entity in ("*", "document", "handover", "grant", "enrolment") and self.isVisible():
            self.refresh()

    # ---- issue, reprint, void -------------------------------------------------------------------

    def _target(self, name: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / name

    def issue_selected(self) -> None:
        candidate = self.current()
        if candidate is None:
            return
        kind, db, actor = self.kind.currentData(), self.ui.db, self.ui.actor
        temporary = self._target(f"{kind}-{candidate.subject_id}.pdf")

        def work(_progress):
            row = issue_document(db, actor, kind, candidate.subject_id, temporary)
            final = temporary.with_name(file_name(row.number))
            temporary.replace(final)
            return row, final

        self.ui.runner.run(work, title=_("Issuing"), on_done=self._issued, parent=self)

    def _issued(self, outcome) -> None:
        row, path = outcome
        self.info.setText(_("Issued {number}.").format(number=row.number))
        self.ui.events.data_changed.emit("document")
        self.show_pdf(path)

    def reprint_selected(self) -> None:
        candidate = self.current()
        if candidate is None or candidate.document_id is None:
            return
        db, actor = self.ui.db, self.ui.actor
        number = candidate.document_number or ""

        def work(_progress):
            target = self._target(file_name(number).replace(".pdf", "-salinan.pdf"))
            row = reprint_document(db, actor, candidate.document_id, target)
            return row, target

        self.ui.runner.run(work, title=_("Printing a copy"), on_done=self._reprinted, parent=self)

    def _reprinted(self, outcome) -> None:
        row, path = outcome
        self.info.setText(
            _("Copy {copy} of {number}.").format(copy=row.copies_printed - 1, number=row.number)
        )
        self.show_pdf(path)

    def void_selected(self, reason: str | None = None) -> None:
        """Void the selected record's document; without ``reason`` the officer is asked."""
        candidate = self.current()
        if candidate is None or candidate.document_id is None:
            return
        if reason is None:
            dialog = QInputDialog(self)
            dialog.setWindowTitle(_("Void document"))
            dialog.setLabelText(
                _("Why is {number} voided?").format(number=candidate.document_number)
            )
            dialog.textValueSelected.connect(self.void_selected)
            dialog.open()
            self.dialog = dialog
            return
        db, actor = self.ui.db, self.ui.actor
        self.ui.runner.run(
            lambda _p: void_document(db, actor, candidate.document_id, reason),
            title=_("Voiding"),
            on_done=self._voided,
            parent=self,
        )

    def _voided(self, row) -> None:
        self.info.setText(_("{number} is voided.").format(number=row.number))
        self.ui.events.data_changed.emit("document")

    def issue_all(self) -> None:
        kind, selection, db, actor = (
            self.kind.currentData(),
            self.selection(),
            self.ui.db,
            self.ui.actor,
        )
        region = (selection.region or "all").replace(".", "")
        target = self._target(f"{kind}-{region}.pdf")
        self.ui.runner.run(
            lambda progress: (
                issue_batch(db, actor, kind, selection, out_file=target, progress=progress),
                target,
            ),
            title=_("Issuing documents"),
            on_done=self._batch_done,
            parent=self,
        )

    def _batch_done(self, outcome) -> None:
        result, path = outcome
        self.info.setText(
            _("Issued {issued} documents ({skipped} already issued, skipped).").format(
                issued=result.issued, skipped=result.skipped
            )
        )
        self.ui.events.data_changed.emit("document")
        self.show_pdf(path)

    # ---- preview and print ----------------------------------------------------------------------

    def show_pdf(self, path: Path) -> None:
        self.ui.runner.run(
            lambda _p: render_pages(path, limit=MAX_PREVIEW_PAGES),
            title=_("Preview"),
            on_done=lambda images: self._show_images(path, images),
            parent=self,
            progress_dialog=False,
        )

    def _show_images(self, path: Path, images) -> None:
        self.preview.show_pages(path, images)
        self.print_button.setEnabled(True)

    def print_to(self, printer: QPrinter, path: Path) -> int:
        """Print the file and put the print in the audit trail; return the pages printed."""
        pages = print_pdf(path, printer)
        if pages:
            db, actor = self.ui.db, self.ui.actor
            self.ui.runner.run(
                lambda _p: record_print(db, actor, path), title=_("Printing"), parent=self
            )
        return pages

    def print_dialog(self) -> None:
        if self.preview.path is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        path = self.preview.path
        dialog.accepted.connect(lambda: self.print_to(printer, path))
        dialog.open()
        self.dialog = dialog
