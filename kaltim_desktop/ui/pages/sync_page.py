# SPDX-License-Identifier: GPL-3.0-or-later
"""Sinkronisasi: this installation's exchange with the province (or, at the province, with the
laptops): status, export, import with a preview, enrolment and the import history.

Every step runs through the services on the task runner; files are chosen with the standard
dialogs and handed over as paths, so the same methods serve the buttons and the tests.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.i18n import _
from kaltim_desktop.services import sync_exchange, sync_identity, sync_trust
from kaltim_desktop.sync.bundles.errors import message
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.pages.base import Page
from kaltim_desktop.ui.sync_dialogs import (
    ApproveDialog,
    ExportDialog,
    PreviewDialog,
    entity_counts,
    outcome_name,
    results_table,
    status_lines,
)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setVisible(False)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, QTableWidgetItem(value))
    # Not the last column: resizing it to its contents would undo its stretch to the width.
    for column in range(table.columnCount() - 1):
        table.resizeColumnToContents(column)


class SyncPage(Page):
    """Status, actions, laptops (province) and history."""

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, parent)
        self.status: sync_exchange.SyncStatus | None = None
        self.dialog = None
        self.last_results: tuple = ()
        self.labels: dict[str, QLabel] = {}
        box = QGroupBox(_("This installation"))
        form = QFormLayout(box)
        captions = {
            "role": _("Role:"), "device": _("Device:"), "enrolled": _("Enrolment:"),
            "registry": _("List of laptops:"), "unsent": _("Unsent changes:"),
            "ack": _("Province confirmed:"), "oldest": _("Oldest unconfirmed change:"),
            "held": _("Changes waiting:"),
        }  # fmt: skip
        for key, caption in captions.items():
            self.labels[key] = QLabel()
            form.addRow(caption, self.labels[key])
        self.export_button = QPushButton(_("&Export…"))
        self.import_button = QPushButton(_("&Import…"))
        self.request_button = QPushButton(_("Enrolment &request…"))
        self.enroll_button = QPushButton(_("E&nrol with file…"))
        self.approve_button = QPushButton(_("&Approve laptop…"))
        self.revoke_button = QPushButton(_("Re&voke laptop…"))
        actions = QHBoxLayout()
        for button in (self.export_button, self.import_button, self.request_button,
                       self.enroll_button, self.approve_button, self.revoke_button):  # fmt: skip
            actions.addWidget(button)
        actions.addStretch(1)
        self.export_button.clicked.connect(self._export_clicked)
        self.import_button.clicked.connect(self._import_clicked)
        self.request_button.clicked.connect(self._request_clicked)
        self.enroll_button.clicked.connect(self._enroll_clicked)
        self.approve_button.clicked.connect(self._approve_clicked)
        self.revoke_button.clicked.connect(self._revoke_clicked)

        self.devices_box = QGroupBox(_("Laptops"))
        self.devices = _table([_("Device"), _("Role"), _("Scope"), _("Serial"), _("Revoked"),
                               _("Last exchange")])  # fmt: skip
        QVBoxLayout(self.devices_box).addWidget(self.devices)
        history_box = QGroupBox(_("History"))
        self.history = _table([_("Time"), _("Direction"), _("Outcome"), _("Laptop/office"),
                               _("File"), _("Part"), _("Size"), _("Details")])  # fmt: skip
        QVBoxLayout(history_box).addWidget(self.history)

        top = QHBoxLayout()
        top.addWidget(box, 1)
        top.addWidget(self.devices_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(history_box, 1)

    def title(self) -> str:
        return _("Synchronisation")

    # ---- loading ---------------------------------------------------------------------------

    def activated(self) -> None:
        db = self.ui.db

        def load(_progress):
            return (sync_exchange.sync_status(db), sync_exchange.history(db),
                    sync_identity.list_devices(db))  # fmt: skip

        self.ui.runner.run(load, title=_("Reading the sync status"), on_done=self._show,
                           parent=self, progress_dialog=False)  # fmt: skip

    def _show(self, loaded) -> None:
        status, history, devices = loaded
        self.status = status
        province = status.role == "province"
        lines = status_lines(status)
        role = _("Province office") if province else _("District laptop")
        self.labels["role"].setText(role)
        self.labels["device"].setText(status.device_id)
        self.labels["enrolled"].setText(
            _("enrolled for {scope}").format(scope=", ".join(status.scope))
            if status.enrolled else _("not enrolled yet")
        )  # fmt: skip
        self.labels["registry"].setText(
            _("version {version}").format(version=status.registry_version)
            if status.registry_version else "—"
        )  # fmt: skip
        for key in ("unsent", "ack", "oldest"):
            self.labels[key].setText("—" if province else lines[key])
        self.labels["oldest"].setStyleSheet(
            "color: #b00020; font-weight: bold" if status.stale else ""
        )
        self.labels["held"].setText(str(status.held_ops))
        self.devices_box.setVisible(province)
        for button in (self.approve_button, self.revoke_button):
            button.setVisible(province)
        for button in (self.request_button, self.enroll_button):
            button.setVisible(not province)
        self.export_button.setEnabled(status.enrolled)
        self.import_button.setEnabled(status.enrolled)
        _fill(self.devices, [
            [d.device_id, _("Province office") if d.role == "province" else _("District laptop"),
             ", ".join(d.scope), str(d.serial),
             _("yes") if d.revoked else "",
             d.last_exchange.strftime("%d-%m-%Y %H:%M") if d.last_exchange else ""]
            for d in devices
        ])  # fmt: skip
        names = {"in": _("received"), "out": _("sent")}
        _fill(self.history, [
            [h.at.strftime("%d-%m-%Y %H:%M"), names.get(h.direction, h.direction),
             outcome_name(h.status),
             h.peer or "", h.file_name or "", f"{h.part}/{h.parts}" if h.part else "",
             f"{(h.size or 0) / 1024:.0f} KiB", _history_detail(h)]
            for h in history
        ])  # fmt: skip

    def _changed(self, _result=None) -> None:
        self.ui.events.data_changed.emit("*")
        self.ui.events.status_changed.emit()
        self.activated()

    # ---- export ----------------------------------------------------------------------------

    def _export_clicked(self) -> None:
        if self.status is None:
            return
        self.dialog = ExportDialog(self.status, self)
        self.dialog.accepted.connect(
            lambda: self.export_to(self.dialog.target, small=self.dialog.small.isChecked())
        )
        self.dialog.open()

    def export_to(self, folder: Path, *, small: bool = False) -> None:
        db, data_dir, actor = self.ui.db, self.ui.data_dir, self.ui.actor
        self.ui.runner.run(
            lambda _p: sync_exchange.export_bundles(db, data_dir, actor, folder, small=small),
            title=_("Writing bundles"), on_done=self._exported, parent=self,
        )  # fmt: skip

    def _exported(self, sets) -> None:
        lines = [
            f"{part.path.name}  ({part.size / 1024 / 1024:.1f} MiB)"
            for exported in sets for part in exported.parts
        ]  # fmt: skip
        self.dialog = QMessageBox(QMessageBox.Icon.Information, _("Bundles written"),
                                  "\n".join(lines) or _("Nothing to write."),
                                  QMessageBox.StandardButton.Ok, self)  # fmt: skip
        self.dialog.open()
        self._changed()

    # ---- import ----------------------------------------------------------------------------

    def _import_clicked(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self, _("Bundles to import"), "", _("Sync bundles (*.ksb)")
        )
        if paths:
            self.preview([Path(p) for p in paths])

    def preview(self, paths: list[Path]) -> None:
        """Check the files and show what they would change; import on confirmation."""
        db, data_dir, actor = self.ui.db, self.ui.data_dir, self.ui.actor

        def done(results) -> None:
            self.dialog = PreviewDialog(results, self)
            self.dialog.accepted.connect(lambda: self.import_files(paths))
            self.dialog.open()

        self.ui.runner.run(
            lambda progress: sync_exchange.import_bundles(
                db, data_dir, actor, paths, dry_run=True, progress=progress
            ),
            title=_("Checking bundles"), on_done=done, parent=self,
        )  # fmt: skip

    def import_files(self, paths: list[Path]) -> None:
        db, data_dir, actor = self.ui.db, self.ui.data_dir, self.ui.actor

        def done(results) -> None:
            self.last_results = results
            self.dialog = QMessageBox(QMessageBox.Icon.Information, _("Import report"),
                                      _("Import finished."), QMessageBox.StandardButton.Ok,
                                      self)  # fmt: skip
            self.dialog.layout().addWidget(results_table(results, self.dialog))
            self.dialog.open()
            self._changed()

        self.ui.runner.run(
            lambda progress: sync_exchange.import_bundles(
                db, data_dir, actor, paths, progress=progress
            ),
            title=_("Importing bundles"), on_done=done, parent=self,
        )  # fmt: skip

    # ---- enrolment -------------------------------------------------------------------------

    def _request_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Where to write the request"))
        if folder:
            self.request_to(Path(folder))

    def request_to(self, folder: Path) -> None:
        db, data_dir, actor = self.ui.db, self.ui.data_dir, self.ui.actor

        def done(request) -> None:
            self.dialog = QMessageBox(
                QMessageBox.Icon.Information, _("Enrolment request"),
                _("Take {name} to the province office and read this fingerprint aloud:\n\n"
                  "{fingerprint}").format(name=request.path.name, fingerprint=request.fingerprint),
                QMessageBox.StandardButton.Ok, self,
            )  # fmt: skip
            self.dialog.open()

        self.ui.runner.run(
            lambda _p: sync_trust.request_enrolment(db, data_dir, actor, folder),
            title=_("Writing the enrolment request"), on_done=done, parent=self,
        )  # fmt: skip

    def _enroll_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Enrolment file from the province"), "", _("Enrolment files (*.json)")
        )
        if path:
            self.enroll_from(Path(path))

    def enroll_from(self, path: Path) -> None:
        db, data_dir, actor = self.ui.db, self.ui.data_dir, self.ui.actor
        self.ui.runner.run(
            lambda _p: sync_trust.enroll(db, data_dir, actor, path),
            title=_("Enrolling"), on_done=self._changed, parent=self,
        )  # fmt: skip

    def _approve_clicked(self) -> None:
        self.dialog = ApproveDialog(self)
        self.dialog.accepted.connect(
            lambda: self.approve(Path(self.dialog.request.text()), self.dialog.fingerprint.text())
        )
        self.dialog.open()

    def approve(self, request: Path, fingerprint: str) -> None:
        db, data_dir, actor = self.ui.db, self.ui.data_dir, self.ui.actor
        folder = request.parent
        self.ui.runner.run(
            lambda _p: sync_trust.approve_request(db, data_dir, actor, request, fingerprint,
                                                  folder),
            title=_("Approving the laptop"), on_done=self._changed, parent=self,
        )  # fmt: skip

    def _revoke_clicked(self) -> None:
        row = self.devices.currentRow()
        if row < 0:
            return
        device_id = self.devices.item(row, 0).text()
        reason, ok = QInputDialog.getText(
            self, _("Revoke laptop"), _("Why is {device} revoked?").format(device=device_id)
        )
        if ok and reason.strip():
            db, data_dir, actor = self.ui.db, self.ui.data_dir, self.ui.actor
            self.ui.runner.run(
                lambda _p: sync_trust.revoke_device(db, data_dir, actor, device_id, reason),
                title=_("Revoking the laptop"), on_done=self._changed, parent=self,
            )  # fmt: skip


def _history_detail(row) -> str:
    if row.code:
        return message(row.code) if row.code.startswith("E_") else row.code
    report = row.report
    if "applied" in report:
        text = _("{new} new, {already} already present").format(
            new=report.get("applied", 0) + report.get("released", 0),
            already=report.get("already", 0),
        )
        counts = entity_counts(report)
        return f"{text} ({counts})" if counts else text
    ops = report.get("ops") or []
    return _("{count} changes").format(count=sum(int(o.get("count", 0)) for o in ops))
