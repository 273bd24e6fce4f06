# SPDX-License-Identifier: GPL-3.0-or-later
"""Dialogs of the Synchronisation page: the export wizard, the import preview, the approval
of a laptop's enrolment request and the report of an import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.i18n import N_, _, ngettext
from kaltim_desktop.services.sync_exchange import SyncStatus
from kaltim_desktop.sync.bundles.blobs import photos_text


def status_lines(status: SyncStatus) -> dict[str, str]:
    """The facts about this installation's exchange, in words, keyed by field."""
    never = _("never")
    lines = {
        "unsent": str(status.unsent_ops),
        "ack": (
            _("up to change #{seq} on {date}").format(
                seq=status.acknowledged_seq, date=status.last_ack_at.strftime("%d-%m-%Y")
            )
            if status.last_ack_at
            else never
        ),
        "oldest": _("none"),
    }
    days = status.oldest_unacked_days
    if days is not None:
        lines["oldest"] = _("{days} days old").format(days=days)
        if status.stale:
            lines["oldest"] += " — " + _("send a bundle to the province soon")
    return lines


ENTITY_NAMES = {
    "household": N_("households"), "person": N_("persons"), "membership": N_("memberships"),
    "house_assessment": N_("house assessments"), "handover": N_("handovers"),
    "grant_award": N_("grants"), "training": N_("trainings"), "enrolment": N_("participants"),
    "document": N_("documents"), "photo": N_("photos"),
}  # fmt: skip
OUTCOMES = {
    "applied": N_("Imported"), "preview": N_("Ready to import"),
    "already": N_("Already imported"), "quarantined": N_("Waiting for an update"),
    "rejected": N_("Refused"), "exported": N_("Sent"),
}  # fmt: skip


def outcome_name(status: str) -> str:
    return _(OUTCOMES[status]) if status in OUTCOMES else status


def entity_counts(report: dict) -> str:
    """``households 3, persons 12`` from a report's per-entity counts."""
    totals: dict[str, int] = {}
    for key, count in (report.get("per_entity") or {}).items():
        entity = key.split(".")[0]
        totals[entity] = totals.get(entity, 0) + count
    return ", ".join(
        f"{_(ENTITY_NAMES.get(entity, entity))} {count}" for entity, count in totals.items()
    )


# Warnings said in words by review_text (the others are shown by their code).
REVIEW_WARNINGS = frozenset(
    ("W_CONFLICTS", "W_DUPLICATE_CANDIDATES", "W_INVARIANTS", "W_DUPLICATE_SCAN_DEFERRED")
)


def review_text(report: dict) -> str:
    """What the import leaves for a reviewer (page Tinjauan), in words; empty when nothing."""
    parts = []
    if report.get("review_opened"):
        count = report["review_opened"]
        said = ngettext("{n} change to review", "{n} changes to review", count)
        parts.append(said.format(n=count))
    if report.get("duplicates_new"):
        count = report["duplicates_new"]
        said = ngettext("{n} possible duplicate", "{n} possible duplicates", count)
        parts.append(said.format(n=count))
    if report.get("invariants_open"):
        count = report["invariants_open"]
        said = ngettext("{n} broken rule", "{n} broken rules", count)
        parts.append(said.format(n=count))
    if "W_DUPLICATE_SCAN_DEFERRED" in (report.get("warnings") or ()):
        parts.append(_("duplicate check left to the province's full scan"))
    return ", ".join(parts)


def ranges_text(report: dict) -> str:
    return ", ".join(f"#{r['from']}–#{r['to']}" for r in report.get("ops") or [])


def results_table(results, parent: QWidget | None = None) -> QTableWidget:
    """One row per file: name, outcome, sender and part, what it changes or why not."""
    table = QTableWidget(len(results), 4, parent)
    table.setHorizontalHeaderLabels([_("File"), _("Outcome"), _("From"), _("Details")])
    for row, result in enumerate(results):
        report = result.report
        if result.status in ("applied", "preview"):
            detail = _("{new} new, {already} already present, {held} held").format(
                new=report.get("applied", 0) + report.get("released", 0),
                already=report.get("already", 0),
                held=report.get("held_gap", 0) + report.get("held_revoked", 0)
                + report.get("held_clock", 0),
            )  # fmt: skip
            counts = entity_counts(report)
            if counts:
                detail += f" ({counts})"
            if report.get("gaps"):
                detail += " — " + _("earlier changes missing: held until they arrive")
            detail += photos_text(report)
            review = review_text(report)
            if review:
                detail += " — " + review
            others = [w for w in report.get("warnings") or () if w not in REVIEW_WARNINGS]
            if others:
                detail += " — " + ", ".join(others)
        else:
            detail = result.message
        part = f" ({result.part}/{result.parts})" if result.part else ""
        sender = (result.sender or "") + part
        if result.report.get("ops"):
            sender += " " + ranges_text(result.report)
        values = [result.file_name, outcome_name(result.status), sender, detail]
        for column, value in enumerate(values):
            table.setItem(row, column, QTableWidgetItem(value))
    table.horizontalHeader().setStretchLastSection(True)
    table.resizeColumnsToContents()
    return table


class ExportDialog(QDialog):
    """The export wizard: what is unsent, where to write, mail-size parts."""

    def __init__(self, status: SyncStatus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Send changes to the province"))
        lines = status_lines(status)
        form = QFormLayout()
        form.addRow(_("Unsent changes:"), QLabel(lines["unsent"]))
        form.addRow(_("Province confirmed:"), QLabel(lines["ack"]))
        self.oldest_label = QLabel(lines["oldest"])
        if status.stale:
            self.oldest_label.setStyleSheet("color: #b00020; font-weight: bold")
        form.addRow(_("Oldest unconfirmed change:"), self.oldest_label)
        self.folder = QLineEdit()
        browse = QPushButton(_("&Choose…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        caption = QLabel(_("&Folder or USB drive:"))
        caption.setBuddy(self.folder)
        form.addRow(caption, row)
        self.small = QCheckBox(_("Parts of at most 7 MiB (for small mailboxes)"))
        form.addRow("", self.small)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton(_("&Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Folder or USB drive"))
        if folder:
            self.folder.setText(folder)

    def _accept(self) -> None:
        if self.folder.text().strip():
            self.accept()

    @property
    def target(self) -> Path:
        return Path(self.folder.text().strip())


class PreviewDialog(QDialog):
    """What the chosen files would change; nothing is written until Import."""

    def __init__(self, results, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Import preview"))
        self.resize(900, 360)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Nothing has been changed yet. Check the files below.")))
        self.table = results_table(results, self)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton(_("&Import"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(any(r.status == "preview" for r in results))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class ApproveDialog(QDialog):
    """The province approves a laptop: the request file and the fingerprint read aloud."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Approve a laptop"))
        form = QFormLayout(self)
        self.request = QLineEdit()
        browse = QPushButton(_("&Choose…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.request, 1)
        row.addWidget(browse)
        caption = QLabel(_("&Request file:"))
        caption.setBuddy(self.request)
        form.addRow(caption, row)
        self.fingerprint = QLineEdit()
        self.fingerprint.setPlaceholderText("XXXX XXXX XXXX XXXX XXXX XXXX XXXX XXXX")
        form.addRow(_("&Fingerprint read aloud:"), self.fingerprint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Enrolment request"), "", _("Enrolment requests (*.json)")
        )
        if path:
            self.request.setText(path)
