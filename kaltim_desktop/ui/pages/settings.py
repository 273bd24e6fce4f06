# SPDX-License-Identifier: GPL-3.0-or-later
"""Pengaturan: language, inactivity lock, officers, backup, and where the files are.

The language and the lock delay are business settings stored in the database (they back up
with the data); the language applies at the next start. Officers are managed by
administrators; the other roles see the list only.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kaltim_desktop.domain import vocab
from kaltim_desktop.i18n import _
from kaltim_desktop.paths import backups_dir
from kaltim_desktop.services.context import ROLE_RANK
from kaltim_desktop.services.installation import (
    LOCK_MINUTES_RANGE,
    read_settings,
    set_lock_minutes,
)
from kaltim_desktop.services.maintenance import backup_now
from kaltim_desktop.services.officers import OfficerRow, add_officer, list_officers
from kaltim_desktop.services.preferences import get_language, set_language
from kaltim_desktop.ui.context import UiContext
from kaltim_desktop.ui.pages.base import Page
from kaltim_desktop.ui.pages.programme_widgets import (
    ServiceDialog,
    fill_table,
    fit_columns,
    make_table,
    select_data,
    vocab_combo,
)

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}  # each in its own language


class AddOfficerDialog(ServiceDialog):
    """Create an officer account (administrators only)."""

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, _("Add an officer"), parent)
        self.setMinimumWidth(480)
        self.username = QLineEdit()
        self.username.setPlaceholderText(_("e.g. budi.santoso"))
        self.name = QLineEdit()
        self.nip = QLineEdit()
        self.role = vocab_combo(vocab.ROLE)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.form.addRow(_("&User name:"), self.username)
        self.form.addRow(_("&Name:"), self.name)
        self.form.addRow(_("NI&P (optional):"), self.nip)
        self.form.addRow(_("&Role:"), self.role)
        self.form.addRow(_("&Password:"), self.password)
        self.form.addRow(_("Re&peat password:"), self.repeat)
        self.form.addRow(self.note)
        self.finish_layout()
        self.username.setFocus()

    def accept(self) -> None:
        if self.password.text() != self.repeat.text():
            self.note.setText(_("The two passwords differ."))
            self.repeat.setFocus()
            return
        super().accept()

    def work(self):
        db, actor = self.ui.db, self.ui.actor
        values = dict(
            username=self.username.text(),
            name=self.name.text(),
            password=self.password.text(),
            role=self.role.currentData(),
            nip=self.nip.text() or None,
        )
        return lambda _confirm: add_officer(db, actor, **values)


def _path_label(path: Path | str) -> QLabel:
    label = QLabel(str(path))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


class SettingsPage(Page):
    """Business settings, officers, backup and file locations."""

    def __init__(self, ui: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ui, parent)
        self.dialog = None
        self.officers: list[OfficerRow] = []

        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setRange(*LOCK_MINUTES_RANGE)
        self.lock_minutes.setSuffix(" " + _("minutes"))
        self.save_button = QPushButton(_("&Save settings"))
        self.save_note = QLabel()
        self.save_note.setWordWrap(True)
        general = QGroupBox(_("General"))
        general_form = QFormLayout(general)
        general_form.addRow(_("&Language:"), self.language)
        general_form.addRow(_("Lock &after inactivity:"), self.lock_minutes)
        general_form.addRow(self.save_button)
        general_form.addRow(self.save_note)

        self.backup_button = QPushButton(_("&Back up now"))
        self.backup_note = QLabel(
            _(
                "A backup is also made before every upgrade and once a day at start; the "
                "newest five are kept."
            )
        )
        self.backup_note.setWordWrap(True)
        backup = QGroupBox(_("Backup"))
        backup_layout = QVBoxLayout(backup)
        backup_layout.addWidget(self.backup_button, 0, Qt.AlignmentFlag.AlignLeft)
        backup_layout.addWidget(self.backup_note)

        files = QGroupBox(_("Files"))
        files_form = QFormLayout(files)
        files_form.addRow(_("Database:"), _path_label(ui.db.path or ""))
        files_form.addRow(_("Data folder:"), _path_label(ui.data_dir))
        files_form.addRow(_("Backups:"), _path_label(ui.data_dir / "backups"))
        files_form.addRow(_("Log file:"), _path_label(ui.log_file))

        self.officer_table = make_table(
            [_("User name"), _("Name"), _("Role"), _("Active")], stretch=1
        )
        fit_columns(self.officer_table, {0: 130, 2: 120, 3: 60})
        self.add_officer_button = QPushButton(_("Add &officer…"))
        self.officer_box = QGroupBox(_("Officers"))
        officer_layout = QVBoxLayout(self.officer_box)
        officer_layout.addWidget(self.officer_table, 1)
        officer_layout.addWidget(self.add_officer_button, 0, Qt.AlignmentFlag.AlignLeft)

        left = QVBoxLayout()
        for box in (general, backup, files):
            left.addWidget(box)
        left.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 1)
        layout.addWidget(self.officer_box, 1)

        self.save_button.clicked.connect(self.save)
        self.backup_button.clicked.connect(self.back_up)
        self.add_officer_button.clicked.connect(self.add_officer)
        shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.save)

    def title(self) -> str:
        return _("Settings")

    def activated(self) -> None:
        admin = ROLE_RANK.get(self.ui.actor.role, 0) >= ROLE_RANK["admin"]
        self.lock_minutes.setEnabled(admin)
        self.add_officer_button.setVisible(admin)
        self.load()
        self.language.setFocus()

    def load(self) -> None:
        db = self.ui.db
        self.ui.runner.run(
            lambda _progress: (get_language(db), read_settings(db), list_officers(db)),
            title=_("Loading the settings"),
            on_done=self._on_loaded,
            parent=self,
            progress_dialog=False,
        )

    def _on_loaded(self, result) -> None:
        language, settings, officers = result
        select_data(self.language, language)
        self.lock_minutes.setValue(settings.lock_minutes)
        self.officers = officers
        fill_table(
            self.officer_table,
            (
                (
                    o.id,
                    [
                        o.username,
                        o.name,
                        _(vocab.ROLE.get(o.role, o.role)),
                        _("yes") if o.active else _("no"),
                    ],
                )
                for o in officers
            ),
        )

    # ---- actions ------------------------------------------------------------------------------

    def save(self) -> None:
        db, actor = self.ui.db, self.ui.actor
        language = self.language.currentData()
        minutes = self.lock_minutes.value() if self.lock_minutes.isEnabled() else None

        def work(_progress):
            language_before, lock_before = get_language(db), read_settings(db).lock_minutes
            set_language(db, actor, language)
            if minutes is not None:
                set_lock_minutes(db, actor, minutes)
            return language_before != language, minutes not in (None, lock_before)

        self.ui.runner.run(
            work,
            title=_("Saving the settings"),
            on_done=self._on_saved,
            parent=self,
            progress_dialog=False,
        )

    def _on_saved(self, changed: tuple[bool, bool]) -> None:
        language_changed, lock_changed = changed
        text = _("Settings saved.")
        if language_changed:
            text += " " + _("Restart the application to use the new language.")
        if lock_changed:
            # The lock timer of this session was set at sign-in (ui.application).
            text += " " + _("The new lock delay applies from the next start.")
        self.save_note.setText(text)
        self.ui.events.status_changed.emit()

    def back_up(self) -> None:
        db_path, target = self.ui.db.path, self.ui.data_dir
        self.backup_button.setEnabled(False)
        self.ui.runner.run(
            lambda _progress: backup_now(db_path, backups_dir(target)),
            title=_("Backing up the database"),
            on_done=self._on_backed_up,
            on_error=self._on_backup_failed,
            parent=self,
        )

    def _on_backed_up(self, path: Path) -> None:
        self.backup_button.setEnabled(True)
        self.backup_note.setText(_("Backed up to {path}").format(path=path))

    def _on_backup_failed(self, error: BaseException) -> None:
        self.backup_button.setEnabled(True)
        self.ui.errors.show(self, error)

    def add_officer(self) -> AddOfficerDialog:
        dialog = AddOfficerDialog(self.ui, self)
        self.dialog = dialog
        dialog.accepted.connect(self.load)
        dialog.open()
        return dialog
