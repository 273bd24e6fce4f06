# SPDX-License-Identifier: GPL-3.0-or-later
"""What the house-handover and grant screens share: a filtered list of records with a detail
panel, dialogs that save through the services, and the filters remembered between sessions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout

from kaltim_desktop.i18n import _
from kaltim_desktop.ui.pages.base import Page


class LedgerPage(Page):
    """A list of one programme's records (``entity``) filtered by stage and region.

    Subclasses set :attr:`entity` and :attr:`filter_key`, create ``stage_filter`` and
    ``region_filter`` combos, ``count_label``, ``table`` and ``household_button``, keep the
    selected record in ``current``, and implement ``refresh()``, ``_apply_roles()``,
    ``_on_selection()``, ``_on_data_changed()`` and ``_show_detail()``.
    """

    entity = ""
    """The op-log entity shown ("handover", "grant"): announced after every save."""
    filter_key = ""
    """Where the stage and region filters are remembered in the UI settings."""

    def activated(self) -> None:
        self._apply_roles()  # the officer may have changed (lock and sign-in as another)
        self.refresh()
        self.table.setFocus()

    # ---- building --------------------------------------------------------------------------

    def _filter_bar(self) -> QHBoxLayout:
        """The stage and regency filters (with their Alt keys) and the count of records."""
        bar = QHBoxLayout()
        stage_caption = QLabel(_("S&tage:"))
        stage_caption.setBuddy(self.stage_filter)
        region_caption = QLabel(_("Re&gency:"))
        region_caption.setBuddy(self.region_filter)
        for widget in (stage_caption, self.stage_filter, region_caption, self.region_filter):
            bar.addWidget(widget)
        bar.addWidget(self.count_label, 1)
        return bar

    def _detail_panel(self, title: str, *columns: dict[str, str]) -> QGroupBox:
        """A group of selectable, wrapping value labels (``self.detail_labels[key]``), one form
        per ``{key: caption}`` column."""
        self.details = QGroupBox(title)
        self.detail_labels: dict[str, QLabel] = {}
        row = QHBoxLayout(self.details)
        for captions in columns:
            form = QFormLayout()
            for key, caption in captions.items():
                label = QLabel()
                label.setWordWrap(True)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.detail_labels[key] = label
                form.addRow(caption, label)
            row.addLayout(form, 1)
        return self.details

    def _assemble(self, bar: QHBoxLayout, actions: QHBoxLayout) -> None:
        """Lay the page out and connect what every ledger reacts to."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)

        self._restore_filter()
        self.stage_filter.currentIndexChanged.connect(self.refresh)
        self.region_filter.currentIndexChanged.connect(self.refresh)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.household_button.clicked.connect(self._open_household)
        self.ui.events.data_changed.connect(self._on_data_changed)
        self.ui.events.status_changed.connect(self._apply_roles)
        self._show_detail(None)

    # ---- actions ---------------------------------------------------------------------------

    def _open(self, dialog):
        """Open a dialog that saves through a service; its result becomes the selection."""
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._on_saved(dialog.result_value))
        dialog.open()
        return dialog

    def _on_saved(self, row) -> None:
        self.dialog = None
        # Keep the record just saved in view once the list is reloaded.
        self._select_after = row.id
        self.ui.events.data_changed.emit(self.entity)
        if not self.isVisible():
            self.refresh()

    def _open_household(self) -> None:
        if self.current is not None:
            self.ui.events.open_household.emit(self.current.household_id)

    def _save_filter(self, stage: str | None, region: str | None) -> None:
        self.ui.settings.setValue(self.filter_key, [stage or "", region or ""])

    def _restore_filter(self) -> None:
        saved = self.ui.settings.value(self.filter_key)
        if isinstance(saved, list) and len(saved) == 2:
            for combo, value in zip((self.stage_filter, self.region_filter), saved, strict=True):
                index = combo.findData(value or None)
                if index >= 0:
                    combo.setCurrentIndex(index)
